package analysis

import "math"

// VanDerEijkA returns van der Eijk's agreement A (van der Eijk 2001,
// Quality & Quantity 35(3):325–341) of a frequency vector over the declared
// ordered categories, empty categories included (an empty middle category is
// information). The reference implementation is R agrmt's agreement().
//
// The distribution is peeled into layers: while cells remain, the pattern
// P_k = [R_k > 0] with the smallest non-zero count m forms a layer m·P of
// weight Σ(m·P)/n, and A = Σ weight·A(P). For a pattern over K categories,
// with TDU the number of (1,0,1) triples i<j<l and TU the number of (1,1,0)
// and (0,1,1) triples,
//
//	U = ((K−2)·TU − (K−1)·TDU) / ((K−2)(TU+TDU)),  A(P) = U·(1 − (S−1)/(K−1))
//
// with S the number of non-empty categories; A(P) = 1 when S = 1 and 0 when
// TU + TDU = 0. A is 1 for unanimity, 0 for a uniform distribution and −1
// for a half/half split between the extremes; A < 0 reads as polarised.
//
// It returns an Undefined error for fewer than three categories, a negative
// count, or no mass at all. A single rating gives 1 (the caller decides
// whether one rating is enough to report).
func VanDerEijkA(counts []float64) (float64, error) {
	k := len(counts)
	if k < 3 {
		return 0, Undefined("van der Eijk's A needs a scale with at least three points")
	}
	var n float64
	for _, f := range counts {
		if f < 0 {
			return 0, Undefined("negative count")
		}
		n += f
	}
	if n == 0 {
		return 0, reasonNoRatings
	}
	var buf [16]float64
	rem := append(buf[:0], counts...)
	var pbuf [16]bool
	pattern := pbuf[:k]
	a := 0.0
	for {
		m := 0.0
		for _, f := range rem {
			if f > 0 && (m == 0 || f < m) {
				m = f
			}
		}
		if m == 0 {
			break
		}
		s := 0
		for c, f := range rem {
			pattern[c] = f > 0
			if pattern[c] {
				s++
				rem[c] = f - m
				if rem[c] < m*1e-12 {
					// Percent inputs carry rounding; treat dust as empty.
					rem[c] = 0
				}
			}
		}
		a += m * float64(s) / n * patternAgreement(pattern, s)
	}
	if math.Abs(a) < 1e-12 {
		// Layers can cancel exactly in theory and leave −1e-17 in floating
		// point; the sign of A decides "split", so snap the dust to 0.
		a = 0
	}
	return a, nil
}

// patternAgreement is A(P) for a 0/1 pattern with s non-empty categories.
func patternAgreement(p []bool, s int) float64 {
	k := len(p)
	if s == 1 {
		return 1
	}
	var tu, tdu int
	for i := 0; i < k; i++ {
		for j := i + 1; j < k; j++ {
			for l := j + 1; l < k; l++ {
				switch {
				case p[i] && !p[j] && p[l]:
					tdu++
				case p[i] && p[j] && !p[l], !p[i] && p[j] && p[l]:
					tu++
				}
			}
		}
	}
	if tu+tdu == 0 {
		return 0
	}
	kf := float64(k)
	u := ((kf-2)*float64(tu) - (kf-1)*float64(tdu)) / ((kf - 2) * float64(tu+tdu))
	return u * (1 - float64(s-1)/(kf-1))
}

// Polarisation returns agrmt's polarisation (1 − A)/2 from van der Eijk's
// A: 0 for unanimity, 0.5 for a uniform distribution, 1 for a split between
// the extremes. Errors are those of VanDerEijkA.
func Polarisation(counts []float64) (float64, error) {
	a, err := VanDerEijkA(counts)
	if err != nil {
		return 0, err
	}
	return (1 - a) / 2, nil
}
