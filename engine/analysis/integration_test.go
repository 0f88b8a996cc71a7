package analysis

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// TestAnalyseKendallAnxiety: the anxiety data rated as 20 proposals by 3
// members on a 6-point scale reproduces DescTools' W_t = 0.5396569.
func TestAnalyseKendallAnxiety(t *testing.T) {
	s6, _ := LikertScale(6)
	b := newBuilder(s6)
	ms := b.members(3, -1)
	b.round()
	for i := 0; i < 20; i++ {
		p := b.propose(-1)
		for j, m := range ms {
			b.rate(m, p, int(anxiety[j][i]))
		}
	}
	res := mustAnalyse(t, b.s)
	k := res.Round.Kendall
	if k == nil {
		t.Fatalf("Kendall absent: %s", res.Round.KendallReason)
	}
	near(t, "W_t", k.W, 0.5396569, 1e-7)
	near(t, "p", k.P, 0.042884, 1e-6)
	if k.Judges != 3 || k.Objects != 20 || res.Round.KendallExcluded != 0 {
		t.Errorf("%+v excluded %d", k, res.Round.KendallExcluded)
	}
	// A member who passes once is excluded from W (incomplete ranking).
	b.members(1, -1)
	b.s.Rounds[0].Invited = append(b.s.Rounds[0].Invited, 3)
	b.rate(3, 0, 2)
	b.pass(3, 1)
	res = mustAnalyse(t, b.s)
	near(t, "W_t with an incomplete member", res.Round.Kendall.W, 0.5396569, 1e-7)
	if res.Round.KendallExcluded != 1 {
		t.Errorf("excluded %d", res.Round.KendallExcluded)
	}
}

// TestAnalyseKrippendorffExampleC: Krippendorff's 4 × 12 example C as four
// members rating twelve proposals with missing ratings gives ordinal .815.
func TestAnalyseKrippendorffExampleC(t *testing.T) {
	exC := [][]float64{
		{1, 2, 3, 3, 2, 1, 4, 1, 2, na, na, na},
		{1, 2, 3, 3, 2, 2, 4, 1, 2, 5, na, 3},
		{na, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, na},
		{1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, na},
	}
	b := newBuilder(likert5())
	ms := b.members(4, -1)
	b.round()
	for u := 0; u < 12; u++ {
		p := b.propose(-1)
		for j, m := range ms {
			if v := exC[j][u]; !math.IsNaN(v) {
				b.rate(m, p, int(v))
			}
		}
	}
	res := mustAnalyse(t, b.s)
	k := res.Round.Krippendorff
	if k == nil {
		t.Fatal(res.Round.KrippendorffReason)
	}
	near(t, "alpha ordinal", k.Alpha, 0.815388, 1e-6)
	if k.Pairable != 40 || k.Units != 11 || k.Metric != "ordinal" {
		t.Errorf("%+v", k)
	}
}

// TestAnalyseDelphiStability: the §3.1 Delphi data (12 members, 9-point
// scale, two rounds) reproduces CV, ΔCV, % net change and the tied
// Wilcoxon test, and is not settled (net change 33 %).
func TestAnalyseDelphiStability(t *testing.T) {
	r1 := []int{5, 6, 7, 4, 8, 6, 5, 7, 3, 6, 7, 5}
	r2 := []int{7, 7, 7, 6, 8, 7, 6, 8, 5, 6, 8, 6}
	s9, _ := LikertScale(9)
	b := newBuilder(s9)
	ms := b.members(12, -1)
	b.round()
	p := b.propose(-1)
	b.rateAll(p, ms, r1...)
	b.round()
	b.carry(p)
	b.rateAll(p, ms, r2...)
	res := mustAnalyse(t, b.s)
	ch := res.Proposals[0].Change
	st := ch.Stability
	near(t, "CV r1", *st.CVBaseline, 0.247344, 1e-6)
	near(t, "CV r2", *st.CV, 0.143008, 1e-6)
	near(t, "dCV", *st.DeltaCV, -0.104335, 1e-6)
	near(t, "net change", *st.NetChange, 4.0/12, 1e-12)
	w := st.Wilcoxon
	if w == nil || w.N != 9 || w.VPlus != 45 {
		t.Fatalf("wilcoxon %+v %s", w, st.WilcoxonReason)
	}
	near(t, "z", *w.Z, 2.700352, 1e-6)
	near(t, "p2", w.PTwoSided, 0.006927, 1e-6)
	if st.Settled || !strings.Contains(st.SettledReason, "net change 33.3%") {
		t.Errorf("settled %v %q", st.Settled, st.SettledReason)
	}
	if ch.Paired != 12 || ch.MovedUp != 9 || ch.MovedDown != 0 || ch.Unchanged != 3 || len(ch.Movers) != 9 {
		t.Errorf("movement %+v", ch)
	}
	near(t, "delta median", *ch.DeltaMedian, 7-6, 0)
	// Trajectories: baseline median 6; moves towards, away and across it.
	tr := res.Trajectories
	if tr.Pairs != 12 || tr.Towards+tr.Away+tr.Across+tr.Unchanged != 12 || tr.Unchanged != 3 {
		t.Errorf("trajectories %+v", tr)
	}
	// Around the baseline median 6: 5→7 is across, 6→7 and 7→8 away,
	// 4→6, 5→6 and 3→5 towards.
	if tr.Towards != 4 || tr.Across != 1 || tr.Away != 4 {
		t.Errorf("towards/away/across %d/%d/%d", tr.Towards, tr.Away, tr.Across)
	}
}

