package analysis

import (
	"math"
	"slices"
)

// Inequality describes how unequally contributions are spread over members
// (M1 of shared/ANALYSIS.md §5).
type Inequality struct {
	Members int     `json:"members"`
	Total   float64 `json:"total"`
	// Gini = Σ_i Σ_j |c_i − c_j| / (2N² c̄); GiniNormalised = Gini·N/(N−1)
	// reaches 1 when one member makes every contribution.
	Gini           float64 `json:"gini"`
	GiniNormalised float64 `json:"gini_normalised"`
	// TopShare is the largest member's share of all contributions.
	TopShare float64 `json:"top_share"`
	// Entropy is the normalised entropy −Σ s_i ln s_i / ln N (1 = equal).
	Entropy float64 `json:"entropy"`
}

// ContributionInequality returns the Gini coefficient and companions of
// contributions c (Showers, Tindall & Davies 2015 use the Gini index for
// equality of participation). The Gini is computed in O(N log N) from the
// sorted values, G = 2 Σ_i i·c_(i) / (N Σc) − (N + 1)/N. It returns an
// Undefined error for fewer than two members, a negative contribution, or
// no contributions at all.
func ContributionInequality(c []float64) (Inequality, error) {
	n := len(c)
	if n < 2 {
		return Inequality{}, Undefined("fewer than two members")
	}
	s := slices.Clone(c)
	slices.Sort(s)
	if s[0] < 0 {
		return Inequality{}, Undefined("negative contribution count")
	}
	total, weighted := 0.0, 0.0
	for i, v := range s {
		total += v
		weighted += float64(i+1) * v
	}
	if total == 0 {
		return Inequality{}, Undefined("no contributions yet")
	}
	nf := float64(n)
	r := Inequality{Members: n, Total: total}
	r.Gini = 2*weighted/(nf*total) - (nf+1)/nf
	if r.Gini < 0 {
		r.Gini = 0 // rounding on equal contributions
	}
	r.GiniNormalised = r.Gini * nf / (nf - 1)
	r.TopShare = s[n-1] / total
	h := 0.0
	for _, v := range s {
		if v > 0 {
			p := v / total
			h -= p * math.Log(p)
		}
	}
	r.Entropy = h / math.Log(nf)
	return r, nil
}
