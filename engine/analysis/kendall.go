package analysis

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// KendallResult is Kendall's coefficient of concordance for m judges
// ranking n objects.
type KendallResult struct {
	// W is tie-corrected; WUncorrected ignores ties.
	W            float64 `json:"w"`
	WUncorrected float64 `json:"w_uncorrected"`
	// ChiSquared = m(n−1)W on DF = n−1 degrees of freedom (Friedman's
	// statistic); P is its upper tail, a large-sample approximation.
	ChiSquared float64 `json:"chi_squared"`
	DF         int     `json:"df"`
	P          float64 `json:"p"`
	Judges     int     `json:"judges"`
	Objects    int     `json:"objects"`
}

// KendallW returns Kendall's W for data[j][i], the rating judge j gave
// object i (every judge rates every object). Each judge's ratings are ranked
// across objects with average ranks for ties; with R_i the rank sum of
// object i and S = Σ_i (R_i − m(n+1)/2)²,
//
//	W  = 12S / (m²(n³ − n))
//	W_t = 12S / (m²(n³ − n) − m Σ_j T_j),  T_j = Σ_ties (t³ − t)
//
// (Kendall & Babington Smith 1939; tie correction as R DescTools
// KendallW(correct = TRUE)), χ² = m(n − 1)W_t with p from χ²(n − 1)
// (Schmidt 1997 for interpretation: .1 very weak … .7 strong).
//
// It returns an Undefined error for fewer than two judges or objects,
// ragged rows, or when every judge gives every object the same rating
// (the corrected denominator is 0).
func KendallW(data [][]float64) (KendallResult, error) {
	m := len(data)
	if m < 2 {
		return KendallResult{}, reasonTooFewRaters
	}
	n := len(data[0])
	if n < 2 {
		return KendallResult{}, reasonTooFewObjects
	}
	r := make([]float64, n)
	ranks := make([]float64, n)
	idx := make([]int, n)
	tieSum := 0.0
	for _, row := range data {
		if len(row) != n {
			return KendallResult{}, Undefined("every judge must rate every object")
		}
		tieSum += averageRanks(row, ranks, idx)
		for i, v := range ranks {
			r[i] += v
		}
	}
	return kendallFromRankSums(r, m, tieSum)
}

// kendallFromRankSums finishes KendallW from the per-object rank sums.
func kendallFromRankSums(r []float64, m int, tieSum float64) (KendallResult, error) {
	n := len(r)
	mf, nf := float64(m), float64(n)
	mean := mf * (nf + 1) / 2
	s := 0.0
	for _, v := range r {
		s += (v - mean) * (v - mean)
	}
	base := mf * mf * (nf*nf*nf - nf)
	den := base - mf*tieSum
	if den <= 0 || math.Abs(den) < 1e-9*base {
		return KendallResult{}, Undefined("every member gave every proposal the same rating")
	}
	res := KendallResult{
		W:            12 * s / den,
		WUncorrected: 12 * s / base,
		DF:           n - 1,
		Judges:       m,
		Objects:      n,
	}
	res.ChiSquared = mf * (nf - 1) * res.W
	res.P = distuv.ChiSquared{K: nf - 1}.Survival(res.ChiSquared)
	return res, nil
}
