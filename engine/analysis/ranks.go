package analysis

import "sort"

// averageRanks writes into ranks the 1-based ranks of x with ties given the
// average of the ranks they span, and returns Σ(t³ − t) over tie groups
// (the tie-correction term of Kendall's W and the Wilcoxon variance). idx is
// scratch space of len(x).
func averageRanks(x []float64, ranks []float64, idx []int) (tieSum float64) {
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	for i := 0; i < len(idx); {
		j := i + 1
		for j < len(idx) && x[idx[j]] == x[idx[i]] {
			j++
		}
		r := float64(i+j+1) / 2 // mean of ranks i+1..j
		for k := i; k < j; k++ {
			ranks[idx[k]] = r
		}
		if t := float64(j - i); t > 1 {
			tieSum += t*t*t - t
		}
		i = j
	}
	return tieSum
}
