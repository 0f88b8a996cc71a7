package analysis

// JRAudit is the justified-representation audit of an adopted set.
type JRAudit struct {
	Voters  int `json:"voters"`
	Adopted int `json:"adopted"`
	// Threshold is N/k: a group of unrepresented voters at least this large
	// that agrees on one proposal is owed a seat.
	Threshold float64 `json:"threshold"`
	// Unrepresented counts voters none of whose approved proposals is
	// adopted.
	Unrepresented int  `json:"unrepresented"`
	Satisfied     bool `json:"satisfied"`
	// Witness is a proposal approved by at least Threshold unrepresented
	// voters (the one with most such support, lowest index on ties), −1
	// when JR holds; WitnessSupport is that support.
	Witness        int `json:"-"`
	WitnessSupport int `json:"witness_support,omitempty"`
}

// JustifiedRepresentation audits the adopted set against approval ballots
// (Aziz, Brill, Conitzer, Elkind, Freeman & Walsh 2017, Social Choice and
// Welfare 48(2):461–485): approvals[i] lists the proposals (0..candidates−1)
// voter i approves (for Allvoice, rated in the agree zone) and adopted the
// adopted set W with k = |W|. JR is violated iff some proposal is approved
// by at least N/k of the voters whose ballots share nothing with W. It runs
// in O(Σ|A_i| + candidates).
//
// It returns an Undefined error when nothing is adopted or there are no
// voters.
func JustifiedRepresentation(approvals [][]int, adopted []int, candidates int) (JRAudit, error) {
	if len(approvals) == 0 {
		return JRAudit{Witness: -1}, Undefined("no member rated this round")
	}
	inW := make([]bool, candidates)
	k := 0
	for _, w := range adopted {
		if w >= 0 && w < candidates && !inW[w] {
			inW[w] = true
			k++
		}
	}
	if k == 0 {
		return JRAudit{Witness: -1}, Undefined("nothing adopted yet")
	}
	a := JRAudit{Voters: len(approvals), Adopted: k, Witness: -1}
	a.Threshold = float64(len(approvals)) / float64(k)
	support := make([]int, candidates)
	for _, ballot := range approvals {
		represented := false
		for _, c := range ballot {
			if c >= 0 && c < candidates && inW[c] {
				represented = true
				break
			}
		}
		if represented {
			continue
		}
		a.Unrepresented++
		for _, c := range ballot {
			if c >= 0 && c < candidates {
				support[c]++
			}
		}
	}
	for c, s := range support {
		if float64(s) >= a.Threshold && s > a.WitnessSupport {
			a.Witness, a.WitnessSupport = c, s
		}
	}
	a.Satisfied = a.Witness < 0
	return a, nil
}
