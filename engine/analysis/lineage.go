package analysis

import "slices"

// baseline is the earlier rating of an agenda proposal that the current
// round is compared with.
type baseline struct {
	round      int
	proposals  []int // proposals whose ratings were used
	viaLineage bool
	members    []int32 // ascending
	cats       []int8  // category, −1 for a pass
	// Filled by fillChange for trajectories.
	st    itemStats
	pairs []movePair
}

// movePair is one member's baseline and current category.
type movePair struct {
	member    int32
	prev, cur int8
}

// lineage returns p and every proposal it supersedes, directly or not, in
// order of distance (p first), ties by index.
func (a *analyser) lineage(p int) []int {
	out := []int{p}
	seen := map[int]bool{p: true}
	for i := 0; i < len(out); i++ {
		next := slices.Clone(a.s.Proposals[out[i]].Supersedes)
		slices.Sort(next)
		for _, q := range next {
			if !seen[q] {
				seen[q] = true
				out = append(out, q)
			}
		}
	}
	return out
}

// findBaseline returns the ratings of proposal p, or failing that of its
// lineage, in the most recent round before round t in which any of them was
// rated (or passed), or nil. When several lineage proposals were rated in
// that round (a merge), each member's rating is taken from the nearest one
// in the lineage, so every member counts once.
func (a *analyser) findBaseline(p, t int) *baseline {
	lin := a.lineage(p)
	for r := t - 1; r >= 0; r-- {
		x := a.idx[r]
		var used []int
		for _, q := range lin {
			if x.seen(q) > 0 {
				used = append(used, q)
			}
		}
		if len(used) == 0 {
			continue
		}
		b := &baseline{round: r}
		if used[0] == p || len(used) == 1 {
			q := used[0]
			b.proposals = []int{q}
			b.viaLineage = q != p
			lo, hi := x.pOff[q], x.pOff[q+1]
			b.members, b.cats = x.pMember[lo:hi], x.pCat[lo:hi]
			return b
		}
		b.proposals, b.viaLineage = used, true
		taken := make(map[int32]int8)
		for _, q := range used {
			for j := x.pOff[q]; j < x.pOff[q+1]; j++ {
				if _, ok := taken[x.pMember[j]]; !ok {
					taken[x.pMember[j]] = x.pCat[j]
				}
			}
		}
		b.members = make([]int32, 0, len(taken))
		for m := range taken {
			b.members = append(b.members, m)
		}
		slices.Sort(b.members)
		b.cats = make([]int8, len(b.members))
		for i, m := range b.members {
			b.cats[i] = taken[m]
		}
		return b
	}
	return nil
}
