package analysis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func marshal(t testing.TB, res *Result) []byte {
	t.Helper()
	b, err := json.Marshal(res) // fails on NaN or Inf
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	return b
}

// TestDegenerate checks that degenerate inputs give defined results with
// reasons, never an error, a panic, NaN or Inf.
func TestDegenerate(t *testing.T) {
	type check func(t *testing.T, res *Result)
	cases := []struct {
		name  string
		build func() Snapshot
		check check
	}{
		{"no members, no proposals", func() Snapshot {
			b := newBuilder(likert5())
			b.round()
			return b.s
		}, func(t *testing.T, res *Result) {
			if len(res.Proposals) != 0 || res.Round.KendallReason == "" || res.Round.KrippendorffReason == "" || res.OpinionGroups.Clear {
				t.Errorf("%+v", res.Round)
			}
		}},
		{"no ratings", func() Snapshot {
			b := newBuilder(likert5(), "carer")
			ms := b.members(6, 0)
			b.round()
			b.propose(ms[0])
			b.propose(-1)
			return b.s
		}, func(t *testing.T, res *Result) {
			p := res.Proposals[0]
			if p.Median != nil || p.QuantilesReason == "" || p.Agree != nil || p.ProportionReason == "" || p.AgreementA != nil || p.Verdict != VerdictTooFew {
				t.Errorf("%+v", p)
			}
			if in := res.UnderHeard.Inequality; in.Round == nil || in.Round.GiniNormalised != 1 || in.RoundReason != "" {
				t.Errorf("one contribution by one of six members: %+v", in)
			}
			if pa := res.UnderHeard.Attention; pa.Pooled != nil || pa.PooledReason == "" || len(res.UnderHeard.Flags) != 0 {
				t.Errorf("attention with no ratings: %+v, flags %v", pa, res.UnderHeard.Flags)
			}
		}},
		{"one member", func() Snapshot {
			b := newBuilder(likert5())
			ms := b.members(1, -1)
			b.round()
			p := b.propose(ms[0])
			b.rate(ms[0], p, 4)
			return b.s
		}, func(t *testing.T, res *Result) {
			p := res.Proposals[0]
			if *p.Median != 4 || p.AgreementA != nil || p.AgreementAReason != string(reasonOneRating) || p.Verdict != VerdictTooFew {
				t.Errorf("%+v", p)
			}
			if res.Round.Kendall != nil || res.Round.Krippendorff != nil {
				t.Error("group statistics need two raters")
			}
		}},
		{"all identical", func() Snapshot {
			b := newBuilder(likert5())
			ms := b.members(6, -1)
			b.round()
			for i := 0; i < 3; i++ {
				p := b.propose(-1)
				b.rateAll(p, ms, 4, 4, 4, 4, 4, 4)
			}
			return b.s
		}, func(t *testing.T, res *Result) {
			p := res.Proposals[0]
			if *p.IQR != 0 || *p.AgreementA != 1 || p.Verdict != VerdictConsensusFor {
				t.Errorf("%+v", p)
			}
			if res.Round.Kendall != nil || !strings.Contains(res.Round.KendallReason, "same rating") {
				t.Errorf("Kendall: %v %q", res.Round.Kendall, res.Round.KendallReason)
			}
			if res.Round.Krippendorff != nil || res.Round.KrippendorffReason != string(reasonConstant) {
				t.Errorf("alpha: %q", res.Round.KrippendorffReason)
			}
		}},
		{"all pass", func() Snapshot {
			b := newBuilder(likert5())
			ms := b.members(5, -1)
			b.round()
			p := b.propose(-1)
			for _, m := range ms {
				b.pass(m, p)
			}
			return b.s
		}, func(t *testing.T, res *Result) {
			p := res.Proposals[0]
			if p.NRated != 0 || p.NPassed != 5 || p.Median != nil || p.Verdict != VerdictTooFew {
				t.Errorf("%+v", p)
			}
		}},
		{"one proposal, two rounds", func() Snapshot {
			b := newBuilder(likert5())
			ms := b.members(5, -1)
			b.round()
			p := b.propose(-1)
			b.rateAll(p, ms, 1, 2, 3, 4, 5)
			b.round()
			b.carry(p)
			b.rateAll(p, ms, 1, 2, 3, 4, 5)
			return b.s
		}, func(t *testing.T, res *Result) {
			st := res.Proposals[0].Change.Stability
			if !st.Settled || st.Wilcoxon != nil || st.WilcoxonReason == "" || *st.NetChange != 0 {
				t.Errorf("%+v", st)
			}
			if res.Round.KendallReason != string(reasonTooFewObjects) {
				t.Errorf("Kendall: %q", res.Round.KendallReason)
			}
		}},
		{"empty later round", func() Snapshot {
			b := newBuilder(AgreeDisagreeScale())
			ms := b.members(4, -1)
			b.round()
			p := b.propose(ms[0])
			b.rateAll(p, ms, 1, 1, -1, 1)
			b.round()
			return b.s
		}, func(t *testing.T, res *Result) {
			if res.Attrition == nil || res.Attrition.Left != 4 || res.Attrition.Previous != 4 {
				t.Errorf("attrition %+v", res.Attrition)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := mustAnalyse(t, tc.build())
			marshal(t, res)
			tc.check(t, res)
		})
	}
}

// TestDeterministic: the same snapshot gives byte-identical JSON, also from
// an independent deep copy.
func TestDeterministic(t *testing.T) {
	s := simulate(7, simConfig{members: 24, rounds: 4, underHeard: 3, unheardPerspective: -1})
	a := marshal(t, mustAnalyse(t, s))
	var cp Snapshot
	raw, _ := json.Marshal(s)
	if err := json.Unmarshal(raw, &cp); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if b := marshal(t, mustAnalyse(t, cp)); !bytes.Equal(a, b) {
			t.Fatal("Analyse is not deterministic")
		}
	}
}

