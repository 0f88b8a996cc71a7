package opinion

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
)

// PCA parameters. The block of 4 vectors makes the second component converge
// at rate λ5/λ2 instead of λ3/λ2, which matters when the second axis is weak.
const (
	pcaBlock     = 4
	pcaMaxIter   = 300
	pcaTolerance = 1e-8 // relative residual ‖A v − θ v‖ / θ1 of both components
	// pcaMinTrace is the total sum of squares below which the ratings have no
	// variation to analyse (rating steps are ≥ 1/8, so real variation is far
	// above it).
	pcaMinTrace = 1e-9
	// pcaSeedStream separates the PCA's random stream from k-means's.
	pcaSeedStream = 0x9e3779b97f4a7c15
)

// components are the top two principal components of the centred ratings.
type components struct {
	pc         [2][]float64
	eigen      [2]float64 // eigenvalues of XᵀX (sums of squares along each component)
	trace      float64    // Σ of all squared centred ratings
	iterations int
	converged  bool
}

// sparsePass holds what one multiplication W = XᵀX·Q needs: the row chunks
// and one accumulator per chunk.
type sparsePass struct {
	r      *ratings
	bounds []int
	acc    [][]float64
}

func newSparsePass(r *ratings, b int) *sparsePass {
	nnz := len(r.col)
	bounds := chunkBounds(r.nMembers, nnz, r.rowLen)
	acc := make([][]float64, len(bounds)-1)
	for c := range acc {
		acc[c] = make([]float64, r.nProposals*b)
	}
	return &sparsePass{r: r, bounds: bounds, acc: acc}
}

// mul sets w = XᵀX·q for the centred ratings X, where q and w are
// nProposals × b, row-major. Each member row is read once: s = x_i·q, then
// w += x_iᵀ s. Centring is applied on the fly (x_ij − μ_j), so unrated cells
// are zero and cost nothing.
func (s *sparsePass) mul(q, w []float64, b int) {
	r := s.r
	forEachChunk(len(s.acc), func(c int) {
		acc := s.acc[c]
		clear(acc)
		var dot [pcaBlock]float64
		for i := s.bounds[c]; i < s.bounds[c+1]; i++ {
			lo, hi := r.rowPtr[i], r.rowPtr[i+1]
			if lo == hi {
				continue
			}
			cols, vals := r.col[lo:hi], r.val[lo:hi]
			if b == pcaBlock {
				var d0, d1, d2, d3 float64
				for p, j := range cols {
					x := float64(vals[p]) - r.colMean[j]
					qj := q[int(j)*pcaBlock : int(j)*pcaBlock+pcaBlock : int(j)*pcaBlock+pcaBlock]
					d0 += x * qj[0]
					d1 += x * qj[1]
					d2 += x * qj[2]
					d3 += x * qj[3]
				}
				for p, j := range cols {
					x := float64(vals[p]) - r.colMean[j]
					aj := acc[int(j)*pcaBlock : int(j)*pcaBlock+pcaBlock : int(j)*pcaBlock+pcaBlock]
					aj[0] += x * d0
					aj[1] += x * d1
					aj[2] += x * d2
					aj[3] += x * d3
				}
				continue
			}
			for t := 0; t < b; t++ {
				dot[t] = 0
			}
			for p, j := range cols {
				x := float64(vals[p]) - r.colMean[j]
				for t := 0; t < b; t++ {
					dot[t] += x * q[int(j)*b+t]
				}
			}
			for p, j := range cols {
				x := float64(vals[p]) - r.colMean[j]
				for t := 0; t < b; t++ {
					acc[int(j)*b+t] += x * dot[t]
				}
			}
		}
	})
	copy(w, s.acc[0])
	for _, acc := range s.acc[1:] {
		floats.Add(w, acc)
	}
}

