package analysis

import (
	"gonum.org/v1/gonum/stat"
)

// BimodalityCoefficient returns the SAS bimodality coefficient (Pfister et
// al. 2013, Front. Psychol. 4:700)
//
//	BC = (G1² + 1) / (G2 + 3(n−1)² / ((n−2)(n−3)))
//
// with G1 the sample skewness and G2 the sample excess kurtosis, both
// bias-corrected (gonum's stat.Skew and stat.ExKurtosis). BC > 5/9 suggests
// bi- or multimodality; the small-sample correction makes it unreliable
// below about 20 ratings, so Allvoice prefers van der Eijk's A < 0 as its
// polarisation signal. It returns an Undefined error for fewer than four
// ratings or zero variance.
func BimodalityCoefficient(x []float64) (float64, error) {
	n := float64(len(x))
	if len(x) < 4 {
		return 0, Undefined("needs at least four ratings")
	}
	if stat.Variance(x, nil) == 0 {
		return 0, reasonConstant
	}
	g1 := stat.Skew(x, nil)
	g2 := stat.ExKurtosis(x, nil)
	return (g1*g1 + 1) / (g2 + 3*(n-1)*(n-1)/((n-2)*(n-3))), nil
}
