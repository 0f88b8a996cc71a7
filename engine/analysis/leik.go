package analysis

// LeikD returns Leik's ordinal dispersion D (Leik 1966, Pacific Sociological
// Review 9(2):85–90) of a frequency vector over K ordered categories: with
// cumulative proportions F_i and d_i = F_i if F_i ≤ ½ else 1 − F_i,
//
//	D = 2 Σ_{i=1}^{K−1} d_i / (K − 1)  ∈ [0, 1]
//
// 0 when all ratings are in one category, 1 for half at each extreme;
// ordinal consensus is 1 − D. It returns an Undefined error for fewer than
// two categories or no mass.
func LeikD(counts []float64) (float64, error) {
	k := len(counts)
	if k < 2 {
		return 0, Undefined("needs a scale with at least two points")
	}
	p, err := proportions(counts)
	if err != nil {
		return 0, err
	}
	f, sum := 0.0, 0.0
	for i := 0; i < k-1; i++ {
		f += p[i]
		if f <= 0.5 {
			sum += f
		} else {
			sum += 1 - f
		}
	}
	return 2 * sum / float64(k-1), nil
}
