package opinion

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// entries builds a Matrix from rows of values, NaN meaning "not rated".
func entries(rows [][]float64) Matrix {
	m := Matrix{NMembers: len(rows)}
	for i, row := range rows {
		m.NProposals = max(m.NProposals, len(row))
		for j, v := range row {
			if !math.IsNaN(v) {
				m.Member = append(m.Member, int32(i))
				m.Proposal = append(m.Proposal, int32(j))
				m.Value = append(m.Value, float32(v))
			}
		}
	}
	return m
}

// mustJSON encodes res; encoding/json rejects NaN and Inf, so this also
// checks that none reached the result.
func mustJSON(t testing.TB, res Result) []byte {
	t.Helper()
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatalf("JSON: %v", err)
	}
	return b
}

var nan = math.NaN()

func TestAnalyseDegenerate(t *testing.T) {
	tests := []struct {
		name   string
		m      Matrix
		reason string
	}{
		{"empty", Matrix{}, ReasonNoVariation},
		{"no ratings", Matrix{NMembers: 5, NProposals: 3}, ReasonNoVariation},
		{"one member", entries([][]float64{{1, -1, 0, 1, 1, -1, 1, 0}}), ReasonNoVariation},
		{"all identical", entries([][]float64{{1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}}), ReasonNoVariation},
		{"all pass", entries([][]float64{{0, 0, 0}, {0, 0, 0}, {0, 0, 0}}), ReasonNoVariation},
		{"each proposal rated alike", entries([][]float64{{1, -1, 0}, {1, -1, 0}, {1, nan, 0}}), ReasonNoVariation},
		{"one proposal", entries([][]float64{{1}, {-1}, {1}, {-1}, {0}, {1}, {-1}, {1}, {-1}}), ReasonNotClear},
		{"two members", entries([][]float64{{1, -1, 1, -1, 1, -1, 1}, {-1, 1, -1, 1, -1, 1, -1}}), ReasonTooFew},
		{"members below MinRated", entries([][]float64{{1, -1}, {-1, 1}, {1, nan}, {nan, 1}}), ReasonTooFew},
		{"proposal out of range", Matrix{NMembers: 1, NProposals: 1, Member: []int32{0}, Proposal: []int32{1}, Value: []float32{1}}, ReasonInvalidInput},
		{"member out of range", Matrix{NMembers: 1, NProposals: 1, Member: []int32{-1}, Proposal: []int32{0}, Value: []float32{1}}, ReasonInvalidInput},
		{"value NaN", Matrix{NMembers: 1, NProposals: 1, Member: []int32{0}, Proposal: []int32{0}, Value: []float32{float32(nan)}}, ReasonInvalidInput},
		{"value beyond 1", Matrix{NMembers: 1, NProposals: 1, Member: []int32{0}, Proposal: []int32{0}, Value: []float32{1.5}}, ReasonInvalidInput},
		{"lengths differ", Matrix{NMembers: 1, NProposals: 1, Member: []int32{0}, Proposal: []int32{0, 0}, Value: []float32{1}}, ReasonInvalidInput},
		{"duplicate rating", Matrix{NMembers: 1, NProposals: 1, Member: []int32{0, 0}, Proposal: []int32{0, 0}, Value: []float32{1, -1}}, ReasonInvalidInput},
		{"negative size", Matrix{NMembers: -1}, ReasonInvalidInput},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := Analyse(tc.m, Options{Seed: 7})
			mustJSON(t, res)
			if res.Clear || res.K != 0 || len(res.Groups) != 0 {
				t.Errorf("clear %v k %d groups %d, want no groups", res.Clear, res.K, len(res.Groups))
			}
			if !strings.HasPrefix(res.Reason, tc.reason) {
				t.Errorf("reason %q, want prefix %q", res.Reason, tc.reason)
			}
			if tc.reason != ReasonInvalidInput {
				if len(res.Assignment) != tc.m.NMembers {
					t.Fatalf("assignment has %d entries, want %d", len(res.Assignment), tc.m.NMembers)
				}
				for i, g := range res.Assignment {
					if g != -1 {
						t.Errorf("member %d assigned %d without groups", i, g)
					}
				}
			}
		})
	}
}

