package analysis

import (
	"strings"
	"testing"
)

func flagOf(res *Result, kind, member string) *Flag {
	for i, f := range res.UnderHeard.Flags {
		if f.Kind == kind && (member == "" || f.Member == member || f.Perspective == member) {
			return &res.UnderHeard.Flags[i]
		}
	}
	return nil
}

// TestAttentionFlag: Sam's proposals are rated by few members in two
// consecutive rounds; the flag says so in words and escalates.
func TestAttentionFlag(t *testing.T) {
	b := newBuilder(likert5())
	ms := b.members(12, -1)
	b.s.Members[0].Name = "Sam"
	for r := 0; r < 2; r++ {
		b.round()
		var sams, others []int
		for i := 0; i < 2; i++ {
			sams = append(sams, b.propose(ms[0]))
		}
		for i := 1; i <= 4; i++ {
			others = append(others, b.propose(ms[i]))
		}
		for _, p := range others {
			for _, m := range ms {
				if m != b.s.Proposals[p].Author {
					b.rate(m, p, 4)
				}
			}
		}
		for _, p := range sams {
			for _, m := range ms[1:4] {
				b.rate(m, p, 4)
			}
		}
	}
	res := mustAnalyse(t, b.s)
	f := flagOf(res, FlagAttention, "m000")
	if f == nil {
		t.Fatalf("no attention flag: %+v", res.UnderHeard.Attention)
	}
	want := "Sam's 4 proposals were rated by 3 of 11 active members on average"
	if !strings.HasPrefix(f.Sentence, want) || !strings.Contains(f.Sentence, "consider giving them time in the next session") {
		t.Errorf("sentence %q", f.Sentence)
	}
	if !f.Escalated || len(f.Proposals) != 4 || f.Evidence.Count != 12 || f.Evidence.Opportunity != 44 || *f.Evidence.ProbBelowPooled < 0.95 {
		t.Errorf("flag %+v evidence %+v", f, f.Evidence)
	}
	for _, fl := range res.UnderHeard.Flags {
		if fl.Member != "" && fl.Member != "m000" {
			t.Errorf("unexpected flag %+v", fl)
		}
	}
}

// TestParticipationAndUptakeFlags: a member who never contributes over
// four rounds, and a member none of whose many decided proposals is adopted.
func TestParticipationAndUptakeFlags(t *testing.T) {
	b := newBuilder(likert5())
	ms := b.members(10, -1)
	b.s.Members[9].Name = "Alex"
	b.s.Members[8].Name = "Kim"
	for r := 0; r < 4; r++ {
		b.round()
		for _, m := range ms[:9] {
			b.s.Rounds[r].Reflections = append(b.s.Rounds[r].Reflections, int32(m), int32(m))
		}
		for _, m := range ms[:9] {
			for i := 0; i < 2; i++ {
				p := b.propose(m)
				for _, rater := range ms {
					reason := ""
					if rater != ms[9] {
						reason = "why"
					}
					b.rate(rater, p, 4, reason)
				}
				out := OutcomeAdopted
				if m == ms[8] || (i == 1 && m%2 == 0) {
					out = OutcomeNotAdopted
				}
				b.decide(p, out)
			}
		}
	}
	res := mustAnalyse(t, b.s)
	f := flagOf(res, FlagParticipation, "m009")
	if f == nil || !strings.HasPrefix(f.Sentence, "Alex made 0 contributions (proposals, reasons or reflections) in 4 rounds") || !f.Escalated {
		t.Errorf("participation flag %+v", f)
	}
	f = flagOf(res, FlagUptake, "m008")
	if f == nil || !strings.HasPrefix(f.Sentence, "0 of Kim's 8 decided proposals were adopted") {
		t.Errorf("uptake flag %+v; table %+v", f, res.UnderHeard.Uptake)
	}
}

