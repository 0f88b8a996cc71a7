package analysis

import (
	"errors"
	"testing"
)

// validSnapshot is a small valid two-round snapshot the validation cases
// break one field at a time.
func validSnapshot() Snapshot {
	b := newBuilder(likert5(), "carer")
	ms := b.members(3, 0)
	b.round()
	p := b.propose(ms[0])
	b.rateAll(p, ms, 4, 5, 2)
	b.decide(p, OutcomeRevisit)
	b.round()
	b.carry(p)
	q := b.propose(ms[1], p)
	b.rate(ms[0], q, 5, "clearer now")
	b.pass(ms[1], q)
	b.s.Rounds[1].Reflections = []int32{2}
	return b.s
}

func TestSnapshotValidate(t *testing.T) {
	if err := validSnapshot().Validate(); err != nil {
		t.Fatalf("valid snapshot: %v", err)
	}
	tests := []struct {
		name  string
		brk   func(s *Snapshot)
		field string
	}{
		{"rule", func(s *Snapshot) { s.Rule.MinRaters = 0 }, "rule.min_raters"},
		{"scale", func(s *Snapshot) { s.Scale.AgreeMin = 9 }, "scale.agree_min"},
		{"cell", func(s *Snapshot) { s.MinCellSize = -1 }, "min_cell_size"},
		{"quantile", func(s *Snapshot) { s.QuantileType = 4 }, "quantile_type"},
		{"previous k", func(s *Snapshot) { s.PreviousOpinionK = -2 }, "previous_opinion_k"},
		{"perspective name", func(s *Snapshot) { s.Perspectives = []string{"a", "a"} }, "perspectives[1]"},
		{"member id", func(s *Snapshot) { s.Members[2].ID = s.Members[0].ID }, "members[2].id"},
		{"member perspective", func(s *Snapshot) { s.Members[1].Perspective = 1 }, "members[1].perspective"},
		{"no rounds", func(s *Snapshot) { s.Rounds = nil }, "rounds"},
		{"proposal id", func(s *Snapshot) { s.Proposals[1].ID = "" }, "proposals[1].id"},
		{"author", func(s *Snapshot) { s.Proposals[0].Author = 7 }, "proposals[0].author"},
		{"proposal round", func(s *Snapshot) { s.Proposals[0].Round = 2 }, "proposals[0].round"},
		{"supersedes self", func(s *Snapshot) { s.Proposals[1].Supersedes = []int{1} }, "proposals[1].supersedes[0]"},
		{"supersedes later", func(s *Snapshot) { s.Proposals[0].Supersedes = []int{1} }, "proposals[0].supersedes[0]"},
		{"lineage cycle", func(s *Snapshot) {
			s.Proposals[0].Round = 1
			s.Proposals[0].Supersedes = []int{1}
			s.Rounds[0].Agenda = nil
			s.Rounds[0].Ratings = Ratings{}
			s.Rounds[0].Decisions = nil
		}, "proposals[0].supersedes"},
		{"round id", func(s *Snapshot) { s.Rounds[1].ID = s.Rounds[0].ID }, "rounds[1].id"},
		{"invited twice", func(s *Snapshot) { s.Rounds[0].Invited = []int{0, 0} }, "rounds[0].invited[1]"},
		{"agenda future", func(s *Snapshot) { s.Rounds[0].Agenda = append(s.Rounds[0].Agenda, 1) }, "rounds[0].agenda[1]"},
		{"value length", func(s *Snapshot) { s.Rounds[0].Ratings.Value = s.Rounds[0].Ratings.Value[:2] }, "rounds[0].ratings.value"},
		{"reason length", func(s *Snapshot) { s.Rounds[0].Ratings.Reason = []string{"x"} }, "rounds[0].ratings.reason"},
		{"not invited", func(s *Snapshot) { s.Rounds[1].Invited = []int{1, 2} }, "rounds[1].ratings.member[0]"},
		{"off agenda", func(s *Snapshot) { s.Rounds[1].Ratings.Proposal[0] = 5 }, "rounds[1].ratings.proposal[0]"},
		{"off scale", func(s *Snapshot) { s.Rounds[0].Ratings.Value[1] = 6 }, "rounds[0].ratings.value[1]"},
		{"duplicate rating", func(s *Snapshot) {
			rt := &s.Rounds[0].Ratings
			rt.Member[2] = 0
		}, "rounds[0].ratings.member[2]"},
		{"reflection", func(s *Snapshot) { s.Rounds[1].Reflections = []int32{9} }, "rounds[1].reflections[0]"},
		{"decision outcome", func(s *Snapshot) { s.Rounds[0].Decisions[0].Outcome = "maybe" }, "rounds[0].decisions[0].outcome"},
		{"decision off agenda", func(s *Snapshot) { s.Rounds[0].Decisions[0].Proposal = 1 }, "rounds[0].decisions[0].proposal"},
	}
	for _, tc := range tests {
		s := validSnapshot()
		tc.brk(&s)
		var fe *FieldError
		err := s.Validate()
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%s: Validate = %v, want field %q", tc.name, err, tc.field)
			continue
		}
		if _, err2 := Analyse(s); err2 == nil || err2.Error() != err.Error() {
			t.Errorf("%s: Analyse error %v differs from Validate %v", tc.name, err2, err)
		}
	}
	// A pass may carry any value.
	s := validSnapshot()
	s.Rounds[1].Ratings.Value[1] = 99
	if err := s.Validate(); err != nil {
		t.Errorf("pass with off-scale value: %v", err)
	}
}