// camps is a co-design-sized matrix: two camps of members who agree with
// each other and disagree with the other camp, with some passes and gaps.
func camps(perCamp, proposals int, seed uint64) (Matrix, []int) {
	rng := rand.New(rand.NewPCG(seed, 3))
	var rows [][]float64
	var truth []int
	for camp := 0; camp < 2; camp++ {
		for i := 0; i < perCamp; i++ {
			row := make([]float64, proposals)
			for j := range row {
				v := 1.0
				if (j%2 == 0) != (camp == 0) {
					v = -1
				}
				switch u := rng.Float64(); {
				case u < 0.1:
					v = nan
				case u < 0.2:
					v = 0
				}
				row[j] = v
			}
			rows = append(rows, row)
			truth = append(truth, camp)
		}
	}
	return entries(rows), truth
}

func TestAnalyseSmallGroups(t *testing.T) {
	tests := []struct {
		name      string
		m         Matrix
		truth     []int
		wantClear bool
	}{
		{"8 members in two camps", first(camps(4, 12, 1)), second(camps(4, 12, 1)), true},
		{"12 members in two camps", first(camps(6, 20, 2)), second(camps(6, 20, 2)), true},
		{"30 members in two camps", first(camps(15, 60, 3)), second(camps(15, 60, 3)), true},
		{"7 members: too few for two groups of 3 plus", first(camps(3, 12, 4)), nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := Analyse(tc.m, Options{Seed: 1})
			mustJSON(t, res)
			if res.Clear != tc.wantClear {
				t.Fatalf("clear %v (%s), want %v", res.Clear, res.Reason, tc.wantClear)
			}
			if !tc.wantClear {
				return
			}
			if res.K != 2 {
				t.Fatalf("k = %d, want 2", res.K)
			}
			for i := range tc.truth {
				for j := range tc.truth {
					if (tc.truth[i] == tc.truth[j]) != (res.Assignment[i] == res.Assignment[j]) {
						t.Fatalf("members %d and %d: same camp %v, same group %v", i, j, tc.truth[i] == tc.truth[j], res.Assignment[i] == res.Assignment[j])
					}
				}
			}
		})
	}
}

func first(m Matrix, _ []int) Matrix { return m }
func second(_ Matrix, t []int) []int { return t }

// TestAnalyseNoise checks that structureless ratings rarely yield "clear"
// opinion groups, at co-design size and larger (the 0.25 silhouette rule
// alone would call nearly all of them clear).
func TestAnalyseNoise(t *testing.T) {
	for _, n := range []int{8, 12, 30, 200} {
		clear := 0
		const runs = 20
		for seed := uint64(0); seed < runs; seed++ {
			m, _ := synthetic(n, 30, 0, 0.7, 0, seed)
			if res := Analyse(m, Options{Seed: seed}); res.Clear {
				clear++
			}
		}
		t.Logf("%d members of noise: clear groups in %d of %d", n, clear, runs)
		if clear > 3 {
			t.Errorf("%d members of noise: clear groups in %d of %d runs", n, clear, runs)
		}
	}
}

func TestAnalyseRecoversLatentGroups(t *testing.T) {
	tests := []struct {
		members, proposals, groups int
		density                    float64
	}{
		{300, 40, 2, 0.5},
		{300, 40, 3, 0.5},
		{2000, 100, 3, 0.2},
		{6000, 60, 2, 0.3}, // above the exact-silhouette and k-means sample caps
	}
	for _, tc := range tests {
		m, truth := synthetic(tc.members, tc.proposals, tc.groups, tc.density, 0.8, 11)
		res := Analyse(m, Options{Seed: 1})
		mustJSON(t, res)
		if !res.Clear || res.K != tc.groups {
			t.Errorf("%d × %d, %d groups: clear %v k %d (%s)", tc.members, tc.proposals, tc.groups, res.Clear, res.K, res.Reason)
			continue
		}
		var ours, want []int
		for i, g := range res.Assignment {
			if g >= 0 {
				ours = append(ours, g)
				want = append(want, truth[i])
			}
		}
		ari := AdjustedRand(ours, want)
		t.Logf("%d × %d, %d groups: ARI %.3f against the latent groups", tc.members, tc.proposals, tc.groups, ari)
		if ari < 0.8 {
			t.Errorf("%d × %d, %d groups: ARI %.3f against the latent groups", tc.members, tc.proposals, tc.groups, ari)
		}
	}
}

