package analysis

import "math"

// EstebanRay returns the Esteban–Ray polarisation (Esteban & Ray 1994,
// Econometrica 62(4):819–851) of a frequency vector over categories
// y_k = 1..K with scale constant 1:
//
//	P_α = Σ_i Σ_j p_i^{1+α} p_j |y_i − y_j|
//
// α = 0 gives the Gini mean difference; larger α (up to 1.6) rewards mass
// concentrated in few poles. It returns an Undefined error for no mass or α
// outside [0, 1.6].
func EstebanRay(counts []float64, alpha float64) (float64, error) {
	if !(alpha >= 0 && alpha <= 1.6) {
		return 0, Undefined("alpha must lie in [0, 1.6]")
	}
	p, err := proportions(counts)
	if err != nil {
		return 0, err
	}
	s := 0.0
	for i, pi := range p {
		if pi == 0 {
			continue
		}
		w := math.Pow(pi, 1+alpha)
		for j, pj := range p {
			s += w * pj * math.Abs(float64(i-j))
		}
	}
	return s, nil
}
