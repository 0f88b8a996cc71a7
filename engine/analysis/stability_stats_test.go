package analysis

import "testing"

func TestWilcoxonSignedRank(t *testing.T) {
	// Hollander & Wolfe depression data (R wilcox.test help).
	x := []float64{1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30}
	y := []float64{0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29}
	r, err := WilcoxonSignedRank(x, y)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Exact || r.VPlus != 40 {
		t.Errorf("exact %v V %v, want exact V = 40", r.Exact, r.VPlus)
	}
	near(t, "p greater (published 0.01953)", r.PGreater, 0.019531, 1e-6)
	near(t, "p two-sided", r.PTwoSided, 0.039062, 1e-6)

	// Delphi toy with ties and zeros (§3.1 data).
	r1 := []float64{5, 6, 7, 4, 8, 6, 5, 7, 3, 6, 7, 5}
	r2 := []float64{7, 7, 7, 6, 8, 7, 6, 8, 5, 6, 8, 6}
	r, err = WilcoxonSignedRank(r2, r1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Exact || r.N != 9 || r.Zeros != 3 || r.VPlus != 45 || r.VMinus != 0 {
		t.Errorf("toy: %+v", r)
	}
	near(t, "sigma", *r.Sigma, 8.147085, 1e-6)
	near(t, "z_cc", *r.Z, 2.700352, 1e-6)
	near(t, "p2", r.PTwoSided, 0.006927, 1e-6)
	// Swapping the samples mirrors the statistic.
	s, _ := WilcoxonSignedRank(r1, r2)
	near(t, "mirrored p2", s.PTwoSided, r.PTwoSided, 1e-12)
	near(t, "mirrored z", *s.Z, -*r.Z, 1e-12)

	_, err = WilcoxonSignedRank(r1, r1)
	mustUndefined(t, "no change", err)
	_, err = WilcoxonSignedRank(r1, r2[:3])
	mustUndefined(t, "lengths", err)
	// One change only: exact, p two-sided = 1.
	r, _ = WilcoxonSignedRank([]float64{2}, []float64{1})
	near(t, "n=1 p", r.PTwoSided, 1, 0)
}

func TestMcNemar(t *testing.T) {
	r, err := McNemar(86, 150) // Agresti 1990 p. 350 (R mcnemar.test help)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "chi2_cc", r.ChiSquaredCorrected, 16.8178, 1e-4)
	near(t, "p_cc", r.PCorrected, 4.115e-05, 1e-8)
	near(t, "chi2", r.ChiSquared, 17.3559, 1e-4)
	near(t, "p", r.PChiSquared, 3.099e-05, 1e-8)
	near(t, "recommended = corrected", r.P, r.PCorrected, 0)
	r, _ = McNemar(1, 7)
	near(t, "exact", r.PExact, 0.0703125, 1e-10)
	near(t, "recommended = exact", r.P, r.PExact, 0)
	_, err = McNemar(0, 0)
	mustUndefined(t, "no change", err)
}

func TestDelphiStability(t *testing.T) {
	r1 := []float64{5, 6, 7, 4, 8, 6, 5, 7, 3, 6, 7, 5}
	r2 := []float64{7, 7, 7, 6, 8, 7, 6, 8, 5, 6, 8, 6}
	c1, _ := CoefficientOfVariation(r1)
	c2, _ := CoefficientOfVariation(r2)
	near(t, "CV r1", c1, 0.247344, 1e-6)
	near(t, "CV r2", c2, 0.143008, 1e-6)
	near(t, "dCV", c2-c1, -0.104335, 1e-6)
	f1 := []float64{0, 0, 1, 1, 3, 3, 3, 1, 0}
	f2 := []float64{0, 0, 0, 0, 1, 4, 4, 3, 0}
	nc, err := NetChange(f1, f2)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "net change", nc, 4.0/12, 1e-12)
	chi, df, p, err := ChiSquareHomogeneity([][]float64{{2, 5, 8, 5}, {0, 3, 10, 7}})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "chi2", chi, 3.05556, 1e-5)
	near(t, "p", p, 0.38314, 1e-5)
	if df != 3 {
		t.Errorf("df %d", df)
	}
	_, err = CoefficientOfVariation([]float64{3})
	mustUndefined(t, "CV n=1", err)
	_, err = NetChange(f1, make([]float64, 9))
	mustUndefined(t, "net change empty round", err)
}
