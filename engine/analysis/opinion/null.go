package opinion

import (
	"cmp"
	"math/rand/v2"
	"slices"
)

// Shuffled-ratings reference. k-means on a 2-D projection always finds
// "groups": pure noise scores a mean silhouette of 0.3–0.5, above the 0.25
// rule of thumb, most of all with few members. So the observed silhouette is
// compared with the same pipeline run on the ratings shuffled within each
// proposal, which keeps every proposal's distribution and every member's
// number of ratings but destroys the agreement between proposals. Groups
// are clear only if they beat all nullReplicates shuffles (one-sided
// p < 1/(nullReplicates+1) = 0.05).
const (
	nullReplicates = 19
	// nullMaxMembers bounds the members of each shuffled replicate (a seeded
	// sample beyond it): the silhouette of structureless data hardly depends
	// on n, and it keeps the test cheap at 100,000 members.
	nullMaxMembers = 500
	// nullPCAMaxIter is a fixed, small number of block iterations: a
	// shuffled matrix has nearly equal eigenvalues, so its components would
	// converge slowly, and they need only span a good top plane, not be exact.
	nullPCAMaxIter   = 12
	nullPCATolerance = 0 // fixed iteration count
	nullSeedStream   = 0x6e756c6c
)

// nullSilhouettes runs the whole choice of k (k-means for k = 2..maxK,
// silhouettes, chooseK) on each shuffled replicate and returns the mean
// silhouette of the k chosen there, one value per replicate that has a
// usable partition. Comparing the observed choice with these accounts for
// having picked the best of several k. Members and proposals are put in a
// canonical order (by position and by loading) before anything random
// happens, so the result does not depend on how the caller numbered them.
func nullSilhouettes(r *ratings, coords [][2]float64, pc [2][]float64, minRated, moderatedOut, maxK int, seed uint64) []float64 {
	var rated []int
	for i := 0; i < r.nMembers; i++ {
		if r.rowLen(i) > 0 {
			rated = append(rated, i)
		}
	}
	rated, _, _ = canonicalPoints(rated, coords)
	if len(rated) > nullMaxMembers {
		pos := samplePositions(len(rated), nullMaxMembers, rand.New(rand.NewPCG(seed, nullSeedStream)))
		sub := make([]int, len(pos))
		for s, p := range pos {
			sub[s] = rated[p]
		}
		rated = sub
	}
	order := make([]int, r.nProposals)
	for j := range order {
		order[j] = j
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := cmp.Compare(pc[0][a], pc[0][b]); c != 0 {
			return c
		}
		if c := cmp.Compare(pc[1][a], pc[1][b]); c != 0 {
			return c
		}
		return cmp.Compare(r.colMean[a], r.colMean[b])
	})
	newCol := make([]int32, r.nProposals)
	for to, from := range order {
		newCol[from] = int32(to)
	}

	// The replicates' common structure: rows in canonical member order,
	// columns in canonical proposal order, and per column the positions of
	// its ratings (the values shuffled among them).
	base := &ratings{nMembers: len(rated), nProposals: r.nProposals, rowPtr: make([]int, len(rated)+1),
		colCount: make([]int32, r.nProposals), colMean: make([]float64, r.nProposals)}
	for s, i := range rated {
		base.rowPtr[s+1] = base.rowPtr[s] + r.rowLen(i)
	}
	nnz := base.rowPtr[len(rated)]
	base.col, base.val = make([]int32, nnz), make([]float32, nnz)
	sums := make([]float64, r.nProposals)
	for s, i := range rated {
		p := base.rowPtr[s]
		for q := r.rowPtr[i]; q < r.rowPtr[i+1]; q++ {
			c := newCol[r.col[q]]
			base.col[p], base.val[p] = c, r.val[q]
			base.colCount[c]++
			sums[c] += float64(r.val[q])
			p++
		}
	}
	for c, n := range base.colCount {
		if n > 0 {
			base.colMean[c] = sums[c] / float64(n) // a shuffle keeps it
		}
	}
	colStart := make([]int, r.nProposals+1)
	for c, n := range base.colCount {
		colStart[c+1] = colStart[c] + int(n)
	}
	at := make([]int, nnz)
	fill := slices.Clone(colStart[:r.nProposals])
	for p, c := range base.col {
		at[fill[c]] = p
		fill[c]++
	}

	results := make([]float64, nullReplicates) // −2: no usable partition
	forEachChunk(nullReplicates, func(rep int) {
		results[rep] = -2
		rng := rand.New(rand.NewPCG(seed, nullSeedStream+1+uint64(rep)))
		shuffled := *base
		shuffled.val = slices.Clone(base.val)
		for c := 0; c < r.nProposals; c++ {
			pos := at[colStart[c]:colStart[c+1]]
			for a := len(pos) - 1; a > 0; a-- {
				b := rng.IntN(a + 1)
				shuffled.val[pos[a]], shuffled.val[pos[b]] = shuffled.val[pos[b]], shuffled.val[pos[a]]
			}
		}
		comps, ok := principalComponents(&shuffled, seed+uint64(rep)+1, nullPCAMaxIter, nullPCATolerance)
		if !ok {
			return
		}
		pts := project(&shuffled, comps.pc, moderatedOut)
		var members []int
		for s := 0; s < shuffled.nMembers; s++ {
			if shuffled.rowLen(s) >= minRated {
				members = append(members, s)
			}
		}
		_, x, y := canonicalPoints(members, pts)
		nm := len(x)
		minSize := minGroupSize(nm)
		scores := scoreKs(x, y, min(maxK, nm/minSize, nm-1), minSize, seed+uint64(rep)+1, nullRestarts)
		if at, ok := chooseK(scores); ok {
			results[rep] = scores.sil[at]
		}
	})
	var null []float64
	for _, s := range results {
		if s > -2 {
			null = append(null, s)
		}
	}
	return null
}
