package analysis

import "testing"

func TestContributionInequality(t *testing.T) {
	for _, tc := range []struct {
		c     []float64
		g, gn float64
		top   float64
	}{
		{[]float64{1, 2, 3, 4, 5}, 0.266667, 0.333333, 5.0 / 15},
		{[]float64{10, 0, 0, 0, 0}, 0.8, 1.0, 1},
		{[]float64{5, 5, 5, 5}, 0, 0, 0.25},
		{[]float64{12, 3, 1, 0, 0, 4}, 0.616667, 0.74, 0.6},
	} {
		r, err := ContributionInequality(tc.c)
		if err != nil {
			t.Fatal(err)
		}
		near(t, "G", r.Gini, tc.g, 1e-6)
		near(t, "Gn", r.GiniNormalised, tc.gn, 1e-6)
		near(t, "top", r.TopShare, tc.top, 1e-12)
	}
	r, _ := ContributionInequality([]float64{5, 5, 5, 5})
	near(t, "entropy equal", r.Entropy, 1, 1e-12)
	_, err := ContributionInequality([]float64{0, 0, 0})
	mustUndefined(t, "no contributions", err)
	_, err = ContributionInequality([]float64{4})
	mustUndefined(t, "one member", err)
}

// Worked example A of agreement-statistics §5.3 (M3, κ = 10).
func TestAssessLowRatesWorkedExampleA(t *testing.T) {
	k := []float64{40, 35, 9, 2, 30, 1}
	n := []float64{48, 45, 40, 6, 36, 12}
	pooled, out, err := AssessLowRates(k, n, nil, DefaultRateRule(BetaBinomial, 10))
	if err != nil {
		t.Fatal(err)
	}
	near(t, "p0", pooled, 117.0/187, 1e-12)
	want := []struct {
		mean, prob float64
		flag       bool
		z          float64
	}{
		{0.7975, 0.001979, false, 2.973},
		{0.7501, 0.022405, false, 2.108},
		{0.3051, 0.999998, true, -5.236},
		{0.5160, 0.808803, false, -1.480},
		{0.7882, 0.007544, false, 2.575},
		{0.3298, 0.997641, true, -3.882},
	}
	for i, w := range want {
		near(t, "posterior mean", out[i].PosteriorMean, w.mean, 1e-4)
		near(t, "P(θ<p0)", out[i].ProbBelowPooled, w.prob, 1e-6)
		if out[i].Flagged != w.flag {
			t.Errorf("member %c flagged %v, want %v", 'A'+i, out[i].Flagged, w.flag)
		}
		z, _ := FunnelZ(k[i], n[i], pooled)
		near(t, "funnel z", z, w.z, 1e-3)
	}
	if out[3].Eligible {
		t.Error("D has n = 6 < 10 and must not be eligible")
	}
	// Overdispersion φ = mean z² = 10.765.
	phi := 0.0
	for i := range k {
		z, _ := FunnelZ(k[i], n[i], pooled)
		phi += z * z / 6
	}
	near(t, "phi", phi, 10.765, 1e-3)
	// Funnel limits for p0 = 0.625668 (95 %, 99.8 %).
	for _, tc := range []struct{ n, lo95, lo998 float64 }{{6, 0.2384, 0.0152}, {12, 0.3518, 0.1940}, {40, 0.4757, 0.3892}} {
		lo, _ := FunnelLimits(pooled, tc.n, Z95)
		near(t, "lo95", lo, tc.lo95, 1e-4)
		lo, _ = FunnelLimits(pooled, tc.n, Z998)
		near(t, "lo99.8", lo, tc.lo998, 1e-4)
	}
}

