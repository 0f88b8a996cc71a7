package analysis

// decisionState is the effective decision on a proposal as of some round:
// the latest decision on the proposal itself or on any proposal that
// supersedes it (directly or not), so that authors of reworded, merged or
// split proposals keep the credit (SPEC.md C3).
type decisionState struct {
	round   int // −1: never decided
	outcome string
}

// adopted reports whether the effective outcome is adoption.
func (d decisionState) adopted() bool { return d.outcome == OutcomeAdopted }

// decided reports whether the proposal has a final outcome: adopted, not
// adopted or parked (revisit means it comes back).
func (d decisionState) decided() bool {
	return d.outcome == OutcomeAdopted || d.outcome == OutcomeNotAdopted || d.outcome == OutcomeParked
}

// outcomeRank orders outcomes of decisions taken in the same round on
// different descendants: adoption of any part credits the ancestor.
func outcomeRank(o string) int {
	switch o {
	case OutcomeAdopted:
		return 3
	case OutcomeNotAdopted:
		return 2
	case OutcomeParked:
		return 1
	}
	return 0
}

func (d decisionState) after(e decisionState) bool {
	if d.round != e.round {
		return d.round > e.round
	}
	return outcomeRank(d.outcome) > outcomeRank(e.outcome)
}

// outcomesAsOf returns every proposal's effective decision as of round R.
func (a *analyser) outcomesAsOf(R int) []decisionState {
	np := len(a.s.Proposals)
	own := make([]decisionState, np)
	for p := range own {
		own[p].round = -1
	}
	for r := 0; r <= R; r++ {
		for _, d := range a.s.Rounds[r].Decisions {
			own[d.Proposal] = decisionState{round: r, outcome: d.Outcome}
		}
	}
	out := make([]decisionState, np)
	done := make([]bool, np)
	var visit func(p int) decisionState
	visit = func(p int) decisionState {
		if done[p] {
			return out[p]
		}
		done[p] = true // lineage is acyclic (validated)
		best := own[p]
		for _, c := range a.children[p] {
			if d := visit(int(c)); d.after(best) {
				best = d
			}
		}
		out[p] = best
		return best
	}
	for p := 0; p < np; p++ {
		visit(p)
	}
	return out
}
