package analysis

import "math"

// fisherGreater returns the one-sided p-value of Fisher's exact test that
// the first row of the 2×2 table [[a, b], [c, d]] has a higher share in the
// first column than the second row: P(X ≥ a) under the hypergeometric
// distribution with the table's margins.
func fisherGreater(a, b, c, d int) float64 {
	r1, c1, n := a+b, a+c, a+b+c+d
	if n == 0 {
		return 1
	}
	lchoose := func(n, k int) float64 {
		x, _ := math.Lgamma(float64(n + 1))
		y, _ := math.Lgamma(float64(k + 1))
		z, _ := math.Lgamma(float64(n - k + 1))
		return x - y - z
	}
	den := lchoose(n, r1)
	p := 0.0
	for x := a; x <= min(r1, c1); x++ {
		if r1-x > n-c1 {
			continue
		}
		p += math.Exp(lchoose(c1, x) + lchoose(n-c1, r1-x) - den)
	}
	return math.Min(1, p)
}
