package opinion

import (
	"math"
	"testing"
)

// counts is one proposal's tallies for a group and for the rest of the
// groups pooled.
type counts struct{ na, nd, ns, restA, restD, restS int }

func TestSelectRepresentative(t *testing.T) {
	type want struct {
		proposal  int
		direction Direction
		bestAgree bool
		signif    bool
	}
	tests := []struct {
		name  string
		stats []counts
		want  []want
	}{
		{
			name: "best agree first, agrees before disagrees",
			stats: []counts{
				{9, 1, 10, 1, 9, 10}, // strong agree
				{1, 9, 10, 9, 1, 10}, // strong disagree
				{7, 2, 10, 2, 7, 10}, // weaker agree
				{5, 5, 10, 5, 5, 10}, // like the rest
			},
			want: []want{{0, Agree, true, true}, {2, Agree, false, true}, {1, Disagree, false, true}},
		},
		{
			name: "at most five",
			stats: []counts{
				{6, 0, 10, 0, 10, 10}, {7, 0, 10, 0, 10, 10}, {8, 0, 10, 0, 10, 10}, {9, 0, 10, 0, 10, 10},
				{10, 0, 10, 0, 10, 10}, {10, 0, 12, 0, 10, 10}, {10, 0, 11, 0, 10, 10},
			},
			// best agree is 4 (10 of 10); the rest by metric, descending
			want: []want{{4, Agree, true, true}, {6, Agree, false, true}, {3, Agree, false, true}, {5, Agree, false, true}, {2, Agree, false, true}},
		},
		{
			name:  "nothing significant: best agree alone",
			stats: []counts{{6, 4, 10, 4, 6, 10}, {5, 5, 10, 5, 5, 10}},
			want:  []want{{0, Agree, true, false}},
		},
		{
			name:  "nothing significant, no agree: largest r-test",
			stats: []counts{{0, 5, 10, 0, 5, 10}, {0, 6, 10, 0, 4, 10}},
			want:  []want{{1, Disagree, false, false}},
		},
		{
			name:  "nothing rated",
			stats: []counts{{0, 0, 0, 3, 1, 5}},
			want:  nil,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stats := make([]Repness, len(tc.stats))
			seen := make([]int32, len(tc.stats))
			for j, c := range tc.stats {
				stats[j] = ComputeRepness(c.na, c.nd, c.ns, c.restA, c.restD, c.restS)
				seen[j] = int32(c.ns)
			}
			got := selectRepresentative(stats, seen)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d representatives %+v, want %d", len(got), got, len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Proposal != w.proposal || g.Direction != w.direction || g.BestAgree != w.bestAgree || g.Significant != w.signif {
					t.Errorf("#%d = {%d %s best %v signif %v}, want %+v", i, g.Proposal, g.Direction, g.BestAgree, g.Significant, w)
				}
				if m := g.Metric; math.IsNaN(m) || math.Abs(m-g.Repness.Metric(g.Direction)) > 1e-12 {
					t.Errorf("#%d metric %v", i, m)
				}
			}
		})
	}
}

