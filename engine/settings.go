package engine

import (
	"errors"
	"slices"
	"strings"

	"github.com/allvoice/allvoice/engine/analysis"
)

// ScaleValues returns the values a member may give on a scale kind:
// agree = +1 and disagree = −1 for agree/disagree (the Polis export
// convention), 1..k for a k-point Likert scale. Pass is never a value.
func ScaleValues(kind string) []int {
	switch kind {
	case ScaleAgreeDisagree:
		return []int{-1, 1}
	case ScaleLikert5:
		return []int{1, 2, 3, 4, 5}
	case ScaleLikert7:
		return []int{1, 2, 3, 4, 5, 6, 7}
	case ScaleLikert9:
		return []int{1, 2, 3, 4, 5, 6, 7, 8, 9}
	}
	return nil
}

// defaultZones are the agree and disagree zones of ANALYSIS.md.
func defaultZones(kind string) (agree, disagree Zone) {
	switch kind {
	case ScaleAgreeDisagree:
		return Zone{1, 1}, Zone{-1, -1}
	case ScaleLikert5:
		return Zone{4, 5}, Zone{1, 2}
	case ScaleLikert7:
		return Zone{5, 7}, Zone{1, 3}
	default:
		return Zone{7, 9}, Zone{1, 3}
	}
}

// AnalysisScale returns the scale in the form the analysis works on.
func (s GroupSettings) AnalysisScale() analysis.Scale {
	agree, disagree := defaultZones(s.Scale)
	if s.AgreeZone != nil {
		agree = *s.AgreeZone
	}
	if s.DisagreeZone != nil {
		disagree = *s.DisagreeZone
	}
	return analysis.Scale{Values: ScaleValues(s.Scale), AgreeMin: agree.Min, AgreeMax: agree.Max,
		DisagreeMin: disagree.Min, DisagreeMax: disagree.Max}
}

// normalise fills defaults into settings and validates them. Every failure
// names its field under prefix (e.g. "settings.scale").
func (s *GroupSettings) normalise(prefix string, v *validator) {
	if s.Scale == "" {
		s.Scale = ScaleLikert5
	}
	v.oneOf(prefix+"scale", s.Scale, ScaleAgreeDisagree, ScaleLikert5, ScaleLikert7, ScaleLikert9)
	if s.RevealPolicy == "" {
		s.RevealPolicy = RevealAfterOwnRating
	}
	v.oneOf(prefix+"reveal_policy", s.RevealPolicy, RevealNever, RevealAfterOwnRating, RevealAfterClose)
	if s.MinCellSize == 0 {
		s.MinCellSize = 5
	}
	v.intRange(prefix+"min_cell_size", s.MinCellSize, 1, 1000)
	if s.QuantileType == 0 {
		s.QuantileType = 7
	}
	if s.QuantileType != 6 && s.QuantileType != 7 {
		v.fail(prefix+"quantile_type", "must be 6 or 7")
	}
	v.text(prefix+"ground_rules", &s.GroundRules, false, MaxLongTextLen)
	v.intRange(prefix+"polis_rejected_comments", s.PolisRejectedComments, 0, 1_000_000)
	if len(s.Perspectives) > MaxPerspectives {
		v.fail(prefix+"perspectives", "must list at most %d perspectives", MaxPerspectives)
	}
	seen := map[string]bool{}
	for i := range s.Perspectives {
		v.text(prefix+"perspectives", &s.Perspectives[i], true, MaxNameLen)
		if seen[s.Perspectives[i]] {
			v.fail(prefix+"perspectives", "must not repeat %q", s.Perspectives[i])
		}
		seen[s.Perspectives[i]] = true
	}
	values := ScaleValues(s.Scale)
	if values == nil {
		return // the scale is already reported; zones and rule cannot be checked
	}
	for _, z := range []struct {
		name string
		zone *Zone
	}{{"agree_zone", s.AgreeZone}, {"disagree_zone", s.DisagreeZone}} {
		if z.zone == nil {
			continue
		}
		if !slices.Contains(values, z.zone.Min) || !slices.Contains(values, z.zone.Max) || z.zone.Min > z.zone.Max {
			v.fail(prefix+z.name, "must be a range of values on the %s scale with min ≤ max", s.Scale)
		}
	}
	if s.AgreeZone != nil && s.DisagreeZone != nil && s.AgreeZone.Min <= s.DisagreeZone.Max && s.DisagreeZone.Min <= s.AgreeZone.Max {
		v.fail(prefix+"agree_zone", "must not overlap the disagree zone")
	}
	scale := s.AnalysisScale()
	if s.ConsensusRule.IsZero() {
		s.ConsensusRule = analysis.DefaultConsensusRule(scale)
	}
	// The engine numbers rule versions itself (CreateGroup, UpdateGroup);
	// a caller's version is never a reason to refuse a rule.
	s.ConsensusRule.Version = max(s.ConsensusRule.Version, 1)
	if err := s.ConsensusRule.Validate(scale); err != nil {
		var fe *analysis.FieldError
		if errors.As(err, &fe) {
			v.fail(prefix+"consensus_rule."+fe.Field, "%s", fe.Rule)
		} else {
			v.fail(prefix+"consensus_rule", "%s", err.Error())
		}
	}
}

// checkPerspective fails unless p is empty or one of the group's
// perspectives.
func (s GroupSettings) checkPerspective(field, p string) error {
	if p != "" && !slices.Contains(s.Perspectives, p) {
		return invalid(field, "must be one of the group's perspectives: %s", strings.Join(s.Perspectives, ", "))
	}
	return nil
}
