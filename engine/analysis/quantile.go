package analysis

import "math"

// Hyndman–Fan sample quantile types supported for medians and quartiles.
const (
	// QuantileType6 is h = (n+1)p: SPSS EXAMINE "HAVERAGE", Minitab, Excel
	// QUARTILE.EXC.
	QuantileType6 = 6
	// QuantileType7 is h = (n−1)p + 1: R and numpy defaults, Excel
	// QUARTILE.INC. It is the Allvoice default.
	QuantileType7 = 7
)

// Quantile returns the p-quantile (0 ≤ p ≤ 1) of the ascending data x by
// Hyndman & Fan (1996, The American Statistician 50(4):361–365) type 6 or 7.
// With 1-based order statistics x[1..n]:
//
//	type 7: h = (n−1)p + 1
//	type 6: h = (n+1)p, clamped to [1, n]
//	Q(p) = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋])
//
// Both give the ordinary median. gonum's stat.Quantile is neither (its
// LinInterp is type 4), hence this function. Quantile returns an Undefined
// error for empty x, p outside [0, 1] or another type; it does not check
// that x is sorted.
func Quantile(x []float64, p float64, typ int) (float64, error) {
	n := len(x)
	if n == 0 {
		return 0, reasonNoRatings
	}
	if !(p >= 0 && p <= 1) {
		return 0, Undefined("quantile probability outside [0, 1]")
	}
	h, err := quantileH(n, p, typ)
	if err != nil {
		return 0, err
	}
	j := int(math.Floor(h))
	if j >= n {
		return x[n-1], nil
	}
	lo := x[j-1]
	return lo + (h-float64(j))*(x[j]-lo), nil
}

// quantileH returns the clamped 1-based position h of the p-quantile.
func quantileH(n int, p float64, typ int) (float64, error) {
	var h float64
	switch typ {
	case QuantileType7:
		h = float64(n-1)*p + 1
	case QuantileType6:
		h = float64(n+1) * p
	default:
		return 0, Undefined("quantile type must be 6 or 7")
	}
	if h < 1 {
		h = 1
	}
	if h > float64(n) {
		h = float64(n)
	}
	return h, nil
}

// quantileCounts is Quantile on data given as a frequency vector: counts[c]
// ratings of values[c], values ascending, n = Σ counts > 0. It reads order
// statistics off the cumulative counts, so it is O(K) whatever n is.
func quantileCounts(values []int, counts []int32, n int, p float64, typ int) float64 {
	h, _ := quantileH(n, p, typ)
	j := int(math.Floor(h))
	lo := float64(orderStat(values, counts, j))
	if j >= n {
		return lo
	}
	hi := float64(orderStat(values, counts, j+1))
	return lo + (h-float64(j))*(hi-lo)
}

// orderStat returns the j-th smallest (1-based) value of a frequency vector.
func orderStat(values []int, counts []int32, j int) int {
	cum := 0
	for c, f := range counts {
		cum += int(f)
		if cum >= j {
			return values[c]
		}
	}
	return values[len(values)-1]
}
