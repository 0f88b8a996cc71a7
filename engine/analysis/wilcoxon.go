package analysis

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// WilcoxonResult is a Wilcoxon signed-rank test on paired differences
// d = x − y.
type WilcoxonResult struct {
	// N counts the non-zero differences (zeros are dropped, Wilcoxon's
	// method, as R wilcox.test and SciPy's default); Zeros counts the rest.
	N     int `json:"n"`
	Zeros int `json:"zeros"`
	// VPlus is the sum of the ranks of |d| over positive d (R's V).
	VPlus  float64 `json:"v_plus"`
	VMinus float64 `json:"v_minus"`
	// Exact is true when the p-values enumerate the 2^N sign assignments
	// (N < 50, no ties, no zeros); otherwise they use the normal
	// approximation with tie correction and continuity correction, and
	// Z and Sigma are set (absent for the exact test).
	Exact bool     `json:"exact"`
	Z     *float64 `json:"z,omitempty"`
	Sigma *float64 `json:"sigma,omitempty"`
	// PTwoSided, PGreater (x > y) and PLess (x < y).
	PTwoSided float64 `json:"p_two_sided"`
	PGreater  float64 `json:"p_greater"`
	PLess     float64 `json:"p_less"`
}

// WilcoxonSignedRank tests whether paired values x and y differ
// (Wilcoxon 1945; conventions of R wilcox.test(x, y, paired = TRUE)). With
// d = x − y, zeros dropped, |d| ranked with average ranks and V⁺ the rank
// sum of positive d:
//
//   - exact (N < 50, no ties, no zeros): the null distribution of V⁺ is
//     counted over all 2^N sign assignments; two-sided p = min(1, 2·min tail);
//   - otherwise: μ = N(N+1)/4, σ² = N(N+1)(2N+1)/24 − Σ(t³ − t)/48,
//     z = (V⁺ − μ − ½·sign(V⁺ − μ))/σ (continuity correction).
//
// It returns an Undefined error when the lengths differ, when every
// difference is zero ("no change", no test), or when σ = 0.
func WilcoxonSignedRank(x, y []float64) (WilcoxonResult, error) {
	if len(x) != len(y) {
		return WilcoxonResult{}, Undefined("paired samples must have the same length")
	}
	d := make([]float64, 0, len(x))
	var r WilcoxonResult
	for i := range x {
		if diff := x[i] - y[i]; diff != 0 {
			d = append(d, diff)
		} else {
			r.Zeros++
		}
	}
	r.N = len(d)
	if r.N == 0 {
		return r, Undefined("no member changed their rating")
	}
	abs := make([]float64, r.N)
	for i, v := range d {
		abs[i] = math.Abs(v)
	}
	ranks := make([]float64, r.N)
	tieSum := averageRanks(abs, ranks, make([]int, r.N))
	for i, v := range d {
		if v > 0 {
			r.VPlus += ranks[i]
		} else {
			r.VMinus += ranks[i]
		}
	}
	n := float64(r.N)
	if r.N < 50 && tieSum == 0 && r.Zeros == 0 {
		r.Exact = true
		dist := signedRankDistribution(r.N)
		v := int(math.Round(r.VPlus))
		total := math.Exp2(n)
		le, ge := 0.0, 0.0
		for s, c := range dist {
			if s <= v {
				le += c
			}
			if s >= v {
				ge += c
			}
		}
		r.PLess, r.PGreater = le/total, ge/total
		r.PTwoSided = math.Min(1, 2*math.Min(r.PLess, r.PGreater))
		return r, nil
	}
	mu := n * (n + 1) / 4
	sigma := math.Sqrt(n*(n+1)*(2*n+1)/24 - tieSum/48)
	if !(sigma > 0) {
		return r, Undefined("the signed-rank statistic has no variance")
	}
	dev := r.VPlus - mu
	cc := 0.0
	if dev > 0 {
		cc = 0.5
	} else if dev < 0 {
		cc = -0.5
	}
	z := (dev - cc) / sigma
	r.Z, r.Sigma = &z, &sigma
	r.PTwoSided = math.Min(1, 2*math.Min(distuv.UnitNormal.CDF(z), distuv.UnitNormal.Survival(z)))
	r.PGreater = distuv.UnitNormal.Survival((dev - 0.5) / sigma)
	r.PLess = distuv.UnitNormal.CDF((dev + 0.5) / sigma)
	return r, nil
}

// signedRankDistribution returns the number of sign assignments of ranks
// 1..n giving each rank sum 0..n(n+1)/2.
func signedRankDistribution(n int) []float64 {
	maxSum := n * (n + 1) / 2
	c := make([]float64, maxSum+1)
	c[0] = 1
	for k := 1; k <= n; k++ {
		for s := k * (k + 1) / 2; s >= k; s-- {
			c[s] += c[s-k]
		}
	}
	return c
}
