package opinion

import (
	"math/rand/v2"
	"slices"
)

// k-means parameters.
const (
	kmeansRestarts = 10
	// nullRestarts is the restarts used on shuffled replicates, where only
	// the silhouette level matters, not which of near-equal optima is found.
	nullRestarts  = 5
	kmeansMaxIter = 100
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
// k-means++ seeding and Lloyd iterations, keeping the lowest-SSE of
// restarts seeded runs (on a sample when there are many points, then refined on
// all). ok is false when there are fewer than k distinct points. Clusters are
// relabelled by size (largest first), then by centre.
func clusterPoints(x, y []float64, k int, seed uint64, restarts int) (partition, bool) {
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
	w := newKmeansWork(len(sx), k)
	best, cur := newPartition(len(sx), k), newPartition(len(sx), k)
	for restart := 0; restart < restarts; restart++ {
		rng := rand.New(rand.NewPCG(seed, uint64(k)<<32|uint64(restart)))
		if !seedCentres(sx, sy, cur, rng, w.d2) {
			return partition{}, false
		}
		lloyd(sx, sy, cur, w)
		if restart == 0 || cur.sse < best.sse {
			best, cur = cur, best
		}
	}
	if n > kmeansSampleCap {
		full := newPartition(n, k)
		copy(full.cx, best.cx)
		copy(full.cy, best.cy)
		lloyd(x, y, full, newKmeansWork(n, k))
		best = full
	}
	for _, s := range best.sizes {
		if s == 0 {
			return partition{}, false
		}
	}
	relabel(best)
	return *best, true
}

func newPartition(n, k int) *partition {
	return &partition{k: k, labels: make([]int32, n), cx: make([]float64, k), cy: make([]float64, k), sizes: make([]int, k)}
}

// kmeansWork is scratch space reused across restarts.
type kmeansWork struct {
	d2         []float64
	sumX, sumY []float64
}

func newKmeansWork(n, k int) *kmeansWork {
	return &kmeansWork{d2: make([]float64, n), sumX: make([]float64, k), sumY: make([]float64, k)}
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
// nearest chosen centre. It sets p's centres and returns false when fewer
// than k distinct points exist.
func seedCentres(x, y []float64, p *partition, rng *rand.Rand, d2 []float64) bool {
	k := p.k
	first := rng.IntN(len(x))
	p.cx[0], p.cy[0] = x[first], y[first]
	for i := range d2 {
		d2[i] = sq(x[i]-x[first]) + sq(y[i]-y[first])
	}
	for c := 1; c < k; c++ {
		var total float64
		for _, d := range d2 {
			total += d
		}
		if !(total > 0) {
			return false
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
		p.cx[c], p.cy[c] = x[pick], y[pick]
		for i := range d2 {
			if d := sq(x[i]-x[pick]) + sq(y[i]-y[pick]); d < d2[i] {
				d2[i] = d
			}
		}
	}
	return true
}

// lloyd runs Lloyd's algorithm from p's centres until no point changes
// cluster (or kmeansMaxIter), and sets p's labels, sizes, centres and SSE.
// Ties go to the lowest cluster index. A cluster left empty takes the point
// farthest from its centre, so k stays k.
func lloyd(x, y []float64, p *partition, w *kmeansWork) {
	n, k := len(x), p.k
	for i := range p.labels {
		p.labels[i] = -1
	}
	for iter := 0; iter < kmeansMaxIter; iter++ {
		changed := false
		for i := 0; i < n; i++ {
			xi, yi := x[i], y[i]
			best, bestD := int32(0), sq(xi-p.cx[0])+sq(yi-p.cy[0])
			for c := 1; c < k; c++ {
				if d := sq(xi-p.cx[c]) + sq(yi-p.cy[c]); d < bestD {
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
		p.centres(x, y, w.sumX, w.sumY)
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
			p.centres(x, y, w.sumX, w.sumY)
		}
	}
	p.centres(x, y, w.sumX, w.sumY)
	p.sse = 0
	for i := 0; i < n; i++ {
		l := p.labels[i]
		p.sse += sq(x[i]-p.cx[l]) + sq(y[i]-p.cy[l])
	}
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
