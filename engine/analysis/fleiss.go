package analysis

import "math"

// FleissResult is Fleiss' kappa with both published null standard errors.
type FleissResult struct {
	Kappa float64 `json:"kappa"`
	PBar  float64 `json:"p_bar"`
	PE    float64 `json:"p_e"`
	// SE0 is the Fleiss (1971) null standard error, as R irr::kappam.fleiss;
	// SE0FNL is the Fleiss, Nee & Landis (1979) correction.
	SE0    float64 `json:"se0"`
	SE0FNL float64 `json:"se0_fnl"`
}

// FleissKappa returns Fleiss' kappa (Fleiss 1971, Psychological Bulletin
// 76(5):378–382) for counts[i][j], the number of raters who put subject i in
// category j; every subject must have the same number n of ratings:
//
//	P_i = (Σ_j n_ij² − n)/(n(n−1)),  P̄ = mean P_i,  p_j = Σ_i n_ij/(N n),
//	P̄_e = Σ p_j²,  κ = (P̄ − P̄_e)/(1 − P̄_e)
//
// It is nominal (ignores order); Allvoice reports Krippendorff's ordinal
// alpha for ratings and keeps κ for parity with published Delphi studies.
// It returns an Undefined error for no subjects, fewer than two ratings per
// subject, unequal numbers of ratings, or P̄_e = 1 (one category only).
func FleissKappa(counts [][]int) (FleissResult, error) {
	if len(counts) == 0 {
		return FleissResult{}, reasonNoRatings
	}
	k := len(counts[0])
	n := 0
	for _, c := range counts[0] {
		n += c
	}
	if n < 2 {
		return FleissResult{}, reasonTooFewRaters
	}
	nf, bigN := float64(n), float64(len(counts))
	p := make([]float64, k)
	var r FleissResult
	for _, row := range counts {
		if len(row) != k {
			return FleissResult{}, Undefined("every subject needs the same categories")
		}
		tot, sq := 0, 0.0
		for j, c := range row {
			tot += c
			sq += float64(c) * float64(c)
			p[j] += float64(c)
		}
		if tot != n {
			return FleissResult{}, Undefined("every subject needs the same number of ratings")
		}
		r.PBar += (sq - nf) / (nf * (nf - 1))
	}
	r.PBar /= bigN
	var s2, s3, spq, spqqp float64
	for j := range p {
		p[j] /= bigN * nf
		q := 1 - p[j]
		s2 += p[j] * p[j]
		s3 += p[j] * p[j] * p[j]
		spq += p[j] * q
		spqqp += p[j] * q * (q - p[j])
	}
	r.PE = s2
	if r.PE >= 1 {
		return FleissResult{}, reasonConstant
	}
	r.Kappa = (r.PBar - r.PE) / (1 - r.PE)
	f := 2 / (bigN * nf * (nf - 1))
	r.SE0 = math.Sqrt(f * (r.PE - (2*nf-3)*r.PE*r.PE + 2*(nf-2)*s3) / ((1 - r.PE) * (1 - r.PE)))
	r.SE0FNL = math.Sqrt(f * (spq*spq - spqqp) / (spq * spq))
	return r, nil
}
