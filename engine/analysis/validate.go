package analysis

import "fmt"

// Validate checks that the snapshot is self-consistent: the scale and rule
// are valid, IDs are non-empty and unique, every index is in range, ratings
// are on the scale and on the round's agenda from invited members, the
// parallel rating slices have equal lengths, each (member, proposal) pair is
// rated at most once per round, lineage is acyclic and points backwards in
// time, and decisions concern agenda proposals. The error is a *FieldError
// whose Field is a JSON path such as "rounds[2].ratings.value[17]".
func (s Snapshot) Validate() error {
	if err := s.validate(); err != nil {
		return err
	}
	for r := range s.Rounds {
		if _, err := buildRoundIndex(&s, r); err != nil {
			return err
		}
	}
	return nil
}

// validate checks everything but duplicate ratings, which buildRoundIndex
// detects while it indexes a round.
func (s *Snapshot) validate() error {
	if err := s.Rule.Validate(s.Scale); err != nil {
		if fe, ok := err.(*FieldError); ok && len(fe.Field) > 6 && fe.Field[:6] == "scale." {
			return err
		}
		return prefixErr("rule.", err)
	}
	if s.MinCellSize < 0 {
		return fieldErr("min_cell_size", "must not be negative")
	}
	if s.QuantileType != 0 && s.QuantileType != QuantileType6 && s.QuantileType != QuantileType7 {
		return fieldErr("quantile_type", "must be 6 or 7")
	}
	if s.PreviousOpinionK < 0 {
		return fieldErr("previous_opinion_k", "must not be negative")
	}
	if s.PolisModeratedOut < 0 {
		return fieldErr("polis_moderated_out", "must not be negative")
	}
	names := make(map[string]bool, len(s.Perspectives))
	for i, p := range s.Perspectives {
		if p == "" || names[p] {
			return fieldErr(fmt.Sprintf("perspectives[%d]", i), "must be a non-empty name used once")
		}
		names[p] = true
	}
	nm, np, nr := len(s.Members), len(s.Proposals), len(s.Rounds)
	if nm > 1<<31-1 || np > 1<<31-1 {
		return fieldErr("members", "too many members or proposals")
	}
	ids := make(map[string]bool, nm)
	for i, m := range s.Members {
		f := fmt.Sprintf("members[%d]", i)
		if m.ID == "" || ids[m.ID] {
			return fieldErr(f+".id", "must be a non-empty ID used once")
		}
		ids[m.ID] = true
		if m.Perspective < -1 || m.Perspective >= len(s.Perspectives) {
			return fieldErr(f+".perspective", "must index perspectives or be -1")
		}
	}
	if nr == 0 {
		return fieldErr("rounds", "needs at least one round to analyse")
	}
	clear(ids)
	for i, p := range s.Proposals {
		f := fmt.Sprintf("proposals[%d]", i)
		if p.ID == "" || ids[p.ID] {
			return fieldErr(f+".id", "must be a non-empty ID used once")
		}
		ids[p.ID] = true
		if p.Author < -1 || p.Author >= nm {
			return fieldErr(f+".author", "must index members or be -1")
		}
		if p.Round < 0 || p.Round >= nr {
			return fieldErr(f+".round", "must index rounds")
		}
		for j, a := range p.Supersedes {
			if a < 0 || a >= np || a == i {
				return fieldErr(fmt.Sprintf("%s.supersedes[%d]", f, j), "must index another proposal")
			}
			if s.Proposals[a].Round > p.Round {
				return fieldErr(fmt.Sprintf("%s.supersedes[%d]", f, j), "must not supersede a proposal first proposed in a later round")
			}
		}
	}
	if i := lineageCycle(s.Proposals); i >= 0 {
		return fieldErr(fmt.Sprintf("proposals[%d].supersedes", i), "lineage must not loop back to the proposal itself")
	}
	clear(ids)
	invited := make([]bool, nm)
	onAgenda := make([]bool, np)
	for r := range s.Rounds {
		if err := s.validateRound(r, ids, invited, onAgenda); err != nil {
			return err
		}
	}
	return nil
}

