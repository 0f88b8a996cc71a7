package analysis

import (
	"fmt"
	"testing"
)

// builder assembles Snapshots for tests.
type builder struct {
	s Snapshot
}

func newBuilder(scale Scale, perspectives ...string) *builder {
	b := &builder{}
	b.s.Scale = scale
	b.s.Rule = DefaultConsensusRule(scale)
	b.s.Perspectives = perspectives
	return b
}

func likert5() Scale { s, _ := LikertScale(5); return s }

// members adds n members of perspective g (−1 none) and returns their indices.
func (b *builder) members(n, g int) []int {
	var out []int
	for i := 0; i < n; i++ {
		m := len(b.s.Members)
		b.s.Members = append(b.s.Members, Member{ID: fmt.Sprintf("m%03d", m), Name: fmt.Sprintf("Member %d", m), Perspective: g})
		out = append(out, m)
	}
	return out
}

// round starts a round inviting every member so far.
func (b *builder) round() int {
	r := len(b.s.Rounds)
	rd := Round{ID: fmt.Sprintf("r%d", r+1)}
	for m := range b.s.Members {
		rd.Invited = append(rd.Invited, m)
	}
	b.s.Rounds = append(b.s.Rounds, rd)
	return r
}

// propose adds a proposal by author in the current round and puts it on the agenda.
func (b *builder) propose(author int, supersedes ...int) int {
	r := len(b.s.Rounds) - 1
	p := len(b.s.Proposals)
	b.s.Proposals = append(b.s.Proposals, Proposal{ID: fmt.Sprintf("p%03d", p), Author: author, Round: r, Supersedes: supersedes})
	b.s.Rounds[r].Agenda = append(b.s.Rounds[r].Agenda, p)
	return p
}

// carry puts an earlier proposal on the current agenda.
func (b *builder) carry(p int) {
	r := len(b.s.Rounds) - 1
	b.s.Rounds[r].Agenda = append(b.s.Rounds[r].Agenda, p)
}

// rate records member m's rating v of p in the current round (pass when v == 0
// on a Likert scale is not used: use pass()).
func (b *builder) rate(m, p, v int, reason ...string) {
	rt := &b.s.Rounds[len(b.s.Rounds)-1].Ratings
	rt.Member = append(rt.Member, int32(m))
	rt.Proposal = append(rt.Proposal, int32(p))
	rt.Value = append(rt.Value, int8(v))
	rt.Pass = append(rt.Pass, false)
	r := ""
	if len(reason) > 0 {
		r = reason[0]
	}
	rt.Reason = append(rt.Reason, r)
	rt.ChangeCategory = append(rt.ChangeCategory, "")
}

func (b *builder) pass(m, p int) {
	b.rate(m, p, 0)
	rt := &b.s.Rounds[len(b.s.Rounds)-1].Ratings
	rt.Pass[len(rt.Pass)-1] = true
}

// rateAll rates p by the members with the given values in order.
func (b *builder) rateAll(p int, members []int, values ...int) {
	for i, v := range values {
		b.rate(members[i], p, v)
	}
}

func (b *builder) decide(p int, outcome string) {
	r := len(b.s.Rounds) - 1
	b.s.Rounds[r].Decisions = append(b.s.Rounds[r].Decisions, Decision{Proposal: p, Outcome: outcome})
}

func mustAnalyse(t testing.TB, s Snapshot) *Result {
	t.Helper()
	res, err := Analyse(s)
	if err != nil {
		t.Fatalf("Analyse: %v", err)
	}
	return res
}
