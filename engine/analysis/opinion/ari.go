package opinion

// AdjustedRand returns the adjusted Rand index of two labellings a and b of
// the same items (Hubert & Arabie 1985, J. Classification 2:193–218):
//
//	ARI = (Σ_ij C(n_ij,2) − E) / (½[Σ_i C(a_i,2) + Σ_j C(b_j,2)] − E),
//	E   = Σ_i C(a_i,2) · Σ_j C(b_j,2) / C(n,2),
//
// where n_ij counts items labelled i in a and j in b. It is 1 for the same
// partition up to relabelling, about 0 for chance agreement, and can be
// negative. It compares opinion groups with another partition, e.g. Polis's
// own groups of an imported conversation. Fewer than two items give 0;
// when both partitions are trivial in the same way (all items in one
// group, or each alone) it returns 1. It panics if len(a) != len(b).
func AdjustedRand(a, b []int) float64 {
	if len(a) != len(b) {
		panic("opinion: AdjustedRand of labellings of different lengths")
	}
	if len(a) < 2 {
		return 0
	}
	type pair struct{ x, y int }
	nij := map[pair]int{}
	na, nb := map[int]int{}, map[int]int{}
	for i := range a {
		nij[pair{a[i], b[i]}]++
		na[a[i]]++
		nb[b[i]]++
	}
	c2 := func(n int) float64 { return float64(n) * float64(n-1) / 2 }
	var sij, sa, sb float64
	for _, n := range nij {
		sij += c2(n)
	}
	for _, n := range na {
		sa += c2(n)
	}
	for _, n := range nb {
		sb += c2(n)
	}
	expected := sa * sb / c2(len(a))
	maxIndex := (sa + sb) / 2
	if maxIndex == expected {
		return 1
	}
	return (sij - expected) / (maxIndex - expected)
}