// Worked example B of agreement-statistics §5.3 (M2, α0 = 5, T ≥ 30 min).
func TestAssessLowRatesWorkedExampleB(t *testing.T) {
	y := []float64{14, 9, 1, 0, 11, 7}
	T := []float64{60, 60, 60, 10, 55, 45}
	pooled, out, err := AssessLowRates(y, T, nil, DefaultRateRule(GammaPoisson, 30))
	if err != nil {
		t.Fatal(err)
	}
	near(t, "λ0", pooled, 42.0/290, 1e-12)
	want := []struct {
		mean, prob float64
		flag       bool
	}{
		{0.2010, 0.1009, false}, {0.1481, 0.5023, false}, {0.0635, 0.9932, true},
		{0.1123, 0.7705, false}, {0.1787, 0.2334, false}, {0.1509, 0.4822, false},
	}
	for i, w := range want {
		near(t, "mean", out[i].PosteriorMean, w.mean, 1e-4)
		near(t, "P", out[i].ProbBelowPooled, w.prob, 1e-4)
		if out[i].Flagged != w.flag {
			t.Errorf("P%d flagged %v, want %v", i+1, out[i].Flagged, w.flag)
		}
	}
	near(t, "GammaIncReg check", out[2].ProbBelowPooled, 0.993188, 1e-6)
}

func TestAssessLowRatesDegenerate(t *testing.T) {
	_, _, err := AssessLowRates([]float64{0}, []float64{0}, nil, DefaultRateRule(BetaBinomial, 10))
	mustUndefined(t, "no exposure", err)
	// Everybody rated everything: nobody can be below the pooled rate.
	_, out, err := AssessLowRates([]float64{20, 30}, []float64{20, 30}, nil, DefaultRateRule(BetaBinomial, 10))
	if err != nil || out[0].Flagged || out[1].ProbBelowPooled != 0 {
		t.Errorf("pooled 1: %+v %v", out, err)
	}
	_, out, _ = AssessLowRates([]float64{0, 0}, []float64{3, 3}, nil, DefaultRateRule(GammaPoisson, 2))
	if out[0].Flagged {
		t.Error("pooled 0 must not flag")
	}
}

// Benjamini & Hochberg (1995) §4 example: 15 p-values, q = 0.05 rejects 4.
func TestBenjaminiHochberg(t *testing.T) {
	p := []float64{0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
		0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000}
	// Shuffle the order to check that ranks, not positions, decide.
	perm := []int{14, 3, 7, 0, 12, 5, 9, 1, 11, 6, 2, 13, 8, 4, 10}
	q := make([]float64, len(p))
	for i, j := range perm {
		q[i] = p[j]
	}
	rej := BenjaminiHochberg(q, 0.05)
	n := 0
	for i, r := range rej {
		if r {
			n++
			if perm[i] > 3 {
				t.Errorf("rejected p = %v", q[i])
			}
		}
	}
	if n != 4 {
		t.Errorf("rejected %d, want 4", n)
	}
	if len(BenjaminiHochberg(nil, 0.1)) != 0 {
		t.Error("empty input")
	}
}

// JR example of §5.2: N = 6, k = 2, ballots {a}×3, {c}×3.
func TestJustifiedRepresentation(t *testing.T) {
	const a, b, c = 0, 1, 2
	ballots := [][]int{{a}, {a}, {a}, {c}, {c}, {c}}
	r, err := JustifiedRepresentation(ballots, []int{a, b}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if r.Satisfied || r.Witness != c || r.WitnessSupport != 3 || r.Unrepresented != 3 || r.Threshold != 3 {
		t.Errorf("W={a,b}: %+v, want violated with witness c", r)
	}
	r, _ = JustifiedRepresentation(ballots, []int{a, c}, 3)
	if !r.Satisfied || r.Unrepresented != 0 {
		t.Errorf("W={a,c}: %+v, want satisfied", r)
	}
	_, err = JustifiedRepresentation(ballots, nil, 3)
	mustUndefined(t, "nothing adopted", err)
}

func TestFisherGreater(t *testing.T) {
	// 4 of 5 leavers disagreed vs 1 of 10 stayers: P(X ≥ 4) with margins
	// r1 = 5, c1 = 5, n = 15 = [C(5,4)C(10,1) + C(5,5)C(10,0)] / C(15,5).
	want := (5.0*10 + 1) / 3003
	near(t, "fisher", fisherGreater(4, 1, 1, 9), want, 1e-12)
	near(t, "fisher all", fisherGreater(0, 5, 5, 5), 1, 1e-12)
}