func (s *Snapshot) validateRound(r int, ids map[string]bool, invited, onAgenda []bool) error {
	rd := &s.Rounds[r]
	f := fmt.Sprintf("rounds[%d]", r)
	if rd.ID == "" || ids[rd.ID] {
		return fieldErr(f+".id", "must be a non-empty ID used once")
	}
	ids[rd.ID] = true
	clear(invited)
	clear(onAgenda)
	for i, m := range rd.Invited {
		if m < 0 || m >= len(s.Members) || invited[m] {
			return fieldErr(fmt.Sprintf("%s.invited[%d]", f, i), "must index members, each once")
		}
		invited[m] = true
	}
	for i, p := range rd.Agenda {
		if p < 0 || p >= len(s.Proposals) || onAgenda[p] {
			return fieldErr(fmt.Sprintf("%s.agenda[%d]", f, i), "must index proposals, each once")
		}
		if s.Proposals[p].Round > r {
			return fieldErr(fmt.Sprintf("%s.agenda[%d]", f, i), "must not list a proposal first proposed in a later round")
		}
		onAgenda[p] = true
	}
	rt := &rd.Ratings
	n := len(rt.Member)
	for _, c := range []struct {
		name string
		l    int
		opt  bool
	}{{"proposal", len(rt.Proposal), false}, {"value", len(rt.Value), false},
		{"pass", len(rt.Pass), true}, {"reason", len(rt.Reason), true}, {"change_category", len(rt.ChangeCategory), true}} {
		if c.l != n && !(c.opt && c.l == 0) {
			return fieldErr(f+".ratings."+c.name, fmt.Sprintf("must have one entry per rating (%d), not %d", n, c.l))
		}
	}
	var onScale [256]bool
	for _, v := range s.Scale.Values {
		onScale[uint8(int8(v))] = true
	}
	for i := 0; i < n; i++ {
		m, p := rt.Member[i], rt.Proposal[i]
		if m < 0 || int(m) >= len(s.Members) || !invited[m] {
			return fieldErr(fmt.Sprintf("%s.ratings.member[%d]", f, i), "must be a member invited to the round")
		}
		if p < 0 || int(p) >= len(s.Proposals) || !onAgenda[p] {
			return fieldErr(fmt.Sprintf("%s.ratings.proposal[%d]", f, i), "must be a proposal on the round's agenda")
		}
		if !rt.pass(i) && !onScale[uint8(rt.Value[i])] {
			return fieldErr(fmt.Sprintf("%s.ratings.value[%d]", f, i), "must be a value on the scale (or a pass)")
		}
	}
	for i, m := range rd.Reflections {
		if m < 0 || int(m) >= len(s.Members) || !invited[m] {
			return fieldErr(fmt.Sprintf("%s.reflections[%d]", f, i), "must be a member invited to the round")
		}
	}
	decided := make(map[int]bool, len(rd.Decisions))
	for i, d := range rd.Decisions {
		df := fmt.Sprintf("%s.decisions[%d]", f, i)
		if d.Proposal < 0 || d.Proposal >= len(s.Proposals) || !onAgenda[d.Proposal] || decided[d.Proposal] {
			return fieldErr(df+".proposal", "must be a proposal on the round's agenda, decided once")
		}
		decided[d.Proposal] = true
		switch d.Outcome {
		case OutcomeAdopted, OutcomeNotAdopted, OutcomeRevisit, OutcomeParked:
		default:
			return fieldErr(df+".outcome", "must be adopted, not_adopted, revisit or parked")
		}
	}
	return nil
}

// lineageCycle returns a proposal on a Supersedes cycle, or −1.
func lineageCycle(ps []Proposal) int {
	state := make([]uint8, len(ps)) // 0 new, 1 on stack, 2 done
	type frame struct{ p, next int }
	for start := range ps {
		if state[start] != 0 {
			continue
		}
		stack := []frame{{start, 0}}
		state[start] = 1
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.next == len(ps[top.p].Supersedes) {
				state[top.p] = 2
				stack = stack[:len(stack)-1]
				continue
			}
			a := ps[top.p].Supersedes[top.next]
			top.next++
			switch state[a] {
			case 1:
				return a
			case 0:
				state[a] = 1
				stack = append(stack, frame{a, 0})
			}
		}
	}
	return -1
}