// TestAnalysePermutation permutes members and proposals: the partition must
// be the same up to relabelling, and positions, tallies and bridging the
// same up to the permutation.
func TestAnalysePermutation(t *testing.T) {
	for _, tc := range []struct {
		members, proposals, groups int
		density                    float64
	}{{40, 30, 2, 0.6}, {300, 40, 3, 0.5}, {6000, 50, 3, 0.3}} {
		m, _ := synthetic(tc.members, tc.proposals, tc.groups, tc.density, 0.8, 5)
		base := Analyse(m, Options{Seed: 3})
		rng := rand.New(rand.NewPCG(9, 9))
		pm, pp := rng.Perm(m.NMembers), rng.Perm(m.NProposals)
		perm := Matrix{NMembers: m.NMembers, NProposals: m.NProposals}
		order := rng.Perm(len(m.Value)) // entry order too
		for _, k := range order {
			perm.Member = append(perm.Member, int32(pm[m.Member[k]]))
			perm.Proposal = append(perm.Proposal, int32(pp[m.Proposal[k]]))
			perm.Value = append(perm.Value, m.Value[k])
		}
		got := Analyse(perm, Options{Seed: 3})
		if got.Clear != base.Clear || got.K != base.K {
			t.Fatalf("%d members: clear %v k %d, unpermuted clear %v k %d", tc.members, got.Clear, got.K, base.Clear, base.K)
		}
		relabel := map[int]int{-1: -1}
		for i, g := range base.Assignment {
			h := got.Assignment[pm[i]]
			if prev, ok := relabel[g]; ok && prev != h {
				t.Fatalf("%d members: member %d in group %d, permuted in %d, but group %d maps to %d", tc.members, i, g, h, g, prev)
			}
			relabel[g] = h
			for c := 0; c < 2; c++ {
				if d := math.Abs(base.Coordinates[i][c] - got.Coordinates[pm[i]][c]); d > 1e-6 {
					t.Fatalf("%d members: member %d coordinate %d differs by %g", tc.members, i, c, d)
				}
			}
		}
		for g := range base.Groups {
			h := relabel[g]
			for j := range base.Groups[g].Seen {
				a, b := base.Groups[g], got.Groups[h]
				if a.Seen[j] != b.Seen[pp[j]] || a.Agree[j] != b.Agree[pp[j]] || a.Disagree[j] != b.Disagree[pp[j]] {
					t.Fatalf("%d members: group %d proposal %d tallies differ", tc.members, g, j)
				}
			}
		}
		for j, pb := range base.Proposals {
			if d := math.Abs(pb.GroupInformedConsensus - got.Proposals[pp[j]].GroupInformedConsensus); d > 1e-12 {
				t.Fatalf("%d members: proposal %d GAC differs by %g", tc.members, j, d)
			}
		}
	}
}

// TestAnalyseDeterministic: the same input gives byte-identical JSON,
// whatever the number of CPUs.
func TestAnalyseDeterministic(t *testing.T) {
	m, _ := synthetic(2000, 100, 3, 0.4, 0.8, 21) // several chunks in every parallel pass
	want := mustJSON(t, Analyse(m, Options{Seed: 5}))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 3, 8} {
		runtime.GOMAXPROCS(procs)
		if got := mustJSON(t, Analyse(m, Options{Seed: 5})); string(got) != string(want) {
			t.Fatalf("GOMAXPROCS %d: JSON differs", procs)
		}
	}
	if other := mustJSON(t, Analyse(m, Options{Seed: 6})); len(other) == 0 {
		t.Fatal("empty JSON")
	}
}
