package analysis

import "sort"

// BenjaminiHochberg returns which hypotheses the Benjamini–Hochberg (1995,
// JRSS B 57(1):289–300) step-up procedure rejects at false discovery rate q:
// with p-values sorted ascending, p_(1) ≤ … ≤ p_(m), find the largest k with
// p_(k) ≤ k·q/m and reject hypotheses (1)..(k). Ties keep input order. An
// empty input gives an empty result.
func BenjaminiHochberg(p []float64, q float64) []bool {
	m := len(p)
	out := make([]bool, m)
	if m == 0 {
		return out
	}
	idx := make([]int, m)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	k := -1
	for r, i := range idx {
		if p[i] <= float64(r+1)*q/float64(m) {
			k = r
		}
	}
	for r := 0; r <= k; r++ {
		out[idx[r]] = true
	}
	return out
}
