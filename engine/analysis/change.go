package analysis

import (
	"cmp"
	"fmt"
	"slices"
)

// SettledMaxNetChange and SettledMinWilcoxonP define a settled proposal
// (agreement-statistics §3.5): the verdict held in two consecutive ratings,
// or net change below 15 % and Wilcoxon p at least 0.05.
const (
	SettledMaxNetChange = 0.15
	SettledMinWilcoxonP = 0.05
)

// fillChange compares an agenda proposal with its baseline.
func (a *analyser) fillChange(pr *ProposalResult, it *item) {
	b := it.baseline
	if b == nil {
		pr.ChangeReason = "first time this proposal (or its lineage) is rated"
		return
	}
	s := a.s
	var bpersp []itemStats
	b.st, bpersp = a.summarise(b.members, b.cats)
	bverdict, _ := a.verdict(&b.st, bpersp)
	ch := &Change{
		BaselineRoundID: s.Rounds[b.round].ID,
		ViaLineage:      b.viaLineage,
		BaselineNRated:  b.st.n,
		BaselineVerdict: bverdict,
	}
	for _, q := range b.proposals {
		ch.BaselineProposals = append(ch.BaselineProposals, s.Proposals[q].ID)
	}
	slices.Sort(ch.BaselineProposals)
	cur := &it.st
	if cur.n > 0 && b.st.n > 0 {
		ch.DeltaMedian = fptr(cur.median - b.st.median)
		ch.DeltaIQR = fptr((cur.q3 - cur.q1) - (b.st.q3 - b.st.q1))
		ch.DeltaAgree = fptr(float64(cur.agree)/float64(cur.n) - float64(b.st.agree)/float64(b.st.n))
	} else {
		ch.DeltaReason = "no ratings on one side"
	}

	// Pair members by merging the two ascending member lists.
	x := a.idx[a.t]
	lo, hi := int(x.pOff[it.p]), int(x.pOff[it.p+1])
	rt := &s.Rounds[a.t].Ratings
	vals := s.Scale.Values
	var prevX, curX []float64
	prevCounts, curCounts := make([]float64, a.k), make([]float64, a.k)
	var toAgree, fromAgree int
	i, j := lo, 0
	for i < hi && j < len(b.members) {
		mi, mj := x.pMember[i], b.members[j]
		switch {
		case mi < mj:
			i++
			continue
		case mi > mj:
			j++
			continue
		}
		pc, cc := b.cats[j], x.pCat[i]
		ri := x.pRating[i]
		i++
		j++
		if pc < 0 || cc < 0 {
			continue
		}
		b.pairs = append(b.pairs, movePair{member: mi, prev: pc, cur: cc})
		ch.Paired++
		prevX = append(prevX, float64(vals[pc]))
		curX = append(curX, float64(vals[cc]))
		prevCounts[pc]++
		curCounts[cc]++
		if a.agreeCat[pc] && !a.agreeCat[cc] {
			fromAgree++
		} else if !a.agreeCat[pc] && a.agreeCat[cc] {
			toAgree++
		}
		switch {
		case cc > pc:
			ch.MovedUp++
		case cc < pc:
			ch.MovedDown++
		default:
			ch.Unchanged++
			continue
		}
		dir := "towards_agree"
		if cc < pc {
			dir = "towards_disagree"
		}
		ch.Movers = append(ch.Movers, Mover{Member: s.Members[mi].ID, From: vals[pc], To: vals[cc], Direction: dir,
			Reason: rt.reason(int(ri)), ChangeCategory: rt.changeCategory(int(ri))})
	}
	slices.SortFunc(ch.Movers, func(p, q Mover) int {
		if (p.Reason != "") != (q.Reason != "") {
			if p.Reason != "" {
				return -1
			}
			return 1
		}
		return cmp.Compare(p.Member, q.Member)
	})
	if ch.Movers == nil {
		ch.Movers = []Mover{}
	}
	if len(ch.Movers) > MaxListedMembers {
		ch.Movers, ch.MoversTruncated = ch.Movers[:MaxListedMembers], true
	}
	a.fillStability(&ch.Stability, it.verdict, bverdict, ch.Paired, prevX, curX, prevCounts, curCounts, fromAgree, toAgree)
	pr.Change = ch
}

// fillStability runs the paired stability tests and decides whether the
// proposal is settled.
func (a *analyser) fillStability(st *Stability, verdict, bverdict Verdict, paired int, prevX, curX, prevCounts, curCounts []float64, fromAgree, toAgree int) {
	noChange := false
	if paired == 0 {
		why := "no member rated it (not passed) both times"
		st.WilcoxonReason, st.NetChangeReason, st.CVReason, st.McNemarReason = why, why, why, why
	} else {
		if w, err := WilcoxonSignedRank(curX, prevX); err != nil {
			st.WilcoxonReason = err.Error()
			noChange = w.N == 0 && len(curX) == len(prevX)
		} else {
			st.Wilcoxon = &w
		}
		nc, _ := NetChange(prevCounts, curCounts)
		st.NetChange = fptr(nc)
		if a.scale.Min() <= 0 {
			st.CVReason = "the coefficient of variation needs a scale above zero, such as 1 to 5"
		} else {
			c0, err0 := CoefficientOfVariation(prevX)
			c1, err1 := CoefficientOfVariation(curX)
			if err0 != nil || err1 != nil {
				st.CVReason = string(reasonOneRating)
			} else {
				st.CVBaseline, st.CV, st.DeltaCV = fptr(c0), fptr(c1), fptr(c1-c0)
			}
		}
		if m, err := McNemar(fromAgree, toAgree); err != nil {
			st.McNemarReason = err.Error()
		} else {
			st.McNemar = &m
		}
	}
	held := verdict == bverdict && (verdict == VerdictConsensusFor || verdict == VerdictConsensusAgainst)
	switch {
	case held:
		st.Settled = true
		st.SettledReason = fmt.Sprintf("Settled: the verdict (%s) held in both rounds.", verdictWords(verdict))
	case st.NetChange == nil:
		st.SettledReason = "Not settled: " + st.NetChangeReason + "."
	case *st.NetChange >= SettledMaxNetChange:
		st.SettledReason = fmt.Sprintf("Not settled: net change %s (stable needs under %s).", pct(*st.NetChange), pct(SettledMaxNetChange))
	case noChange:
		st.Settled = true
		st.SettledReason = "Settled: nobody who rated it both times changed their rating."
	case st.Wilcoxon != nil && st.Wilcoxon.PTwoSided < SettledMinWilcoxonP:
		st.SettledReason = fmt.Sprintf("Not settled: ratings shifted (Wilcoxon %s, below %s).", pText(st.Wilcoxon.PTwoSided), num(SettledMinWilcoxonP))
	case st.Wilcoxon != nil:
		st.Settled = true
		st.SettledReason = fmt.Sprintf("Settled: net change %s (under %s) and Wilcoxon %s (at least %s).",
			pct(*st.NetChange), pct(SettledMaxNetChange), pText(st.Wilcoxon.PTwoSided), num(SettledMinWilcoxonP))
	default:
		st.SettledReason = "Not settled: " + st.WilcoxonReason + "."
	}
}

// verdictWords renders a verdict for sentences.
func verdictWords(v Verdict) string {
	switch v {
	case VerdictConsensusFor:
		return "consensus for"
	case VerdictConsensusAgainst:
		return "consensus against"
	case VerdictNoConsensus:
		return "no consensus"
	case VerdictTooFew:
		return "too few ratings"
	}
	return string(v)
}
