package analysis

import "math"

// analyseTrajectories counts how paired members moved relative to the
// baseline median, overall and by perspective.
func (a *analyser) analyseTrajectories() {
	ts := &a.res.Trajectories
	type tally struct{ towards, away, across, unchanged int }
	by := make([]tally, a.nPersp)
	memberSeen := make([][]bool, a.nPersp)
	members := make([]int, a.nPersp)
	vals := a.scale.Values
	for i := range a.items {
		b := a.items[i].baseline
		if b == nil || b.st.n == 0 {
			continue
		}
		ts.Compared++
		med := b.st.median
		for _, mp := range b.pairs {
			ts.Pairs++
			g := a.perspectiveOf(mp.member)
			var t *tally
			if g >= 0 {
				t = &by[g]
				if memberSeen[g] == nil {
					memberSeen[g] = make([]bool, len(a.s.Members))
				}
				if !memberSeen[g][mp.member] {
					memberSeen[g][mp.member] = true
					members[g]++
				}
			} else {
				t = &tally{}
			}
			d0 := math.Abs(float64(vals[mp.prev]) - med)
			d1 := math.Abs(float64(vals[mp.cur]) - med)
			switch {
			case mp.prev == mp.cur:
				ts.Unchanged++
				t.unchanged++
			case d1 < d0:
				ts.Towards++
				t.towards++
			case d1 > d0:
				ts.Away++
				t.away++
			default:
				ts.Across++
				t.across++
			}
		}
	}
	ts.ByPerspective = make([]PerspectiveMovement, a.nPersp)
	for g := range by {
		pm := &ts.ByPerspective[g]
		pm.Perspective = a.s.Perspectives[g]
		if members[g] < a.cell {
			pm.Suppressed = true
			continue
		}
		pm.Members = iptr(members[g])
		pm.Towards, pm.Away, pm.Across, pm.Unchanged = iptr(by[g].towards), iptr(by[g].away), iptr(by[g].across), iptr(by[g].unchanged)
	}
}

// TrajectoryPoint is one rating on a member's path.
type TrajectoryPoint struct {
	RoundID string `json:"round_id"`
	// Proposal is the proposal rated (an earlier one of the lineage for
	// points before a rewording or merge).
	Proposal string `json:"proposal"`
	// Value is absent for a pass.
	Value          *int   `json:"value,omitempty"`
	Pass           bool   `json:"pass"`
	Reason         string `json:"reason,omitempty"`
	ChangeCategory string `json:"change_category,omitempty"`
}

// TrajectoryPath is a member's rating path on one proposal of the analysed
// round across rounds, oldest first.
type TrajectoryPath struct {
	Proposal string            `json:"proposal"`
	Points   []TrajectoryPoint `json:"points"`
}

// MemberTrajectory returns member's rating paths (shared/ANALYSIS.md §4,
// SPEC.md C8 "what happened to my input"): for every proposal on the last
// round's agenda that the member rated or passed at least once, their
// rating in each round in which the proposal or its lineage was rated,
// with reasons. Earlier points follow the same lineage rule as Change. It
// validates s like Analyse; member must index s.Members.
func MemberTrajectory(s Snapshot, member int) ([]TrajectoryPath, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	if member < 0 || member >= len(s.Members) {
		return nil, fieldErr("member", "must index members")
	}
	a := &analyser{s: &s, scale: s.Scale, k: s.Scale.K(), t: len(s.Rounds) - 1}
	a.idx = make([]*roundIndex, len(s.Rounds))
	for r := range s.Rounds {
		x, err := buildRoundIndex(&s, r)
		if err != nil {
			return nil, err
		}
		a.idx[r] = x
	}
	a.children = make([][]int32, len(s.Proposals))
	out := []TrajectoryPath{}
	for _, p := range s.Rounds[a.t].Agenda {
		lin := a.lineage(p)
		var pts []TrajectoryPoint
		for r := 0; r <= a.t; r++ {
			x := a.idx[r]
			rt := &s.Rounds[r].Ratings
			for _, q := range lin {
				cat, ri, ok := x.ratingOf(q, member)
				if !ok {
					continue
				}
				pt := TrajectoryPoint{RoundID: s.Rounds[r].ID, Proposal: s.Proposals[q].ID, Pass: cat < 0,
					Reason: rt.reason(int(ri)), ChangeCategory: rt.changeCategory(int(ri))}
				if cat >= 0 {
					pt.Value = iptr(s.Scale.Values[cat])
				}
				pts = append(pts, pt)
				break // nearest lineage proposal only, as for baselines
			}
		}
		if len(pts) > 0 {
			out = append(out, TrajectoryPath{Proposal: s.Proposals[p].ID, Points: pts})
		}
	}
	return out, nil
}
