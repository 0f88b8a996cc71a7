package analysis

import "fmt"

// roundIndex holds one round's ratings twice in compressed sparse form: by
// proposal (members ascending within a proposal) and by member. Categories
// are indices into Scale.Values, −1 for a pass. Everything is a flat int32 or
// int8 slice so that 10 M ratings cost about 200 MB and every pass over them
// is sequential.
type roundIndex struct {
	// By proposal (global proposal index): entries pOff[p]..pOff[p+1].
	pOff    []int32
	pMember []int32
	pCat    []int8
	pRating []int32 // index into Round.Ratings, for reasons
	// By member: entries mOff[m]..mOff[m+1].
	mOff      []int32
	mProposal []int32
	mCat      []int8
}

// seen returns the number of ratings (passes included) of proposal p.
func (x *roundIndex) seen(p int) int { return int(x.pOff[p+1] - x.pOff[p]) }

// responses returns the number of ratings (passes included) by member m.
func (x *roundIndex) responses(m int) int { return int(x.mOff[m+1] - x.mOff[m]) }

// ratingOf returns the category member m gave proposal p (−1 pass) and the
// rating's index, or ok = false when m did not rate p. Members are ascending
// within a proposal, so this is a binary search.
func (x *roundIndex) ratingOf(p, m int) (cat int8, rating int32, ok bool) {
	lo, hi := int(x.pOff[p]), int(x.pOff[p+1])
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if int(x.pMember[mid]) < m {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < int(x.pOff[p+1]) && int(x.pMember[lo]) == m {
		return x.pCat[lo], x.pRating[lo], true
	}
	return 0, 0, false
}

// buildRoundIndex indexes round r of a snapshot that passed validate and
// reports a *FieldError for a (member, proposal) pair rated twice.
func buildRoundIndex(s *Snapshot, r int) (*roundIndex, error) {
	rt := &s.Rounds[r].Ratings
	n := rt.Len()
	nm, np := len(s.Members), len(s.Proposals)
	var catOf [256]int8
	for i := range catOf {
		catOf[i] = -1
	}
	for c, v := range s.Scale.Values {
		catOf[uint8(int8(v))] = int8(c)
	}
	x := &roundIndex{
		pOff:      make([]int32, np+1),
		pMember:   make([]int32, n),
		pCat:      make([]int8, n),
		pRating:   make([]int32, n),
		mOff:      make([]int32, nm+1),
		mProposal: make([]int32, n),
		mCat:      make([]int8, n),
	}
	for i := 0; i < n; i++ {
		x.mOff[rt.Member[i]+1]++
		x.pOff[rt.Proposal[i]+1]++
	}
	for m := 0; m < nm; m++ {
		x.mOff[m+1] += x.mOff[m]
	}
	for p := 0; p < np; p++ {
		x.pOff[p+1] += x.pOff[p]
	}
	// Counting sort by member (stable), remembering the rating index.
	order := make([]int32, n)
	next := make([]int32, nm)
	copy(next, x.mOff[:nm])
	for i := 0; i < n; i++ {
		m := rt.Member[i]
		k := next[m]
		next[m]++
		order[k] = int32(i)
		x.mProposal[k] = rt.Proposal[i]
		if rt.pass(i) {
			x.mCat[k] = -1
		} else {
			x.mCat[k] = catOf[uint8(rt.Value[i])]
		}
	}
	// Scatter into proposal order while walking members in ascending order,
	// which leaves members ascending within each proposal; a repeated member
	// within a proposal is a duplicate rating.
	pnext := make([]int32, np)
	copy(pnext, x.pOff[:np])
	for m := 0; m < nm; m++ {
		for k := x.mOff[m]; k < x.mOff[m+1]; k++ {
			p := x.mProposal[k]
			j := pnext[p]
			if j > x.pOff[p] && x.pMember[j-1] == int32(m) {
				return nil, fieldErr(fmt.Sprintf("rounds[%d].ratings.member[%d]", r, order[k]),
					fmt.Sprintf("member %q rated proposal %q more than once", s.Members[m].ID, s.Proposals[p].ID))
			}
			pnext[p]++
			x.pMember[j] = int32(m)
			x.pCat[j] = x.mCat[k]
			x.pRating[j] = order[k]
		}
	}
	return x, nil
}
