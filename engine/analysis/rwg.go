package analysis

import "gonum.org/v1/gonum/stat"

// RWG returns the single-item within-group agreement index of James,
// Demaree & Wolf (1984, J Appl Psych 69:85–98) for ratings x on a scale with
// a response options:
//
//	r_WG = 1 − s²_x / σ²_EU,  σ²_EU = (a² − 1)/12
//
// with s²_x the sample variance (n − 1). When s²_x > σ²_EU the index is
// truncated to 0, as James et al. recommend and R multilevel::rwg does. It
// returns an Undefined error for fewer than two ratings or a < 2.
func RWG(x []float64, a int) (float64, error) {
	if a < 2 {
		return 0, Undefined("needs at least two response options")
	}
	if len(x) < 2 {
		return 0, reasonTooFewRaters
	}
	return rwgFromVariance(stat.Variance(x, nil), a), nil
}

func rwgFromVariance(s2 float64, a int) float64 {
	eu := float64(a*a-1) / 12
	if s2 > eu {
		return 0
	}
	return 1 - s2/eu
}

// RWGJ returns the multi-item index r_WG(J) (James et al. 1984; R
// multilevel::rwg.j) from the J item variances, each on a scale with a
// options:
//
//	r_WG(J) = J(1 − s̄²/σ²_EU) / (J(1 − s̄²/σ²_EU) + s̄²/σ²_EU)
//
// with s̄² the mean item variance, truncated to 0 when s̄² > σ²_EU. It
// returns an Undefined error for no items or a < 2.
func RWGJ(variances []float64, a int) (float64, error) {
	if a < 2 {
		return 0, Undefined("needs at least two response options")
	}
	if len(variances) == 0 {
		return 0, Undefined("no items")
	}
	j := float64(len(variances))
	s2 := stat.Mean(variances, nil)
	eu := float64(a*a-1) / 12
	if s2 > eu {
		return 0, nil
	}
	r := s2 / eu
	return j * (1 - r) / (j*(1-r) + r), nil
}

// AWG returns Brown & Hauenstein's (2005, Organizational Research Methods
// 8(2):165–184) agreement a_WG for ratings x on the bounded scale lo..hi:
//
//	a_WG = 1 − 2s² / ([(hi+lo)M − M² − hi·lo] · k/(k−1))
//
// with M the mean, s² the sample variance and k = len(x). A mean at a bound
// of the scale gives 1 (as R multilevel::awg). It returns an Undefined error
// for fewer than two ratings or when M lies outside
// [(lo(k−1)+hi)/k, (hi(k−1)+lo)/k], where the maximum possible variance is
// too small for the index to be meaningful.
func AWG(x []float64, lo, hi float64) (float64, error) {
	k := float64(len(x))
	if len(x) < 2 {
		return 0, reasonTooFewRaters
	}
	m, s2 := stat.MeanVariance(x, nil)
	if m == lo || m == hi {
		return 1, nil
	}
	if m < (lo*(k-1)+hi)/k || m > (hi*(k-1)+lo)/k {
		return 0, Undefined("the mean is too close to an end of the scale for a_WG")
	}
	den := ((hi+lo)*m - m*m - hi*lo) * k / (k - 1)
	return 1 - 2*s2/den, nil
}