// TestPerspectiveFlags: a perspective that authors nothing and whose
// proposals are never adopted is flagged by representation and uptake.
func TestPerspectiveFlags(t *testing.T) {
	b := newBuilder(likert5(), "lived experience", "practitioner")
	le := b.members(6, 0)
	pr := b.members(6, 1)
	all := append(append([]int{}, le...), pr...)
	for r := 0; r < 3; r++ {
		b.round()
		for i, m := range all {
			p := b.propose(m)
			for _, rater := range all {
				b.rate(rater, p, 3+i%3)
			}
			out := OutcomeNotAdopted
			if b.s.Members[m].Perspective == 1 && i%3 != 0 {
				out = OutcomeAdopted
			}
			b.decide(p, out)
		}
	}
	res := mustAnalyse(t, b.s)
	f := flagOf(res, FlagPerspectiveUptake, "lived experience")
	if f == nil || !strings.Contains(f.Sentence, "0 of 18 decided were adopted") {
		t.Errorf("perspective uptake flag %+v\n%+v", f, res.UnderHeard.PerspectiveUptake)
	}
	var rep *Flag
	for i, fl := range res.UnderHeard.Flags {
		if fl.Kind == FlagRepresentation && fl.Perspective == "lived experience" && fl.Measure == "adopted_authorship" {
			rep = &res.UnderHeard.Flags[i]
		}
	}
	if rep == nil || !strings.Contains(rep.Sentence, "are 50% of the group but authored 0% of the proposals adopted") || !rep.Escalated {
		t.Errorf("representation flag %+v", rep)
	}
	if flagOf(res, FlagPerspectiveUptake, "practitioner") != nil {
		t.Error("practitioners must not be flagged")
	}
}

// TestAttritionWarning: 4 of the 5 members who left had disagreed with the
// leading proposal in round 1.
func TestAttritionWarning(t *testing.T) {
	b := newBuilder(likert5())
	ms := b.members(20, -1)
	b.round()
	p := b.propose(-1)
	q := b.propose(-1)
	for i, m := range ms {
		v := 5
		if i < 5 {
			v = 1
		}
		b.rate(m, p, v)
		b.rate(m, q, 3)
	}
	b.round()
	b.carry(q)
	for i, m := range ms {
		if i < 4 || i == 10 {
			continue // four disagreeing members and one agreeing member leave
		}
		b.rate(m, q, 3)
	}
	res := mustAnalyse(t, b.s)
	at := res.Attrition
	if at == nil || at.Left != 5 || at.Stayed != 15 || at.LeftByPosition.Disagreed != 4 || at.LeftByPosition.Agreed != 1 {
		t.Fatalf("attrition %+v", at)
	}
	if len(at.Warnings) != 1 || !strings.HasPrefix(at.Warnings[0], "4 of 5 members who left had disagreed with the leading proposals in round 1, against 1 of 15 who stayed") {
		t.Errorf("warnings %q", at.Warnings)
	}
	if len(at.LeadingProposals) != 1 || at.LeadingProposals[0] != "p000" {
		t.Errorf("leading %v", at.LeadingProposals)
	}
}

// TestJustifiedRepresentationFlag reproduces the §5.2 JR example through
// Analyse: six members, {a}×3 and {c}×3, adopted {a, b}.
func TestJustifiedRepresentationFlag(t *testing.T) {
	b := newBuilder(AgreeDisagreeScale())
	ms := b.members(6, -1)
	b.round()
	a, bb, c := b.propose(-1), b.propose(-1), b.propose(-1)
	for i, m := range ms {
		if i < 3 {
			b.rate(m, a, 1)
			b.rate(m, c, -1)
		} else {
			b.rate(m, a, -1)
			b.rate(m, c, 1)
		}
		b.rate(m, bb, -1)
	}
	b.decide(a, OutcomeAdopted)
	b.decide(bb, OutcomeAdopted)
	b.decide(c, OutcomeNotAdopted)
	res := mustAnalyse(t, b.s)
	jr := res.UnderHeard.JustifiedRepresentation
	if jr == nil || jr.Satisfied || jr.Witness != "p002" || jr.Unrepresented != 3 || jr.Threshold != 3 {
		t.Fatalf("JR %+v (%s)", jr, res.UnderHeard.JustifiedRepresentationReason)
	}
	f := flagOf(res, FlagJustifiedRepresentation, "")
	if f == nil || !strings.HasPrefix(f.Sentence, "3 members had none of the proposals they agreed with adopted, and 3 of them agree with p002") {
		t.Errorf("flag %+v", f)
	}
	b.s.Rounds[0].Decisions[1].Outcome = OutcomeNotAdopted
	b.s.Rounds[0].Decisions[2].Outcome = OutcomeAdopted
	res = mustAnalyse(t, b.s)
	if jr := res.UnderHeard.JustifiedRepresentation; jr == nil || !jr.Satisfied || flagOf(res, FlagJustifiedRepresentation, "") != nil {
		t.Errorf("W = {a, c} must satisfy JR: %+v", jr)
	}
}