// permute relabels members and proposals of s by random permutations,
// keeping IDs, round order and agenda order.
func permute(s Snapshot, rng *rand.Rand) Snapshot {
	pm := rng.Perm(len(s.Members))   // old → new
	pp := rng.Perm(len(s.Proposals)) // old → new
	out := s
	out.Members = make([]Member, len(s.Members))
	for i, m := range s.Members {
		out.Members[pm[i]] = m
	}
	out.Proposals = make([]Proposal, len(s.Proposals))
	for i, p := range s.Proposals {
		q := p
		if q.Author >= 0 {
			q.Author = pm[q.Author]
		}
		q.Supersedes = nil
		for _, a := range p.Supersedes {
			q.Supersedes = append(q.Supersedes, pp[a])
		}
		out.Proposals[pp[i]] = q
	}
	out.Rounds = make([]Round, len(s.Rounds))
	for r, rd := range s.Rounds {
		nr := Round{ID: rd.ID}
		for _, m := range rd.Invited {
			nr.Invited = append(nr.Invited, pm[m])
		}
		for _, p := range rd.Agenda {
			nr.Agenda = append(nr.Agenda, pp[p])
		}
		for _, m := range rd.Reflections {
			nr.Reflections = append(nr.Reflections, int32(pm[m]))
		}
		for _, d := range rd.Decisions {
			nr.Decisions = append(nr.Decisions, Decision{Proposal: pp[d.Proposal], Outcome: d.Outcome})
		}
		// Shuffle the rating rows too: their order must not matter.
		n := rd.Ratings.Len()
		order := rng.Perm(n)
		rt := Ratings{Member: make([]int32, n), Proposal: make([]int32, n), Value: make([]int8, n),
			Pass: make([]bool, n), Reason: make([]string, n), ChangeCategory: make([]string, n)}
		for k, i := range order {
			rt.Member[k] = int32(pm[rd.Ratings.Member[i]])
			rt.Proposal[k] = int32(pp[rd.Ratings.Proposal[i]])
			rt.Value[k] = rd.Ratings.Value[i]
			rt.Pass[k] = rd.Ratings.pass(i)
			rt.Reason[k] = rd.Ratings.reason(i)
			rt.ChangeCategory[k] = rd.Ratings.changeCategory(i)
		}
		nr.Ratings = rt
		out.Rounds[r] = nr
	}
	return out
}

// sameJSON compares two JSON documents, numbers to a relative 1e-9.
func sameJSON(t *testing.T, path string, a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			t.Errorf("%s: objects differ: %v vs %v", path, keys(x), keysAny(b))
			return false
		}
		for k := range x {
			if !sameJSON(t, path+"."+k, x[k], y[k]) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			t.Errorf("%s: arrays differ in length", path)
			return false
		}
		for i := range x {
			if !sameJSON(t, fmt.Sprintf("%s[%d]", path, i), x[i], y[i]) {
				return false
			}
		}
		return true
	case float64:
		y, ok := b.(float64)
		if !ok || math.Abs(x-y) > 1e-9*math.Max(1, math.Abs(x)) {
			t.Errorf("%s: %v vs %v", path, a, b)
			return false
		}
		return true
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("%s: %v vs %v", path, a, b)
		return false
	}
	return true
}