// principalComponents returns the top two principal components of the
// column-centred ratings by subspace iteration with Rayleigh–Ritz, and ok =
// false when the ratings have no variation (every proposal rated alike by
// everyone who rated it, or no ratings).
//
// Each component is a unit vector with its largest-|loading| entry positive
// (ties: the lowest proposal index). When there are fewer than two proposals
// the missing component is all zeros.
//
// The iteration stops when both components' relative residuals are below
// tol, or after maxIter sparse passes; tol = 0 runs exactly maxIter passes
// and forms the Ritz vectors only after the last.
func principalComponents(r *ratings, seed uint64, maxIter int, tol float64) (components, bool) {
	var out components
	for i := 0; i < r.nMembers; i++ {
		for p := r.rowPtr[i]; p < r.rowPtr[i+1]; p++ {
			x := float64(r.val[p]) - r.colMean[r.col[p]]
			out.trace += x * x
		}
	}
	if !(out.trace > pcaMinTrace) {
		return out, false
	}
	nP := r.nProposals
	b := min(pcaBlock, nP)
	rng := rand.New(rand.NewPCG(seed, pcaSeedStream))
	q := make([]float64, nP*b)
	for k := range q {
		q[k] = 2*rng.Float64() - 1
	}
	scratch := make([]float64, nP)
	orthonormalise(q, nP, b, rng, scratch)

	pass := newSparsePass(r, b)
	w := make([]float64, nP*b)
	ritz := make([]float64, nP*b)
	wu := make([]float64, nP*b)
	h := make([]float64, b*b)
	u := make([]float64, b*b)
	theta := make([]float64, b)
	for it := 1; it <= maxIter; it++ {
		out.iterations = it
		pass.mul(q, w, b)
		if tol == 0 && it < maxIter {
			// Fixed iteration count: plain subspace iteration, Ritz
			// vectors only at the end.
			copy(q, w)
			orthonormalise(q, nP, b, rng, scratch)
			continue
		}
		// Rayleigh–Ritz: H = QᵀW is XᵀX restricted to span(Q).
		for s := 0; s < b; s++ {
			for t := s; t < b; t++ {
				var sum float64
				for j := 0; j < nP; j++ {
					sum += q[j*b+s]*w[j*b+t] + q[j*b+t]*w[j*b+s]
				}
				h[s*b+t], h[t*b+s] = sum/2, sum/2
			}
		}
		symEigen(h, b, theta, u)
		// Ritz vectors V = Q·U and A·V = W·U, columns in descending θ.
		for j := 0; j < nP; j++ {
			for t := 0; t < b; t++ {
				var sv, sw float64
				for s := 0; s < b; s++ {
					us := u[s*b+t]
					sv += q[j*b+s] * us
					sw += w[j*b+s] * us
				}
				ritz[j*b+t] = sv
				wu[j*b+t] = sw
			}
		}
		// Converged when A v ≈ θ v for the components we report.
		worst := 0.0
		for t := 0; t < min(2, b); t++ {
			var res float64
			for j := 0; j < nP; j++ {
				d := wu[j*b+t] - theta[t]*ritz[j*b+t]
				res += d * d
			}
			worst = math.Max(worst, math.Sqrt(res))
		}
		if tol > 0 && worst <= tol*theta[0] {
			out.converged = true
			break
		}
		copy(q, wu)
		orthonormalise(q, nP, b, rng, scratch)
	}
	for t := 0; t < 2; t++ {
		v := make([]float64, nP)
		if t < b {
			for j := 0; j < nP; j++ {
				v[j] = ritz[j*b+t]
			}
			floats.Scale(1/floats.Norm(v, 2), v)
			fixSign(v)
			out.eigen[t] = math.Max(theta[t], 0)
		}
		out.pc[t] = v
	}
	return out, true
}

// fixSign flips v so that its largest-|entry| (first on ties) is positive.
func fixSign(v []float64) {
	best, at := -1.0, -1
	for j, x := range v {
		if a := math.Abs(x); a > best {
			best, at = a, j
		}
	}
	if at >= 0 && v[at] < 0 {
		floats.Scale(-1, v)
	}
}

// orthonormalise makes the b columns of the n × b row-major block q
// orthonormal by modified Gram–Schmidt, applied twice for accuracy. A column
// that collapses (the ratings have rank < b) is replaced by a fresh random
// direction, so nothing is ever divided by zero.
// col is scratch space of length n.
func orthonormalise(q []float64, n, b int, rng *rand.Rand, col []float64) {
	for t := 0; t < b; t++ {
		for attempt := 0; ; attempt++ {
			for j := 0; j < n; j++ {
				col[j] = q[j*b+t]
			}
			before := norm2(col)
			for pass := 0; pass < 2; pass++ {
				for s := 0; s < t; s++ {
					var d float64
					for j := 0; j < n; j++ {
						d += q[j*b+s] * col[j]
					}
					for j := 0; j < n; j++ {
						col[j] -= d * q[j*b+s]
					}
				}
			}
			after := norm2(col)
			if after > 1e-10*before && after > 1e-300 {
				for j := 0; j < n; j++ {
					q[j*b+t] = col[j] / after
				}
				break
			}
			if attempt > 8 {
				// Unreachable for t < n: a random vector is almost surely
				// independent of t < n others. Keep the column finite anyway.
				for j := 0; j < n; j++ {
					q[j*b+t] = 0
				}
				break
			}
			for j := 0; j < n; j++ {
				q[j*b+t] = 2*rng.Float64() - 1
			}
		}
	}
}