// TestOpinionGroupsAndUnrepresentedGroup: two clear blocs; only bloc A's
// proposals are adopted, so bloc B is an unrepresented opinion group, and
// the proposals both blocs support are bridging.
func TestOpinionGroupsAndUnrepresentedGroup(t *testing.T) {
	b := newBuilder(likert5(), "lived experience", "practitioner")
	blocA := b.members(10, 0)
	blocB := b.members(10, 1)
	b.round()
	var forA, forB, shared []int
	for i := 0; i < 5; i++ {
		forA = append(forA, b.propose(blocA[i]))
		forB = append(forB, b.propose(blocB[i]))
		shared = append(shared, b.propose(-1))
	}
	// One member of each bloc softens one rating: the blocs are clear but
	// not identical copies.
	soft := func(i, j, v int) int {
		if i == j {
			return v - 1
		}
		return v
	}
	for i, m := range blocA {
		for j := range forA {
			b.rate(m, forA[j], soft(i, j, 5))
			b.rate(m, forB[j], 1)
			b.rate(m, shared[j], 5)
		}
	}
	for i, m := range blocB {
		for j := range forA {
			b.rate(m, forA[j], 1)
			b.rate(m, forB[j], soft(i, j, 5))
			b.rate(m, shared[j], 4)
		}
	}
	for _, p := range forA {
		b.decide(p, OutcomeAdopted)
	}
	for _, p := range forB {
		b.decide(p, OutcomeNotAdopted)
	}
	res := mustAnalyse(t, b.s)
	og := res.OpinionGroups
	if !og.Clear || og.K != 2 || og.Groups[0].Size != 10 {
		t.Fatalf("opinion groups %+v", og)
	}
	if len(res.UnderHeard.UnrepresentedGroups) != 1 {
		t.Fatalf("unrepresented %+v (%s)", res.UnderHeard.UnrepresentedGroups, res.UnderHeard.UnrepresentedGroupsReason)
	}
	ug := res.UnderHeard.UnrepresentedGroups[0]
	grp := og.Groups[ug.Group-1]
	if grp.Members[0] != "m010" || ug.Size != 10 {
		t.Errorf("unrepresented group should be bloc B: %+v", grp.Members)
	}
	f := flagOf(res, FlagUnrepresentedGroup, "")
	if f == nil || !strings.Contains(f.Sentence, "has none of the proposals it distinctively supports") {
		t.Errorf("flag %+v", f)
	}
	// Bridging: the shared proposals, every group and perspective agreeing.
	if len(res.BridgingProposals) != 5 {
		t.Errorf("bridging %v", res.BridgingProposals)
	}
	for _, id := range res.BridgingProposals {
		var n int
		if _, err := fmtSscan(id, &n); err != nil || n%3 != 2 {
			t.Errorf("bridging proposal %s is not a shared one", id)
		}
	}
	br := res.Proposals[2].Bridging
	if br == nil || *br.MinGroupAgree != 1 || *br.MinPerspectiveAgree != 1 || *br.Score != 1 || br.GroupInformedConsensus == nil {
		t.Errorf("bridging of a shared proposal %+v", br)
	}
	// Bloc A authors get their support from inside their group only.
	for _, ms := range res.UnderHeard.BridgedSupport {
		if ms.Outside != 0 || ms.Supporters == 0 {
			t.Errorf("bridged support %+v", ms)
		}
	}
	// Divergence: lived experience agrees with forA, practitioners do not.
	found := false
	for _, d := range res.UnderHeard.Divergences {
		if d.Proposal == "p000" && d.Perspective == "lived experience" && d.Agree == 1 && d.RestAgree == 0 {
			found = true
		}
	}
	if !found {
		t.Errorf("divergences %+v", res.UnderHeard.Divergences)
	}
}

// TestMinorityPosition: a member far from every median in two consecutive
// rounds is shown as a minority position worth hearing.
func TestMinorityPosition(t *testing.T) {
	b := newBuilder(likert5())
	ms := b.members(12, -1)
	b.s.Members[11].Name = "Jo"
	for r := 0; r < 2; r++ {
		b.round()
		for i := 0; i < 5; i++ {
			p := b.propose(-1)
			for j, m := range ms[:11] {
				b.rate(m, p, 4+(i+j+r)%2)
			}
			b.rate(ms[11], p, 1)
		}
	}
	res := mustAnalyse(t, b.s)
	mp := res.UnderHeard.MinorityPositions
	if len(mp) != 1 || mp[0].Member != "m011" || mp[0].Z < 2 || !strings.HasPrefix(mp[0].Sentence, "Jo has rated far from the group's median in this round and the last") {
		t.Errorf("minority positions %+v", mp)
	}
}
