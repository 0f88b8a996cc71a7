package opinion

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// kScores are the k-means partitions for k = 2..maxK of points in canonical
// order, index k − 2, with their mean silhouettes.
type kScores struct {
	parts   []partition
	ok      []bool
	sil     []float64 // meaningful where ok
	reason  []string  // why not ok
	sampled bool      // silhouettes estimated on a sample
}

// minGroupSize is the smallest group a partition of n members may have:
// max(3, ⌈5 % of n⌉), so that a group is never one loud member.
func minGroupSize(n int) int {
	return max(3, int(math.Ceil(0.05*float64(n))))
}

// scoreKs clusters the points for each k in 2..maxK and scores every usable
// partition (all groups ≥ minSize) by mean silhouette, exactly up to
// silhouetteSampleCap points and on a seeded sample above it.
func scoreKs(x, y []float64, maxK, minSize int, seed uint64, restarts int) kScores {
	n := len(x)
	nk := max(maxK-1, 0)
	s := kScores{parts: make([]partition, nk), ok: make([]bool, nk), sil: make([]float64, nk), reason: make([]string, nk)}
	var labellings [][]int32
	var ks, at []int
	for k := 2; k <= maxK; k++ {
		p, ok := clusterPoints(x, y, k, seed, restarts)
		switch {
		case !ok:
			s.reason[k-2] = fmt.Sprintf("fewer than %d distinct positions", k)
			continue
		case p.sizes[k-1] < minSize:
			s.reason[k-2] = fmt.Sprintf("a group would have fewer than %d members", minSize)
		default:
			s.ok[k-2] = true
			labellings = append(labellings, p.labels)
			ks = append(ks, k)
			at = append(at, k-2)
		}
		s.parts[k-2] = p
	}
	if len(ks) == 0 {
		return s
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	if n > silhouetteSampleCap {
		idx = samplePositions(n, silhouetteSampleCap, rand.New(rand.NewPCG(seed, 0x51111)))
		s.sampled = true
	}
	sil := silhouettes(x, y, idx, labellings, ks)
	for l, a := range at {
		s.sil[a] = mean(sil[l])
	}
	return s
}

// canonicalPoints sorts members by position (x, then y) and returns the
// sorted members with their coordinates. Seeded choices made in this order
// cannot depend on how the caller numbered members: members at the same
// position are interchangeable.
func canonicalPoints(members []int, coords [][2]float64) (sorted []int, x, y []float64) {
	sorted = slices.Clone(members)
	slices.SortStableFunc(sorted, func(a, b int) int {
		if c := cmp.Compare(coords[a][0], coords[b][0]); c != 0 {
			return c
		}
		return cmp.Compare(coords[a][1], coords[b][1])
	})
	x, y = make([]float64, len(sorted)), make([]float64, len(sorted))
	for p, i := range sorted {
		x[p], y[p] = coords[i][0], coords[i][1]
	}
	return sorted, x, y
}