// TestLineage: a reworded proposal and a merge take their baseline from the
// proposals they supersede, one rating per member (nearest first).
func TestLineage(t *testing.T) {
	b := newBuilder(likert5())
	ms := b.members(6, -1)
	b.round()
	p1 := b.propose(ms[0])
	p2 := b.propose(ms[1])
	p3 := b.propose(ms[2])
	b.rateAll(p1, ms, 2, 2, 2, 3, 4, 5)
	b.rateAll(p2, ms[:3], 5, 5, 5)
	b.rateAll(p3, ms, 1, 1, 1, 1, 1, 1)
	b.round()
	reworded := b.propose(ms[0], p1)
	merged := b.propose(ms[3], p3, p2) // nearest: p2 (lower index among equals), then p3
	b.rate(ms[0], reworded, 4, "the new wording answers my worry")
	b.rate(ms[1], reworded, 4)
	b.rate(ms[2], reworded, 2)
	b.rateAll(merged, ms, 4, 4, 4, 4, 4, 4)
	res := mustAnalyse(t, b.s)
	rw := res.Proposals[0].Change
	if rw == nil || !rw.ViaLineage || !slices.Equal(rw.BaselineProposals, []string{"p000"}) || rw.BaselineRoundID != "r1" {
		t.Fatalf("reworded change %+v", rw)
	}
	if rw.Paired != 3 || rw.MovedUp != 2 || rw.Unchanged != 1 {
		t.Errorf("reworded movement %+v", rw)
	}
	if m := rw.Movers[0]; m.Member != "m000" || m.Reason == "" || m.From != 2 || m.To != 4 || m.Direction != "towards_agree" {
		t.Errorf("movers should list members with reasons first: %+v", rw.Movers)
	}
	mg := res.Proposals[1].Change
	if mg == nil || !slices.Equal(mg.BaselineProposals, []string{"p001", "p002"}) || mg.BaselineNRated != 6 {
		t.Fatalf("merged change %+v", mg)
	}
	// Members 0–2 rated both p2 (5) and p3 (1): p2 is nearer (lower index).
	if mg.MovedDown != 3 || mg.MovedUp != 3 {
		t.Errorf("merged movement %+v", mg)
	}
	// MemberTrajectory follows the same lineage.
	paths, err := MemberTrajectory(b.s, ms[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 2 || len(paths[0].Points) != 2 || paths[0].Points[0].Proposal != "p000" || *paths[0].Points[0].Value != 2 ||
		paths[0].Points[1].Reason == "" || *paths[0].Points[1].Value != 4 {
		t.Errorf("trajectory %+v", paths)
	}
	if _, err := MemberTrajectory(b.s, 99); err == nil {
		t.Error("out-of-range member")
	}
}

// TestDissent: the members outside the agree zone of a consensus item are
// listed with their reasons first, counted by perspective with small cells
// suppressed, and the list is capped.
func TestDissent(t *testing.T) {
	b := newBuilder(likert5(), "big", "small")
	big := b.members(140, 0)
	small := b.members(3, 1)
	b.round()
	p := b.propose(-1)
	for i, m := range big {
		v := 5
		if i%5 == 0 {
			v = 2 // 28 dissenters
		}
		b.rate(m, p, v)
	}
	b.rate(small[0], p, 1, "it leaves carers out")
	b.rate(small[1], p, 5)
	b.rate(small[2], p, 5)
	for i := 0; i < 120; i++ {
		b.members(1, 0)
	}
	b.s.Rounds[0].Invited = nil
	for m := range b.s.Members {
		b.s.Rounds[0].Invited = append(b.s.Rounds[0].Invited, m)
	}
	q := b.propose(-1)
	for m := 143; m < len(b.s.Members); m++ {
		b.rate(m, q, 1)
	}
	for m := 0; m < 110; m++ {
		b.rate(m, q, 4)
	}
	res := mustAnalyse(t, b.s)
	d := res.Proposals[0].Dissent
	if res.Proposals[0].Verdict != VerdictConsensusFor || d == nil || d.Count != 29 || d.Zone != "agree" {
		t.Fatalf("dissent %+v", d)
	}
	if d.Members[0].Member != "m140" || d.Members[0].Reason == "" || d.Members[0].Value != 1 {
		t.Errorf("reasons first: %+v", d.Members[0])
	}
	if *d.ByPerspective[0].Count != 28 || !d.ByPerspective[1].Suppressed || d.ByPerspective[1].Count != nil {
		t.Errorf("by perspective %+v", d.ByPerspective)
	}
	d = res.Proposals[1].Dissent
	if res.Proposals[1].Verdict != VerdictSplit || d != nil {
		t.Errorf("q: %s", res.Proposals[1].Verdict)
	}
	// 120 disagree and 110 agree is split; make it against and check the cap.
	for i := range b.s.Rounds[0].Ratings.Value {
		if b.s.Rounds[0].Ratings.Proposal[i] == int32(q) && b.s.Rounds[0].Ratings.Member[i] < 10 {
			b.s.Rounds[0].Ratings.Value[i] = 1
		}
	}
	b.s.Rule = PercentAgreementRule(51)
	res = mustAnalyse(t, b.s)
	d = res.Proposals[1].Dissent
	if res.Proposals[1].Verdict != VerdictConsensusAgainst || d.Zone != "disagree" || d.Count != 100 || len(d.Members) != MaxListedMembers || d.Truncated {
		t.Errorf("against: %s %+v", res.Proposals[1].Verdict, d.Count)
	}
}
