package analysis

import (
	"cmp"
	"fmt"
	"slices"
)

// Attrition warning thresholds: leavers must be at least AttritionMinLeft,
// their share in a category at least AttritionMinGap above the stayers'
// share, and Fisher's exact one-sided p below AttritionMaxP.
const (
	AttritionMinLeft = 3
	AttritionMinGap  = 0.25
	AttritionMaxP    = 0.10
)

// position is a member's round-1 position on the leading proposals.
type position int8

const (
	posUnknown position = iota
	posAgreed
	posDisagreed
	posNeutral
)

// analyseAttrition compares the previous round's raters with this round's.
func (a *analyser) analyseAttrition() {
	if a.t == 0 {
		a.res.AttritionReason = "first round: there is no earlier round to compare with"
		return
	}
	s := a.s
	prev, cur := a.idx[a.t-1], a.idx[a.t]
	at := &Attrition{PreviousRoundID: s.Rounds[a.t-1].ID, Warnings: []string{}}
	leading := a.leadingProposals(0)
	at.LeadingProposals = make([]string, len(leading))
	for i, p := range leading {
		at.LeadingProposals[i] = s.Proposals[p].ID
	}
	prevG, leftG := make([]int, a.nPersp), make([]int, a.nPersp)
	for m := range s.Members {
		was, is := prev.responses(m) > 0, cur.responses(m) > 0
		if is && !was {
			at.Joined++
		}
		if !was {
			continue
		}
		at.Previous++
		g := s.Members[m].Perspective
		if g >= 0 {
			prevG[g]++
		}
		pos := a.roundOnePosition(m, leading)
		tally := &at.StayedByPosition
		if is {
			at.Stayed++
		} else {
			at.Left++
			tally = &at.LeftByPosition
			if g >= 0 {
				leftG[g]++
			}
		}
		switch pos {
		case posAgreed:
			tally.Agreed++
		case posDisagreed:
			tally.Disagreed++
		case posNeutral:
			tally.Neutral++
		default:
			tally.Unknown++
		}
	}
	at.ByPerspective = make([]PerspectiveAttrition, a.nPersp)
	for g := range prevG {
		pa := &at.ByPerspective[g]
		pa.Perspective = s.Perspectives[g]
		if prevG[g] < a.cell {
			pa.Suppressed = true
			continue
		}
		pa.Previous, pa.Left = iptr(prevG[g]), iptr(leftG[g])
	}
	l, st := at.LeftByPosition, at.StayedByPosition
	lKnown := l.Agreed + l.Disagreed + l.Neutral
	sKnown := st.Agreed + st.Disagreed + st.Neutral
	if w := skewWarning(l.Disagreed, lKnown, st.Disagreed, sKnown,
		"had disagreed with the leading proposals in round 1"); w != "" {
		at.Warnings = append(at.Warnings, w+"; their view may now be missing from the group.")
	}
	if w := skewWarning(l.Agreed, lKnown, st.Agreed, sKnown,
		"had agreed with the leading proposals in round 1"); w != "" {
		at.Warnings = append(at.Warnings, w+"; support for those proposals may now be understated.")
	}
	for g := range prevG {
		if prevG[g] < a.cell {
			continue
		}
		if w := skewWarning(leftG[g], at.Left, prevG[g]-leftG[g], at.Stayed,
			fmt.Sprintf("were from the %s perspective", s.Perspectives[g])); w != "" {
			at.Warnings = append(at.Warnings, w+"; consider asking why and what would help them return.")
		}
	}
	a.res.Attrition = at
}

// skewWarning returns "4 of 5 members who left <what>, against 3 of 15 who
// stayed" when the leavers are skewed towards a category, or "".
func skewWarning(left, leftN, stayed, stayedN int, what string) string {
	if leftN < AttritionMinLeft || left == 0 {
		return ""
	}
	shareL := float64(left) / float64(leftN)
	shareS := 0.0
	if stayedN > 0 {
		shareS = float64(stayed) / float64(stayedN)
	}
	if shareL-shareS < AttritionMinGap || fisherGreater(left, leftN-left, stayed, stayedN-stayed) >= AttritionMaxP {
		return ""
	}
	return fmt.Sprintf("%d of %d members who left %s, against %d of %d who stayed", left, leftN, what, stayed, stayedN)
}

// leadingProposals returns round r's leading proposals: those with
// consensus for, or else the three with the highest agree share among those
// with at least the rule's minimum of ratings (any ratings if none has),
// ties in agenda order.
func (a *analyser) leadingProposals(r int) []int {
	x := a.idx[r]
	type cand struct {
		p     int
		pos   int
		share float64
		n     int
	}
	var cands, lead []cand
	for pos, p := range a.s.Rounds[r].Agenda {
		lo, hi := x.pOff[p], x.pOff[p+1]
		st, persp := a.summarise(x.pMember[lo:hi], x.pCat[lo:hi])
		if st.n == 0 {
			continue
		}
		c := cand{p: p, pos: pos, share: float64(st.agree) / float64(st.n), n: st.n}
		if v, _ := a.verdict(&st, persp); v == VerdictConsensusFor {
			lead = append(lead, c)
		}
		cands = append(cands, c)
	}
	if len(lead) == 0 {
		enough := slices.ContainsFunc(cands, func(c cand) bool { return c.n >= a.s.Rule.MinRaters })
		for _, c := range cands {
			if !enough || c.n >= a.s.Rule.MinRaters {
				lead = append(lead, c)
			}
		}
		slices.SortStableFunc(lead, func(p, q cand) int { return cmp.Compare(q.share, p.share) })
		lead = lead[:min(3, len(lead))]
		slices.SortFunc(lead, func(p, q cand) int { return cmp.Compare(p.pos, q.pos) })
	}
	out := make([]int, len(lead))
	for i, c := range lead {
		out[i] = c.p
	}
	return out
}

// roundOnePosition classifies member m by their round-1 ratings of the
// leading proposals.
func (a *analyser) roundOnePosition(m int, leading []int) position {
	x := a.idx[0]
	ag, dis, rated := 0, 0, 0
	for _, p := range leading {
		c, _, ok := x.ratingOf(p, m)
		if !ok || c < 0 {
			continue
		}
		rated++
		if a.agreeCat[c] {
			ag++
		} else if a.disagreeCat[c] {
			dis++
		}
	}
	switch {
	case rated == 0:
		return posUnknown
	case ag > dis:
		return posAgreed
	case dis > ag:
		return posDisagreed
	}
	return posNeutral
}
