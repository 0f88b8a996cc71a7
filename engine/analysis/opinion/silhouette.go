package opinion

import (
	"math"
)

// silhouetteSampleCap is the number of points above which the mean
// silhouette is estimated on a seeded sample (exact below it: O(n²)).
const silhouetteSampleCap = 5000

// Silhouette returns the silhouette width of each 2-D point (x[i], y[i])
// under labels (Rousseeuw 1987, J Comput Appl Math 20:53–65):
// s(i) = (b(i) − a(i)) / max(a(i), b(i)), where a(i) is the mean Euclidean
// distance from i to the other members of its cluster and b(i) the smallest
// mean distance to another cluster. s(i) = 0 for a point alone in its
// cluster, when max(a, b) = 0, and when there is no other cluster. Labels are
// non-negative cluster indices; negative labels mark points left out (their
// s is 0 and they are not counted anywhere). The mean over the included
// points is the clustering's score (agreement-statistics.md §4.3).
func Silhouette(x, y []float64, labels []int) []float64 {
	k := 0
	var idx []int
	lab := make([]int32, len(labels))
	for i, l := range labels {
		lab[i] = int32(l)
		if l >= 0 {
			idx = append(idx, i)
			k = max(k, l+1)
		}
	}
	out := make([]float64, len(labels))
	s := silhouettes(x, y, idx, [][]int32{lab}, []int{k})
	for p, i := range idx {
		out[i] = s[0][p]
	}
	return out
}

// silhouettes computes s(i) for every point i in idx and each labelling l
// (with ks[l] clusters), with distances only among the points of idx. One
// pass over the pairs serves all labellings. The result is s[l][p] for point
// idx[p].
func silhouettes(x, y []float64, idx []int, labellings [][]int32, ks []int) [][]float64 {
	m, nl := len(idx), len(labellings)
	counts := make([][]int, nl)
	offset := make([]int, nl+1)
	for l, lab := range labellings {
		counts[l] = make([]int, ks[l])
		for _, i := range idx {
			counts[l][lab[i]]++
		}
		offset[l+1] = offset[l] + ks[l]
	}
	out := make([][]float64, nl)
	for l := range out {
		out[l] = make([]float64, m)
	}
	bounds := chunkBounds(m, m*m, func(int) int { return m })
	forEachChunk(len(bounds)-1, func(c int) {
		sums := make([]float64, offset[nl])
		for p := bounds[c]; p < bounds[c+1]; p++ {
			i := idx[p]
			clear(sums)
			xi, yi := x[i], y[i]
			for _, j := range idx {
				d := math.Sqrt(sq(xi-x[j]) + sq(yi-y[j]))
				for l, lab := range labellings {
					sums[offset[l]+int(lab[j])] += d
				}
			}
			for l, lab := range labellings {
				own := int(lab[i])
				if counts[l][own] < 2 {
					continue
				}
				a := sums[offset[l]+own] / float64(counts[l][own]-1)
				b := math.Inf(1)
				for g := 0; g < ks[l]; g++ {
					if g != own && counts[l][g] > 0 {
						b = math.Min(b, sums[offset[l]+g]/float64(counts[l][g]))
					}
				}
				if math.IsInf(b, 1) {
					continue
				}
				if den := math.Max(a, b); den > 0 {
					out[l][p] = (b - a) / den
				}
			}
		}
	})
	return out
}

// mean is the arithmetic mean of v in index order (0 for empty v).
func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
