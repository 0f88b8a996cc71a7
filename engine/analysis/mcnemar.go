package analysis

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// McNemarResult is McNemar's test for a paired 2×2 table with discordant
// counts B and C.
type McNemarResult struct {
	B int `json:"b"`
	C int `json:"c"`
	// ChiSquared = (B − C)²/(B + C); ChiSquaredCorrected uses (|B − C| − 1)².
	ChiSquared          float64 `json:"chi_squared"`
	PChiSquared         float64 `json:"p_chi_squared"`
	ChiSquaredCorrected float64 `json:"chi_squared_corrected"`
	PCorrected          float64 `json:"p_corrected"`
	// PExact = min(1, 2·BinomCDF(min(B, C); B + C, ½)).
	PExact float64 `json:"p_exact"`
	// P is the recommended p-value: exact when B + C < 25, else corrected.
	P float64 `json:"p"`
}

// McNemar tests whether the share in a binary state (e.g. "in the agree
// zone") changed between two rounds for the same members (McNemar 1947;
// R mcnemar.test for the χ² forms). It returns an Undefined error when
// B + C = 0 (nobody changed) or a count is negative.
func McNemar(b, c int) (McNemarResult, error) {
	if b < 0 || c < 0 {
		return McNemarResult{}, Undefined("negative count")
	}
	if b+c == 0 {
		return McNemarResult{}, Undefined("no member changed between agreeing and not agreeing")
	}
	r := McNemarResult{B: b, C: c}
	s := float64(b + c)
	diff := float64(b - c)
	// χ²(1) upper tail: P(χ² > x) = erfc(√(x/2)), cheaper than the
	// incomplete gamma function and exact.
	chi1 := func(x float64) float64 { return math.Erfc(math.Sqrt(x / 2)) }
	r.ChiSquared = diff * diff / s
	r.PChiSquared = chi1(r.ChiSquared)
	cd := math.Max(0, math.Abs(diff)-1)
	r.ChiSquaredCorrected = cd * cd / s
	r.PCorrected = chi1(r.ChiSquaredCorrected)
	r.PExact = math.Min(1, 2*distuv.Binomial{N: s, P: 0.5}.CDF(float64(min(b, c))))
	if b+c < 25 {
		r.P = r.PExact
	} else {
		r.P = r.PCorrected
	}
	return r, nil
}
