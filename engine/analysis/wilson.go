package analysis

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Z95 is the two-sided 95 % standard normal quantile Φ⁻¹(0.975).
var Z95 = distuv.UnitNormal.Quantile(0.975)

// Wilson returns the Wilson (1927, JASA 22:209–212) score interval for k
// successes in n trials at normal quantile z:
//
//	centre = (p̂ + z²/2n) / (1 + z²/n)
//	half   = z·√(p̂(1−p̂)/n + z²/4n²) / (1 + z²/n)
//
// clamped to [0, 1]. It is preferred to the Wald interval because it stays
// sensible for small n and for p̂ = 0 or 1. It returns an Undefined error for
// n ≤ 0 or k outside 0..n.
func Wilson(k, n int, z float64) (lo, hi float64, err error) {
	if n <= 0 {
		return 0, 0, reasonNoRatings
	}
	if k < 0 || k > n {
		return 0, 0, Undefined("successes outside 0..n")
	}
	nf := float64(n)
	p := float64(k) / nf
	z2 := z * z
	den := 1 + z2/nf
	centre := (p + z2/(2*nf)) / den
	half := z * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf)) / den
	return clamp01(centre - half), clamp01(centre + half), nil
}

func clamp01(x float64) float64 { return math.Max(0, math.Min(1, x)) }
