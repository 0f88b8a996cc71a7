package opinion

import (
	"math"
	"testing"
)

const tol = 1e-6

func near(a, b, eps float64) bool { return math.Abs(a-b) <= eps }

// pcaExample is agreement-statistics.md §4.2: rows are members; 1 agree,
// −1 disagree, 0 pass, missing = unseen.
func pcaExample() Matrix {
	rows := [][]float64{
		{1, 1, -1, math.NaN()},
		{1, 1, -1, -1},
		{1, math.NaN(), -1, -1},
		{-1, -1, 1, 1},
		{-1, -1, math.NaN(), 1},
		{math.NaN(), -1, 1, 0},
	}
	m := Matrix{NMembers: len(rows), NProposals: 4}
	for i, row := range rows {
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

func TestPCAVector(t *testing.T) {
	r, err := buildRatings(pcaExample())
	if err != nil {
		t.Fatal(err)
	}
	pca, ok := principalComponents(r, 1, pcaMaxIter, pcaTolerance)
	if !ok || !pca.converged {
		t.Fatalf("ok %v converged %v", ok, pca.converged)
	}
	centre := []float64{0.2, -0.2, -0.2, 0}
	pc1 := []float64{0.535245, 0.513458, -0.495124, -0.452466}
	pc2 := []float64{-0.406120, 0.403713, -0.564040, 0.594930}
	for j := range pc1 {
		if !near(r.colMean[j], centre[j], 1e-12) {
			t.Errorf("centre[%d] = %v, want %v", j, r.colMean[j], centre[j])
		}
		if !near(pca.pc[0][j], pc1[j], tol) {
			t.Errorf("PC1[%d] = %.6f, want %.6f", j, pca.pc[0][j], pc1[j])
		}
		if !near(pca.pc[1][j], pc2[j], tol) {
			t.Errorf("PC2[%d] = %.6f, want %.6f", j, pca.pc[1][j], pc2[j])
		}
	}
	// Variances s²/(n − 1) with n = 6 members.
	for t2, want := range []float64{2.994644, 0.435175} {
		if got := pca.eigen[t2] / 5; !near(got, want, tol) {
			t.Errorf("variance %d = %.6f, want %.6f", t2+1, got, want)
		}
	}
	proj := project(r, pca.pc, 0)
	want := [][2]float64{{1.663283, 0.705281}, {1.892911, 0.015861}, {1.474277, -0.541086}, {-2.099676, 0.082456}, {-1.738432, 0.876769}, {-1.160377, -1.154490}}
	for i := range want {
		for c := 0; c < 2; c++ {
			if !near(proj[i][c], want[i][c], tol) {
				t.Errorf("projection p%d[%d] = %.6f, want %.6f", i, c, proj[i][c], want[i][c])
			}
		}
	}
	// Unscaled p0 = scaled / √(4/3).
	if got := proj[0][0] / math.Sqrt(4.0/3); !near(got, 1.440445, tol) {
		t.Errorf("unscaled p0 = %.6f, want 1.440445", got)
	}
}

func TestSilhouetteVector(t *testing.T) {
	x := []float64{0, 0, 1, 5, 5, 6, 2.5}
	y := []float64{0, 1, 0, 5, 6, 5, 2.5}
	labels := []int{0, 0, 0, 1, 1, 1, 0}
	want := []float64{0.756053, 0.742344, 0.742344, 0.829154, 0.817061, 0.817061, 0.228325}
	s := Silhouette(x, y, labels)
	for i := range want {
		if !near(s[i], want[i], tol) {
			t.Errorf("s(%d) = %.6f, want %.6f", i, s[i], want[i])
		}
	}
	if m := mean(s); !near(m, 0.704620, tol) {
		t.Errorf("mean silhouette = %.6f, want 0.704620", m)
	}
}

func TestSilhouetteDegenerate(t *testing.T) {
	tests := []struct {
		name   string
		x, y   []float64
		labels []int
		want   []float64
	}{
		{"empty", nil, nil, nil, []float64{}},
		{"singleton clusters score 0", []float64{0, 1}, []float64{0, 0}, []int{0, 1}, []float64{0, 0}},
		{"one cluster scores 0", []float64{0, 1, 2}, []float64{0, 0, 0}, []int{0, 0, 0}, []float64{0, 0, 0}},
		{"identical points in two clusters", []float64{1, 1, 1, 1}, []float64{2, 2, 2, 2}, []int{0, 0, 1, 1}, []float64{0, 0, 0, 0}},
		{"left-out points score 0", []float64{0, 0, 9, 10, 10}, []float64{0, 1, 9, 0, 1}, []int{0, 0, -1, 1, 1}, []float64{0.900249, 0.900249, 0, 0.900249, 0.900249}}, // a = 1, b = (10 + √101)/2,
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := Silhouette(tc.x, tc.y, tc.labels)
			if len(s) != len(tc.want) {
				t.Fatalf("len %d, want %d", len(s), len(tc.want))
			}
			for i := range s {
				if !near(s[i], tc.want[i], tol) {
					t.Errorf("s(%d) = %.6f, want %.6f", i, s[i], tc.want[i])
				}
			}
		})
	}
}

func TestPolisVectors(t *testing.T) {
	tests := []struct {
		name      string
		got, want float64
	}{
		{"pa", ComputeRepness(8, 0, 10, 2, 0, 10).PA, 0.75},
		{"ra", ComputeRepness(8, 0, 10, 2, 0, 10).RA, 3},
		{"pat", ComputeRepness(8, 0, 10, 2, 0, 10).PAT, 2.110579},
		{"rat", ComputeRepness(8, 0, 10, 2, 0, 10).RAT, 2.569047},
		{"metric", ComputeRepness(8, 0, 10, 2, 0, 10).Metric(Agree), 12.199898},
		{"prop_test(6,10)", PropTest(6, 10), 0.904534},
		{"prop_test(7,10)", PropTest(7, 10), 1.507557},
		{"prop_test unseen", PropTest(0, 0), 1},
		{"two_prop_test p̂ = 1", TwoPropTest(5, 5, 5, 5), 0},
		{"GAC", GroupInformedConsensus([]int{8, 6}, []int{10, 9}), 0.477273},
		{"GAC no groups", GroupInformedConsensus(nil, nil), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !near(tc.got, tc.want, tol) {
				t.Errorf("got %.6f, want %.6f", tc.got, tc.want)
			}
		})
	}
	if PropTest(6, 10) > ZSig90 || PropTest(7, 10) <= ZSig90 {
		t.Error("prop_test(6,10) must not be significant at 90 %, prop_test(7,10) must")
	}
}
