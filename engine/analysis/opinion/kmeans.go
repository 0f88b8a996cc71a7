package opinion

import (
	"math"
	"math/rand/v2"
	"slices"
)

// k-means parameters.
const (
	kmeansRestarts = 10
	kmeansMaxIter  = 100
	// kmeansSampleCap is the number of points above which restarts run on a
	// seeded sample and only the best solution is refined on all points.
	kmeansSampleCap = 5000
)

// partition is a k-means solution over points in canonical order.
type partition struct {
	k      int
	labels []int32
	cx, cy []float64
	sizes  []int
	sse    float64
}

// clusterPoints partitions the 2-D points (x[i], y[i]) into k groups by
// k-means++ seeding and Lloyd iterations, keeping the lowest-SSE of several
// seeded restarts (on a sample when there are many points, then refined on
// all). ok is false when there are fewer than k distinct points. Clusters are
// relabelled by size (largest first), then by centre.
func clusterPoints(x, y []float64, k int, seed uint64) (partition, bool) {
	n := len(x)
	if k < 1 || n < k {
		return partition{}, false
	}
	sx, sy := x, y
	if n > kmeansSampleCap {
		idx := samplePositions(n, kmeansSampleCap, rand.New(rand.NewPCG(seed, 0x5a3b1e+uint64(k))))
		sx, sy = make([]float64, len(idx)), make([]float64, len(idx))
		for s, i := range idx {
			sx[s], sy[s] = x[i], y[i]
		}
	}
	var best partition
	found := false
	for restart := 0; restart < kmeansRestarts; restart++ {
		rng := rand.New(rand.NewPCG(seed, uint64(k)<<32|uint64(restart)))
		cx, cy, ok := seedCentres(sx, sy, k, rng)
		if !ok {
			return partition{}, false
		}
		p := lloyd(sx, sy, cx, cy)
		if !found || p.sse < best.sse {
			best, found = p, true
		}
	}
	if n > kmeansSampleCap {
		best = lloyd(x, y, best.cx, best.cy)
	}
	for _, s := range best.sizes {
		if s == 0 {
			return partition{}, false
		}
	}
	relabel(&best)
	return best, true
}

// samplePositions draws m distinct positions out of n (partial Fisher–Yates)
// and returns them ascending.
func samplePositions(n, m int, rng *rand.Rand) []int {
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	for i := 0; i < m; i++ {
		j := i + rng.IntN(n-i)
		perm[i], perm[j] = perm[j], perm[i]
	}
	out := perm[:m]
	slices.Sort(out)
	return out
}

// seedCentres is k-means++ (Arthur & Vassilvitskii 2007): the first centre
// uniformly, each next one with probability ∝ squared distance to the
// nearest chosen centre. ok is false when fewer than k distinct points exist.
func seedCentres(x, y []float64, k int, rng *rand.Rand) (cx, cy []float64, ok bool) {
	n := len(x)
	cx, cy = make([]float64, 0, k), make([]float64, 0, k)
	first := rng.IntN(n)
	cx, cy = append(cx, x[first]), append(cy, y[first])
	d2 := make([]float64, n)
	for i := range d2 {
		d2[i] = sq(x[i]-x[first]) + sq(y[i]-y[first])
	}
	for len(cx) < k {
		var total float64
		for _, d := range d2 {
			total += d
		}
		if !(total > 0) {
			return nil, nil, false
		}
		target := rng.Float64() * total
		pick, acc := -1, 0.0
		for i, d := range d2 {
			if d == 0 {
				continue
			}
			pick = i
			acc += d
			if acc > target {
				break
			}
		}
		cx, cy = append(cx, x[pick]), append(cy, y[pick])
		for i := range d2 {
			if d := sq(x[i]-x[pick]) + sq(y[i]-y[pick]); d < d2[i] {
				d2[i] = d
			}
		}
	}
	return cx, cy, true
}

// lloyd runs Lloyd's algorithm from the given centres until no point changes
// cluster (or kmeansMaxIter). Ties go to the lowest cluster index. A cluster
// left empty takes the point farthest from its centre, so k stays k.
func lloyd(x, y, cx0, cy0 []float64) partition {
	n, k := len(x), len(cx0)
	p := partition{k: k, labels: make([]int32, n), cx: slices.Clone(cx0), cy: slices.Clone(cy0), sizes: make([]int, k)}
	for i := range p.labels {
		p.labels[i] = -1
	}
	sumX, sumY := make([]float64, k), make([]float64, k)
	for iter := 0; iter < kmeansMaxIter; iter++ {
		changed := false
		for i := 0; i < n; i++ {
			best, bestD := int32(0), math.Inf(1)
			for c := 0; c < k; c++ {
				if d := sq(x[i]-p.cx[c]) + sq(y[i]-p.cy[c]); d < bestD {
					best, bestD = int32(c), d
				}
			}
			if p.labels[i] != best {
				p.labels[i] = best
				changed = true
			}
		}
		if !changed {
			break
		}
		p.centres(x, y, sumX, sumY)
		for c := 0; c < k; c++ {
			if p.sizes[c] > 0 {
				continue
			}
			far, farD := -1, -1.0
			for i := 0; i < n; i++ {
				l := p.labels[i]
				if p.sizes[l] < 2 {
					continue
				}
				if d := sq(x[i]-p.cx[l]) + sq(y[i]-p.cy[l]); d > farD {
					far, farD = i, d
				}
			}
			if far < 0 {
				break
			}
			p.labels[far] = int32(c)
			p.centres(x, y, sumX, sumY)
		}
	}
	p.centres(x, y, sumX, sumY)
	p.sse = 0
	for i := 0; i < n; i++ {
		l := p.labels[i]
		p.sse += sq(x[i]-p.cx[l]) + sq(y[i]-p.cy[l])
	}
	return p
}

// centres recomputes sizes and centres from labels; an empty cluster keeps
// its previous centre.
func (p *partition) centres(x, y, sumX, sumY []float64) {
	clear(sumX)
	clear(sumY)
	clear(p.sizes)
	for i, l := range p.labels {
		sumX[l] += x[i]
		sumY[l] += y[i]
		p.sizes[l]++
	}
	for c := range p.sizes {
		if p.sizes[c] > 0 {
			p.cx[c] = sumX[c] / float64(p.sizes[c])
			p.cy[c] = sumY[c] / float64(p.sizes[c])
		}
	}
}

// relabel orders clusters by size (descending), then centre x, then centre y,
// so labels do not depend on which seed found the solution.
func relabel(p *partition) {
	order := make([]int, p.k)
	for c := range order {
		order[c] = c
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case p.sizes[a] != p.sizes[b]:
			return p.sizes[b] - p.sizes[a]
		case p.cx[a] != p.cx[b]:
			if p.cx[a] < p.cx[b] {
				return -1
			}
			return 1
		case p.cy[a] < p.cy[b]:
			return -1
		case p.cy[a] > p.cy[b]:
			return 1
		}
		return 0
	})
	newLabel := make([]int32, p.k)
	cx, cy, sizes := make([]float64, p.k), make([]float64, p.k), make([]int, p.k)
	for to, from := range order {
		newLabel[from] = int32(to)
		cx[to], cy[to], sizes[to] = p.cx[from], p.cy[from], p.sizes[from]
	}
	for i, l := range p.labels {
		p.labels[i] = newLabel[l]
	}
	p.cx, p.cy, p.sizes = cx, cy, sizes
}

func sq(v float64) float64 { return v * v }