// project returns each member's coordinates on the two components with
// Polis's sparsity-aware scaling: √(C / max(n_i, 1)) · Σ_j (x_ij − μ_j)·pc_j,
// where C is the number of proposals that have at least one rating and n_i
// the number member i rated, both increased by moderatedOut (see
// Options.ModeratedOut). Members with no ratings sit at the origin.
func project(r *ratings, pc [2][]float64, moderatedOut int) [][2]float64 {
	rated := 0
	for _, c := range r.colCount {
		if c > 0 {
			rated++
		}
	}
	out := make([][2]float64, r.nMembers)
	for i := 0; i < r.nMembers; i++ {
		lo, hi := r.rowPtr[i], r.rowPtr[i+1]
		if lo == hi {
			continue
		}
		var a, b float64
		for p := lo; p < hi; p++ {
			j := r.col[p]
			x := float64(r.val[p]) - r.colMean[j]
			a += x * pc[0][j]
			b += x * pc[1][j]
		}
		scale := math.Sqrt(float64(rated+moderatedOut) / float64(hi-lo+moderatedOut))
		out[i] = [2]float64{a * scale, b * scale}
	}
	return out
}

// symEigen diagonalises the symmetric b × b matrix a (row-major, destroyed)
// by cyclic Jacobi rotations, which for b ≤ 4 is exact to rounding and
// allocation-free. It writes the eigenvalues in descending order to vals and
// the matching unit eigenvectors as the columns of vecs (row-major).
func symEigen(a []float64, b int, vals, vecs []float64) {
	for i := range vecs[:b*b] {
		vecs[i] = 0
	}
	for i := 0; i < b; i++ {
		vecs[i*b+i] = 1
	}
	for sweep := 0; sweep < 64; sweep++ {
		var off, norm float64
		for i := 0; i < b; i++ {
			for j := 0; j < b; j++ {
				if i != j {
					off += a[i*b+j] * a[i*b+j]
				}
				norm += a[i*b+j] * a[i*b+j]
			}
		}
		if off <= 1e-30*norm || off == 0 {
			break
		}
		for p := 0; p < b-1; p++ {
			for q := p + 1; q < b; q++ {
				apq := a[p*b+q]
				if apq == 0 {
					continue
				}
				// Rotation angle that zeroes a[p][q] (Golub & Van Loan §8.5).
				tau := (a[q*b+q] - a[p*b+p]) / (2 * apq)
				t := 1 / (math.Abs(tau) + math.Sqrt(1+tau*tau))
				if tau < 0 {
					t = -t
				}
				c := 1 / math.Sqrt(1+t*t)
				s := t * c
				for k := 0; k < b; k++ {
					akp, akq := a[k*b+p], a[k*b+q]
					a[k*b+p], a[k*b+q] = c*akp-s*akq, s*akp+c*akq
				}
				for k := 0; k < b; k++ {
					apk, aqk := a[p*b+k], a[q*b+k]
					a[p*b+k], a[q*b+k] = c*apk-s*aqk, s*apk+c*aqk
				}
				for k := 0; k < b; k++ {
					vkp, vkq := vecs[k*b+p], vecs[k*b+q]
					vecs[k*b+p], vecs[k*b+q] = c*vkp-s*vkq, s*vkp+c*vkq
				}
			}
		}
	}
	// Selection sort of the (at most 4) eigenpairs, descending.
	for i := 0; i < b; i++ {
		vals[i] = a[i*b+i]
	}
	for i := 0; i < b; i++ {
		best := i
		for j := i + 1; j < b; j++ {
			if vals[j] > vals[best] {
				best = j
			}
		}
		if best != i {
			vals[i], vals[best] = vals[best], vals[i]
			for k := 0; k < b; k++ {
				vecs[k*b+i], vecs[k*b+best] = vecs[k*b+best], vecs[k*b+i]
			}
		}
	}
}

// norm2 is the Euclidean norm without gonum's overflow-safe scaling, which
// the bounded values here do not need and which costs more than the rest of
// an iteration on small matrices.
func norm2(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}
