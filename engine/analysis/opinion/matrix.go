package opinion

import (
	"fmt"
	"math"
)

// Matrix is a sparse member × proposal matrix of agreement in [−1, 1] in
// coordinate form: entry k says member Member[k] rated proposal Proposal[k]
// with Value[k]. A pass (seen, no position) is 0; an unrated cell is simply
// absent. A value > 0 counts as agree and < 0 as disagree in the group
// tallies. Each (member, proposal) pair may occur at most once.
type Matrix struct {
	NMembers, NProposals int
	Member, Proposal     []int32
	Value                []float32
}

// ratings is the matrix in compressed sparse rows (one row per member), built
// once; columns within a row keep input order.
type ratings struct {
	nMembers, nProposals int
	rowPtr               []int
	col                  []int32
	val                  []float32
	// colCount and colMean are per proposal: ratings and mean rating.
	colCount []int32
	colMean  []float64
}

// rowLen is the number of proposals member i rated.
func (r *ratings) rowLen(i int) int { return r.rowPtr[i+1] - r.rowPtr[i] }

// buildRatings validates m and converts it to rows. The error says what is
// wrong with the input, for Result.Reason.
func buildRatings(m Matrix) (*ratings, error) {
	if m.NMembers < 0 || m.NProposals < 0 {
		return nil, fmt.Errorf("negative dimensions %d × %d", m.NMembers, m.NProposals)
	}
	if m.NMembers > math.MaxInt32 || m.NProposals > math.MaxInt32 {
		return nil, fmt.Errorf("dimensions %d × %d exceed int32", m.NMembers, m.NProposals)
	}
	n := len(m.Value)
	if len(m.Member) != n || len(m.Proposal) != n {
		return nil, fmt.Errorf("Member, Proposal and Value have lengths %d, %d, %d", len(m.Member), len(m.Proposal), n)
	}
	r := &ratings{
		nMembers:   m.NMembers,
		nProposals: m.NProposals,
		rowPtr:     make([]int, m.NMembers+1),
		col:        make([]int32, n),
		val:        make([]float32, n),
		colCount:   make([]int32, m.NProposals),
		colMean:    make([]float64, m.NProposals),
	}
	for k := 0; k < n; k++ {
		i, j, v := m.Member[k], m.Proposal[k], m.Value[k]
		if i < 0 || int(i) >= m.NMembers {
			return nil, fmt.Errorf("entry %d: member %d out of range [0, %d)", k, i, m.NMembers)
		}
		if j < 0 || int(j) >= m.NProposals {
			return nil, fmt.Errorf("entry %d: proposal %d out of range [0, %d)", k, j, m.NProposals)
		}
		if !(v >= -1 && v <= 1) { // also rejects NaN
			return nil, fmt.Errorf("entry %d: value %v outside [-1, 1]", k, v)
		}
		r.rowPtr[i+1]++
	}
	for i := 0; i < m.NMembers; i++ {
		r.rowPtr[i+1] += r.rowPtr[i]
	}
	next := make([]int, m.NMembers)
	copy(next, r.rowPtr[:m.NMembers])
	for k := 0; k < n; k++ {
		i := m.Member[k]
		p := next[i]
		next[i]++
		r.col[p] = m.Proposal[k]
		r.val[p] = m.Value[k]
	}
	// Duplicate check and column sums in one O(nnz) pass: mark[j] holds the
	// last member seen on proposal j.
	mark := make([]int32, m.NProposals)
	for j := range mark {
		mark[j] = -1
	}
	sums := r.colMean
	for i := 0; i < m.NMembers; i++ {
		for p := r.rowPtr[i]; p < r.rowPtr[i+1]; p++ {
			j := r.col[p]
			if mark[j] == int32(i) {
				return nil, fmt.Errorf("member %d rated proposal %d more than once", i, j)
			}
			mark[j] = int32(i)
			r.colCount[j]++
			sums[j] += float64(r.val[p])
		}
	}
	for j, c := range r.colCount {
		if c > 0 {
			r.colMean[j] = sums[j] / float64(c)
		}
	}
	return r, nil
}
