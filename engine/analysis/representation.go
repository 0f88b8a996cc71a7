package analysis

import "fmt"

// Representation and divergence thresholds (shared/ANALYSIS.md §5, M6).
const (
	// FourFifths is the representation ratio below which a perspective is
	// under-represented (US EEOC Uniform Guidelines, 29 CFR 1607.4(D)).
	FourFifths = 0.8
	// DivergenceMinGap is the gap in agree rate, between a perspective and
	// everyone else, that makes a divergence.
	DivergenceMinGap = 0.25
)

// Representation measures, in report order.
var representationMeasures = []string{"proposals", "ratings", "adopted_authorship", "adopted_support"}

// representation computes M6 as of round R: per perspective and measure
// the count and the total. Index [g][measure].
func (a *analyser) representation(R int, outcome []decisionState) (members []int, total int, counts [][4]int, totals [4]int) {
	members = a.perspectiveMembers(R)
	in := make([]bool, len(a.s.Members))
	for r := 0; r <= R; r++ {
		for _, m := range a.s.Rounds[r].Invited {
			in[m] = true
		}
	}
	for _, ok := range in {
		if ok {
			total++
		}
	}
	counts = make([][4]int, a.nPersp)
	add := func(measure int, m int32, n int) {
		totals[measure] += n
		if g := a.perspectiveOf(m); g >= 0 {
			counts[g][measure] += n
		}
	}
	for p, pr := range a.s.Proposals {
		if pr.Author < 0 || pr.Round > R {
			continue
		}
		add(0, int32(pr.Author), 1)
		if outcome[p].adopted() {
			add(2, int32(pr.Author), 1)
		}
	}
	for r := 0; r <= R; r++ {
		x := a.idx[r]
		for m := range a.s.Members {
			if n := x.responses(m); n > 0 {
				add(1, int32(m), n)
			}
		}
		for _, d := range a.s.Rounds[r].Decisions {
			if d.Outcome != OutcomeAdopted {
				continue
			}
			for j := x.pOff[d.Proposal]; j < x.pOff[d.Proposal+1]; j++ {
				if c := x.pCat[j]; c >= 0 && a.agreeCat[c] {
					add(3, x.pMember[j], 1)
				}
			}
		}
	}
	return members, total, counts, totals
}

// representationResults turns the counts into results and reports which
// (perspective, measure) pairs are flagged.
func (a *analyser) representationResults(R int, outcome []decisionState) ([]PerspectiveRepresentation, map[[2]int]bool) {
	members, total, counts, totals := a.representation(R, outcome)
	out := make([]PerspectiveRepresentation, a.nPersp)
	flagged := map[[2]int]bool{}
	for g := range out {
		pr := &out[g]
		pr.Perspective = a.s.Perspectives[g]
		if members[g] < a.cell || total == 0 {
			pr.Suppressed = true
			continue
		}
		pi := float64(members[g]) / float64(total)
		pr.Members, pr.MemberShare = iptr(members[g]), fptr(pi)
		for mi, name := range representationMeasures {
			rm := RepresentationMeasure{Measure: name}
			if totals[mi] == 0 {
				rm.Reason = "nothing to share yet"
			} else {
				rm.Share = proportion(counts[g][mi], totals[mi])
				rr := rm.Share.Proportion / pi
				rm.Ratio = fptr(rr)
				rm.Flagged = rr < FourFifths && rm.Share.Upper < FourFifths*pi
				if rm.Flagged {
					flagged[[2]int{g, mi}] = true
				}
			}
			pr.Measures = append(pr.Measures, rm)
		}
	}
	return out, flagged
}

// representationSentence explains a representation flag.
func representationSentence(name string, measure int, share, memberShare float64) string {
	what := [...]string{
		"authored %s of proposals",
		"gave %s of ratings",
		"authored %s of the proposals adopted",
		"gave %s of the support behind adopted decisions",
	}[measure]
	act := [...]string{
		"consider inviting their proposals first in the next round.",
		"consider checking that the way of rating works for them (in the room, on paper, with support).",
		"consider revisiting their proposals with the group.",
		"decisions may not reflect their views; consider checking with them before decisions are final.",
	}[measure]
	return fmt.Sprintf("Members of the %s perspective are %s of the group but %s; %s", name, pct(memberShare), fmt.Sprintf(what, pct(share)), act)
}

// divergences lists agenda proposals on which a perspective's agree rate is
// at least DivergenceMinGap from everyone else's, both sides having at
// least the minimum cell size of raters.
func (a *analyser) divergences() []Divergence {
	out := []Divergence{}
	for i := range a.items {
		it := &a.items[i]
		for g := range it.persp {
			ps := &it.persp[g]
			restN := it.st.n - ps.n
			if ps.n < a.cell || restN < a.cell {
				continue
			}
			ag := float64(ps.agree) / float64(ps.n)
			rest := float64(it.st.agree-ps.agree) / float64(restN)
			if d := ag - rest; d < DivergenceMinGap && -d < DivergenceMinGap {
				continue
			}
			id := a.res.Proposals[i].ID
			out = append(out, Divergence{Proposal: id, Perspective: a.s.Perspectives[g], Agree: ag, N: ps.n, RestAgree: rest, RestN: restN,
				Sentence: fmt.Sprintf("Members of the %s perspective: %s agree with %s, against %s of everyone else; consider hearing their reasons before deciding.",
					a.s.Perspectives[g], pct(ag), id, pct(rest))})
		}
	}
	return out
}
