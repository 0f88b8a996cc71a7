package analysis

import (
	"fmt"
	"strings"
)

// summarise describes ratings given as parallel member/category slices
// (category −1 = pass), overall and by perspective.
func (a *analyser) summarise(members []int32, cats []int8) (itemStats, []itemStats) {
	counts := make([]int32, a.k*(1+a.nPersp))
	passed := make([]int, 1+a.nPersp)
	for j, c := range cats {
		g := a.perspectiveOf(members[j]) + 1 // 0 = overall only
		if c < 0 {
			passed[0]++
			if g > 0 {
				passed[g]++
			}
			continue
		}
		counts[int(c)]++
		if g > 0 {
			counts[g*a.k+int(c)]++
		}
	}
	st := a.describe(counts[:a.k], passed[0])
	persp := make([]itemStats, a.nPersp)
	for g := range persp {
		persp[g] = a.describe(counts[(g+1)*a.k:(g+2)*a.k], passed[g+1])
	}
	return st, persp
}

// verdict judges a distribution and, when the rule asks for it, requires
// the same verdict within every perspective with at least the minimum cell
// size of raters.
func (a *analyser) verdict(st *itemStats, persp []itemStats) (Verdict, string) {
	v, why := a.judge(st)
	if !a.s.Rule.WithinEveryPerspective || (v != VerdictConsensusFor && v != VerdictConsensusAgainst) {
		return v, why
	}
	var fails []string
	judged := 0
	for g := range persp {
		if persp[g].n < a.cell {
			continue
		}
		judged++
		if pv, _ := a.judge(&persp[g]); pv != v {
			fails = append(fails, fmt.Sprintf("%s (%s)", a.s.Perspectives[g], strings.ReplaceAll(string(pv), "_", " ")))
		}
	}
	if len(fails) > 0 {
		return VerdictNoConsensus, fmt.Sprintf("No consensus: overall %s, but the rule requires it within every perspective and it does not hold for %s.",
			strings.TrimSuffix(why[strings.Index(why, ": ")+2:], "."), sentence(fails))
	}
	if small := a.nPersp - judged; small > 0 {
		why += fmt.Sprintf(" %s had fewer than %d raters and could not be judged separately.", plural(small, "perspective", "perspectives"), a.cell)
	}
	return v, why
}

// proportion returns count/n with its Wilson 95 % interval.
func proportion(count, n int) *Proportion {
	lo, hi, err := Wilson(count, n, Z95)
	if err != nil {
		return nil
	}
	return &Proportion{Count: count, N: n, Proportion: float64(count) / float64(n), Lower: lo, Upper: hi}
}

func distribution(counts []int32) []int {
	d := make([]int, len(counts))
	for i, c := range counts {
		d[i] = int(c)
	}
	return d
}

// analyseProposals fills Result.Proposals for the round's agenda.
func (a *analyser) analyseProposals() {
	s := a.s
	x := a.idx[a.t]
	nActive := 0
	for _, act := range a.active[a.t] {
		if act {
			nActive++
		}
	}
	decision := make(map[int]string, len(s.Rounds[a.t].Decisions))
	for _, d := range s.Rounds[a.t].Decisions {
		decision[d.Proposal] = d.Outcome
	}
	a.items = make([]item, len(a.agenda))
	a.res.Proposals = make([]ProposalResult, len(a.agenda))
	for i, p := range a.agenda {
		it := &a.items[i]
		it.p = p
		lo, hi := x.pOff[p], x.pOff[p+1]
		it.st, it.persp = a.summarise(x.pMember[lo:hi], x.pCat[lo:hi])
		var why string
		it.verdict, why = a.verdict(&it.st, it.persp)
		pr := &a.res.Proposals[i]
		pr.ID = s.Proposals[p].ID
		if au := s.Proposals[p].Author; au >= 0 {
			pr.Author = s.Members[au].ID
		}
		pr.NRated, pr.NPassed = it.st.n, it.st.passed
		pr.NNotResponded = nActive - x.seen(p)
		pr.Distribution = distribution(it.st.counts)
		a.fillItem(pr, &it.st)
		pr.Verdict, pr.VerdictExplanation = it.verdict, why
		pr.ByPerspective = a.perspectiveResults(it.persp)
		pr.Decision = decision[p]
		it.baseline = a.findBaseline(p, a.t)
		a.fillChange(pr, it)
		a.fillDissent(pr, it)
	}
}

// fillItem copies the distribution statistics into a proposal result.
func (a *analyser) fillItem(pr *ProposalResult, st *itemStats) {
	if st.n == 0 {
		pr.QuantilesReason = string(reasonNoRatings)
		pr.ProportionReason = string(reasonNoRatings)
	} else {
		pr.Median, pr.Q1, pr.Q3 = fptr(st.median), fptr(st.q1), fptr(st.q3)
		pr.IQR = fptr(st.q3 - st.q1)
		pr.Agree, pr.Disagree = proportion(st.agree, st.n), proportion(st.disagree, st.n)
	}
	if st.aErr != nil {
		pr.AgreementAReason = st.aErr.Error()
	} else {
		pr.AgreementA = fptr(st.a)
	}
}

// perspectiveResults reports each perspective, suppressing cells with fewer
// raters than the minimum cell size.
func (a *analyser) perspectiveResults(persp []itemStats) []PerspectiveResult {
	out := make([]PerspectiveResult, len(persp))
	for g := range persp {
		st := &persp[g]
		out[g].Perspective = a.s.Perspectives[g]
		if st.n < a.cell {
			out[g].Suppressed = true
			continue
		}
		c := &PerspectiveCell{NRated: st.n, NPassed: st.passed, Distribution: distribution(st.counts),
			Median: fptr(st.median), Agree: proportion(st.agree, st.n), Disagree: proportion(st.disagree, st.n)}
		c.Verdict, c.VerdictExplanation = a.judge(st)
		out[g].Cell = c
	}
	return out
}