func keys(m map[string]any) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	slices.Sort(k)
	return k
}

func keysAny(v any) []string {
	if m, ok := v.(map[string]any); ok {
		return keys(m)
	}
	return nil
}

// TestPermutationInvariance: relabelling members and proposals (and
// shuffling rating rows) changes nothing in the result, which refers to
// members and proposals by ID only.
func TestPermutationInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for run := 0; run < 5; run++ {
		s := simulate(uint64(100+run), simConfig{members: 10 + 4*run, rounds: 3, underHeard: run, unheardPerspective: -1})
		// Add lineage: the last proposal supersedes the first.
		last := len(s.Proposals) - 1
		if s.Proposals[last].Round > 0 {
			s.Proposals[last].Supersedes = []int{0}
		}
		var a, b any
		json.Unmarshal(marshal(t, mustAnalyse(t, s)), &a)
		json.Unmarshal(marshal(t, mustAnalyse(t, permute(s, rng))), &b)
		if !sameJSON(t, fmt.Sprintf("run%d", run), a, b) {
			return
		}
	}
}

// TestPassChangesExposureOnly: adding a pass leaves every distribution
// statistic unchanged but counts as exposure (seen) for the author.
func TestPassChangesExposureOnly(t *testing.T) {
	s := simulate(11, simConfig{members: 15, rounds: 2, underHeard: -1, unheardPerspective: -1})
	before := mustAnalyse(t, s)
	// Find an agenda proposal of the last round and an active member who
	// did not respond to it.
	r := len(s.Rounds) - 1
	x, _ := buildRoundIndex(&s, r)
	var p, m int = -1, -1
	for _, q := range s.Rounds[r].Agenda {
		for cand := range s.Members {
			if _, _, ok := x.ratingOf(q, cand); !ok && x.responses(cand) > 0 && s.Proposals[q].Author != cand {
				p, m = q, cand
				break
			}
		}
		if p >= 0 {
			break
		}
	}
	if p < 0 {
		t.Fatal("no unrated pair found")
	}
	rt := &s.Rounds[r].Ratings
	rt.Member = append(rt.Member, int32(m))
	rt.Proposal = append(rt.Proposal, int32(p))
	rt.Value = append(rt.Value, 0)
	rt.Pass = append(rt.Pass, true)
	rt.Reason = append(rt.Reason, "")
	rt.ChangeCategory = append(rt.ChangeCategory, "")
	after := mustAnalyse(t, s)
	i := slices.IndexFunc(after.Proposals, func(pr ProposalResult) bool { return pr.ID == s.Proposals[p].ID })
	pb, pa := before.Proposals[i], after.Proposals[i]
	if pa.NPassed != pb.NPassed+1 || pa.NRated != pb.NRated || pa.NNotResponded != pb.NNotResponded-1 {
		t.Errorf("counts: before %d/%d/%d after %d/%d/%d", pb.NRated, pb.NPassed, pb.NNotResponded, pa.NRated, pa.NPassed, pa.NNotResponded)
	}
	if !reflect.DeepEqual(pa.Distribution, pb.Distribution) || *pa.Median != *pb.Median || *pa.IQR != *pb.IQR ||
		*pa.Agree != *pb.Agree || pa.Verdict != pb.Verdict || !reflect.DeepEqual(pa.AgreementA, pb.AgreementA) {
		t.Errorf("distribution statistics changed:\n%+v\n%+v", pb, pa)
	}
	author := s.Members[s.Proposals[p].Author].ID
	cb := attentionOf(before, author)
	ca := attentionOf(after, author)
	if ca.Count != cb.Count+1 || ca.Exposure != cb.Exposure {
		t.Errorf("attention: before %+v after %+v", cb, ca)
	}
}

func attentionOf(res *Result, member string) RateAssessment {
	for _, m := range res.UnderHeard.Attention.Members {
		if m.Member == member {
			return m.RateAssessment
		}
	}
	return RateAssessment{}
}
