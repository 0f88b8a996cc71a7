package analysis

import "math"

// TastleWierman returns the Tastle & Wierman consensus Cns (2007, Int J
// Approx Reasoning 45(3):531–545) of a frequency vector over categories
// X_k = 1..K:
//
//	Cns = 1 + Σ_k p_k · log2(1 − |X_k − μ| / d_X),  μ = Σ p_k X_k,  d_X = K − 1
//
// where d_X is the width of the declared scale, not of the observed data.
// Empty categories contribute 0. All mass in one category gives 1, half at
// each extreme 0. It returns an Undefined error for fewer than two
// categories or no mass.
func TastleWierman(counts []float64) (float64, error) {
	k := len(counts)
	if k < 2 {
		return 0, Undefined("needs a scale with at least two points")
	}
	p, err := proportions(counts)
	if err != nil {
		return 0, err
	}
	mu := 0.0
	for c, pc := range p {
		mu += pc * float64(c+1)
	}
	d := float64(k - 1)
	cns := 1.0
	for c, pc := range p {
		if pc == 0 {
			continue
		}
		cns += pc * math.Log2(1-math.Abs(float64(c+1)-mu)/d)
	}
	return cns, nil
}

// proportions returns counts/Σcounts, or an Undefined error when the total is
// not positive or a count is negative.
func proportions(counts []float64) ([]float64, error) {
	n := 0.0
	for _, f := range counts {
		if f < 0 {
			return nil, Undefined("negative count")
		}
		n += f
	}
	if n == 0 {
		return nil, reasonNoRatings
	}
	p := make([]float64, len(counts))
	for c, f := range counts {
		p[c] = f / n
	}
	return p, nil
}
