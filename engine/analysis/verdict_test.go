package analysis

import (
	"strings"
	"testing"
)

// single analyses one proposal rated with values (0 = pass on Likert scales).
func single(t *testing.T, scale Scale, rule ConsensusRule, values ...int) ProposalResult {
	t.Helper()
	b := newBuilder(scale)
	b.s.Rule = rule
	ms := b.members(len(values), -1)
	b.round()
	p := b.propose(-1)
	for i, v := range values {
		if v == 0 {
			b.pass(ms[i], p)
		} else {
			b.rate(ms[i], p, v)
		}
	}
	return mustAnalyse(t, b.s).Proposals[0]
}

func TestVerdicts(t *testing.T) {
	s5, s9, ad := likert5(), func() Scale { s, _ := LikertScale(9); return s }(), AgreeDisagreeScale()
	pa := PercentAgreementRule(75)
	comet := Comet7015Rule()
	iqr := ConsensusRule{Version: 1, MaxIQR: ptr(1), MinRaters: 5}
	both := PercentAgreementRule(75)
	both.MaxIQR = ptr(1)
	aRule := ConsensusRule{Version: 1, MinAgreementA: ptr(0.5), MinRaters: 3}
	tests := []struct {
		name    string
		scale   Scale
		rule    ConsensusRule
		values  []int
		want    Verdict
		explain string
	}{
		// COMET/GRADE 70/15 vectors of agreement-statistics §1.10.
		{"COMET in", s9, comet, []int{4, 5, 6, 7, 7, 7, 7, 7, 8, 8, 8, 8, 8, 9, 9}, VerdictConsensusFor, "80% rated 7–9"},
		{"COMET 80/20 no consensus", s9, comet, []int{1, 2, 7, 7, 8, 8, 8, 9, 9, 9}, VerdictNoConsensus, "20% rated 1–3 (rule: under 15%)"},
		{"COMET out fails on 20% in 7–9", s9, comet, []int{1, 1, 2, 2, 3, 3, 3, 2, 8, 9}, VerdictNoConsensus, "20% rated 7–9"},
		{"COMET out", s9, comet, []int{1, 1, 2, 2, 3, 3, 3, 2, 4, 9}, VerdictConsensusAgainst, "10% rated 7–9"},
		{"75% exactly", s5, pa, []int{4, 4, 5, 2}, VerdictTooFew, "4 members rated it"},
		{"75% of 8 exactly", s5, pa, []int{4, 4, 5, 5, 4, 5, 1, 3}, VerdictConsensusFor, "75% rated 4–5"},
		{"74%", s5, pa, []int{4, 4, 5, 5, 4, 5, 1, 3, 3, 5, 4, 4, 4, 5, 5, 5, 5, 4, 1, 4, 4, 4, 3, 5, 5, 2, 3}, VerdictNoConsensus, "74.1% rated 4–5"},
		{"against", s5, pa, []int{1, 1, 2, 2, 1, 5}, VerdictConsensusAgainst, "83.3% rated 1–2"},
		{"passes do not count", s5, pa, []int{5, 5, 5, 5, 5, 0, 0, 0, 0}, VerdictConsensusFor, "100% rated 4–5"},
		{"too few after passes", s5, pa, []int{5, 5, 5, 5, 0, 0}, VerdictTooFew, "4 members rated it"},
		{"IQR only at midpoint", s5, iqr, []int{3, 3, 3, 3, 3, 2, 4}, VerdictNoConsensus, "median 3"},
		{"IQR only for", s5, iqr, []int{4, 4, 4, 5, 5, 4}, VerdictConsensusFor, "IQR"},
		{"75% and IQR fails IQR", s5, both, []int{5, 5, 5, 4, 4, 4, 4, 4, 5, 1, 1, 1}, VerdictNoConsensus, "IQR 1.75 (rule: at most 1)"},
		{"75% and IQR", s5, both, []int{5, 5, 5, 4, 4, 4, 4, 4, 5, 1, 5, 5}, VerdictConsensusFor, "IQR 1 (rule: at most 1)"},
		{"split by A", s5, pa, []int{1, 1, 1, 5, 5, 5, 5, 1}, VerdictSplit, "van der Eijk's A = -1"},
		{"A rule", s5, aRule, []int{4, 4, 4, 4, 5}, VerdictConsensusFor, "agreement A"},
		{"binary split", ad, pa, []int{1, -1, 1, -1, 1}, VerdictSplit, "60% agree and 40% disagree"},
		{"binary for", ad, pa, []int{1, 1, 1, 1, -1}, VerdictConsensusFor, "80% rated +1"},
		{"binary no consensus", ad, pa, []int{1, 1, 1, 1, 1, 1, -1, -1, -1}, VerdictNoConsensus, "66.7% rated +1"},
		{"RAND/UCLA split on 9 points", s9, comet, []int{1, 2, 3, 4, 5, 6, 7, 8, 9}, VerdictSplit, "RAND/UCLA index (IPR 3.2 above IPRAS 2.35)"},
	}
	for _, tc := range tests {
		pr := single(t, tc.scale, tc.rule, tc.values...)
		if pr.Verdict != tc.want || !strings.Contains(pr.VerdictExplanation, tc.explain) {
			t.Errorf("%s: %s %q, want %s containing %q", tc.name, pr.Verdict, pr.VerdictExplanation, tc.want, tc.explain)
		}
	}
}

func TestVerdictWithinEveryPerspective(t *testing.T) {
	rule := PercentAgreementRule(75)
	rule.WithinEveryPerspective = true
	b := newBuilder(likert5(), "lived experience", "practitioner", "carer")
	le := b.members(5, 0)
	pr := b.members(10, 1)
	ca := b.members(2, 2) // below the cell size: not judged separately
	b.s.Rule = rule
	b.round()
	p := b.propose(-1)
	q := b.propose(-1)
	b.rateAll(p, le, 5, 5, 2, 2, 4)
	b.rateAll(p, pr, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5)
	b.rateAll(p, ca, 4, 4)
	b.rateAll(q, le, 5, 5, 5, 4, 4)
	b.rateAll(q, pr, 5, 5, 5, 5, 5, 5, 5, 5, 5, 2)
	b.rateAll(q, ca, 1, 1)
	res := mustAnalyse(t, b.s)
	// Overall 15/17 = 88% agree, but lived experience 60%.
	if v := res.Proposals[0]; v.Verdict != VerdictNoConsensus || !strings.Contains(v.VerdictExplanation, "does not hold for lived experience (split)") {
		t.Errorf("p: %s %q", v.Verdict, v.VerdictExplanation)
	}
	if v := res.Proposals[1]; v.Verdict != VerdictConsensusFor || !strings.Contains(v.VerdictExplanation, "1 perspective had fewer than 5 raters") {
		t.Errorf("q: %s %q", v.Verdict, v.VerdictExplanation)
	}
	bp := res.Proposals[0].ByPerspective
	if bp[0].Suppressed || bp[0].Cell.Verdict != VerdictSplit || bp[1].Cell.Verdict != VerdictConsensusFor || !bp[2].Suppressed || bp[2].Cell != nil {
		t.Errorf("by perspective: %+v", bp)
	}
}