// TestGroupStatistics checks the per-group tallies and bridging statistics
// of a clear two-camp matrix against direct counts.
func TestGroupStatistics(t *testing.T) {
	m, _ := camps(6, 16, 8)
	// Proposal 15 is rated by camp 0 only, so its minimum agree rate is
	// undefined.
	var keep Matrix
	keep.NMembers, keep.NProposals = m.NMembers, m.NProposals
	for k := range m.Value {
		if m.Proposal[k] == 15 && m.Member[k] >= 6 {
			continue
		}
		keep.Member = append(keep.Member, m.Member[k])
		keep.Proposal = append(keep.Proposal, m.Proposal[k])
		keep.Value = append(keep.Value, m.Value[k])
	}
	res := Analyse(keep, Options{Seed: 2})
	mustJSON(t, res)
	if !res.Clear || res.K != 2 {
		t.Fatalf("clear %v k %d: %s", res.Clear, res.K, res.Reason)
	}
	agree := make([][]int, 2)
	disagree := make([][]int, 2)
	seen := make([][]int, 2)
	for g := range agree {
		agree[g], disagree[g], seen[g] = make([]int, 16), make([]int, 16), make([]int, 16)
	}
	for k, v := range keep.Value {
		g, j := res.Assignment[keep.Member[k]], keep.Proposal[k]
		seen[g][j]++
		if v > 0 {
			agree[g][j]++
		} else if v < 0 {
			disagree[g][j]++
		}
	}
	for g, grp := range res.Groups {
		if grp.ID != g || grp.Size != len(grp.Members) || grp.Size != 6 {
			t.Errorf("group %d: id %d size %d members %d", g, grp.ID, grp.Size, len(grp.Members))
		}
		for j := 0; j < 16; j++ {
			if grp.Agree[j] != agree[g][j] || grp.Disagree[j] != disagree[g][j] || grp.Seen[j] != seen[g][j] {
				t.Errorf("group %d proposal %d: tallies %d/%d/%d, want %d/%d/%d", g, j, grp.Agree[j], grp.Disagree[j], grp.Seen[j], agree[g][j], disagree[g][j], seen[g][j])
			}
		}
		if len(grp.Representative) == 0 {
			t.Errorf("group %d has no representative proposal", g)
		}
		for _, rep := range grp.Representative {
			// Camp 0 agrees with even proposals, camp 1 with odd ones.
			campAgrees := (rep.Proposal%2 == 0) == (agree[g][0] > disagree[g][0])
			if campAgrees != (rep.Direction == Agree) {
				t.Errorf("group %d: proposal %d represented as %s", g, rep.Proposal, rep.Direction)
			}
		}
	}
	for j, b := range res.Proposals {
		want := GroupInformedConsensus([]int{agree[0][j], agree[1][j]}, []int{seen[0][j], seen[1][j]})
		if b.Proposal != j || math.Abs(b.GroupInformedConsensus-want) > 1e-15 {
			t.Errorf("proposal %d: GAC %v, want %v", j, b.GroupInformedConsensus, want)
		}
		if math.Abs(b.GroupInformedConsensusNormalised-math.Sqrt(want)) > 1e-15 {
			t.Errorf("proposal %d: normalised GAC %v, want %v", j, b.GroupInformedConsensusNormalised, math.Sqrt(want))
		}
		if j == 15 {
			if b.MinGroupAgree != nil || b.MinGroupAgreeReason == "" || b.MinGroupAgreeGroup != -1 {
				t.Errorf("proposal 15: min group agree %v %q %d, want absent with a reason", b.MinGroupAgree, b.MinGroupAgreeReason, b.MinGroupAgreeGroup)
			}
			continue
		}
		r0 := float64(agree[0][j]) / float64(seen[0][j])
		r1 := float64(agree[1][j]) / float64(seen[1][j])
		wantMin, wantGroup := r0, 0
		if r1 < r0 {
			wantMin, wantGroup = r1, 1
		}
		if b.MinGroupAgree == nil || *b.MinGroupAgree != wantMin || b.MinGroupAgreeGroup != wantGroup {
			t.Errorf("proposal %d: min group agree %v (group %d), want %v (group %d)", j, b.MinGroupAgree, b.MinGroupAgreeGroup, wantMin, wantGroup)
		}
	}
}

func TestPreviousK(t *testing.T) {
	m, _ := synthetic(400, 40, 3, 0.5, 0.85, 4)
	base := Analyse(m, Options{Seed: 1})
	if !base.Clear || base.K != 3 {
		t.Fatalf("base: clear %v k %d (%s)", base.Clear, base.K, base.Reason)
	}
	tests := []struct {
		name     string
		previous int
		wantK    int
		kept     bool
	}{
		{"previous k equal", 3, 3, false},
		{"previous k far worse is dropped", 2, 3, false},
		{"previous k not tried", 9, 3, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := Analyse(m, Options{Seed: 1, PreviousK: tc.previous})
			if res.K != tc.wantK || res.KeptPreviousK != tc.kept {
				t.Errorf("k %d kept %v, want k %d kept %v", res.K, res.KeptPreviousK, tc.wantK, tc.kept)
			}
		})
	}
	// Keeping a close previous k is tested on brexit-consensus
	// (TestPreviousKOnBrexit), where two k score within 0.01.
}
