package analysis

import "math"

// ConsensusRule is a group's declared consensus rule (agreement-statistics
// §3.5, shared/ANALYSIS.md §1). It is stored as JSON in group settings and
// versioned: every result states the Version it was judged by, so the JSON
// shape is kept stable and new criteria are only ever added as new optional
// fields.
//
// Every criterion that is set must hold ("all of"):
//
//   - MinPercentAgree: at least T % of ratings in the agree zone
//     (percent agreement ≥ T; Delphi median threshold 75 %, Diamond 2014);
//   - MaxPercentOpposite: strictly less than X % in the opposite zone
//     (COMET/GRADE "70/15" is MinPercentAgree 70 with MaxPercentOpposite 15);
//   - MaxIQR: interquartile range ≤ x (Delphi convention 1 on 5-point and
//     2 on 9-point scales), with the group's quantile type;
//   - MinAgreementA: van der Eijk's agreement A ≥ a.
//
// Consensus for additionally requires the median in the agree zone, which
// any percent criterion above 50 % already implies; it gives a rule of only
// MaxIQR a direction, so agreement on the midpoint is not called consensus.
// Consensus against is the mirrored rule on the disagree zone (percent in
// the disagree zone ≥ T, percent in the agree zone < X, median in the
// disagree zone). Fewer than MinRaters ratings (passes excluded) gives
// too_few. With WithinEveryPerspective, consensus also has to hold within
// every perspective that has at least the group's minimum cell size of
// raters; smaller perspectives cannot be judged without identifying people.
//
// Percentages are on 0..100 as people declare them; results carry
// proportions on 0..1.
type ConsensusRule struct {
	Version                int      `json:"version"`
	MinPercentAgree        *float64 `json:"min_percent_agree,omitempty"`
	MaxPercentOpposite     *float64 `json:"max_percent_opposite,omitempty"`
	MaxIQR                 *float64 `json:"max_iqr,omitempty"`
	MinAgreementA          *float64 `json:"min_agreement_a,omitempty"`
	MinRaters              int      `json:"min_raters"`
	WithinEveryPerspective bool     `json:"within_every_perspective"`
}

// DefaultMinRaters is the minimum number of ratings DefaultConsensusRule
// requires before judging a proposal.
const DefaultMinRaters = 5

func ptr(v float64) *float64 { return &v }

// DefaultConsensusRule returns version 1 of the default rule for the scale:
// COMET/GRADE 70/15 on the 1..9 scale, percent agreement ≥ 75 % otherwise,
// with at least DefaultMinRaters ratings.
func DefaultConsensusRule(s Scale) ConsensusRule {
	if s.IsNinePoint() {
		return Comet7015Rule()
	}
	return PercentAgreementRule(75)
}

// PercentAgreementRule returns version 1 of "at least t % in the agree zone".
func PercentAgreementRule(t float64) ConsensusRule {
	return ConsensusRule{Version: 1, MinPercentAgree: ptr(t), MinRaters: DefaultMinRaters}
}

// Comet7015Rule returns version 1 of the COMET/GRADE rule: at least 70 %
// rate 7–9 and fewer than 15 % rate 1–3 (Williamson et al. 2017).
func Comet7015Rule() ConsensusRule {
	return ConsensusRule{Version: 1, MinPercentAgree: ptr(70), MaxPercentOpposite: ptr(15), MinRaters: DefaultMinRaters}
}

// IsZero reports whether r is the zero value (no rule declared yet).
func (r ConsensusRule) IsZero() bool {
	return r.Version == 0 && r.MinPercentAgree == nil && r.MaxPercentOpposite == nil &&
		r.MaxIQR == nil && r.MinAgreementA == nil && r.MinRaters == 0 && !r.WithinEveryPerspective
}

// Validate checks the rule against the scale it will judge. The error is a
// *FieldError naming the JSON field and the rule it breaks.
func (r ConsensusRule) Validate(s Scale) error {
	if err := s.Validate(); err != nil {
		return prefixErr("scale.", err)
	}
	if r.Version < 1 {
		return fieldErr("version", "must be 1 or more")
	}
	if r.MinPercentAgree == nil && r.MaxPercentOpposite == nil && r.MaxIQR == nil && r.MinAgreementA == nil {
		return fieldErr("min_percent_agree", "a rule needs at least one criterion: min_percent_agree, max_percent_opposite, max_iqr or min_agreement_a")
	}
	finite := func(p *float64) bool { return !math.IsNaN(*p) && !math.IsInf(*p, 0) }
	if p := r.MinPercentAgree; p != nil && (!finite(p) || *p <= 50 || *p > 100) {
		return fieldErr("min_percent_agree", "must be more than 50 and at most 100 (percent)")
	}
	if p := r.MaxPercentOpposite; p != nil && (!finite(p) || *p <= 0 || *p > 100) {
		return fieldErr("max_percent_opposite", "must be more than 0 and at most 100 (percent; the test is strictly below it)")
	}
	if p := r.MaxIQR; p != nil && (!finite(p) || *p < 0 || *p > float64(s.Max()-s.Min())) {
		return fieldErr("max_iqr", "must be between 0 and the width of the scale")
	}
	if p := r.MinAgreementA; p != nil {
		if s.K() < 3 {
			return fieldErr("min_agreement_a", "van der Eijk's A needs a scale with at least three points")
		}
		if !finite(p) || *p < -1 || *p > 1 {
			return fieldErr("min_agreement_a", "must be between -1 and 1")
		}
	}
	if r.MinRaters < 1 {
		return fieldErr("min_raters", "must be 1 or more")
	}
	return nil
}
