package analysis

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestScales(t *testing.T) {
	for _, tc := range []struct {
		k                      int
		amin, amax, dmin, dmax int
	}{
		{5, 4, 5, 1, 2}, {7, 5, 7, 1, 3}, {9, 7, 9, 1, 3}, {3, 3, 3, 1, 1}, {4, 3, 4, 1, 2}, {6, 4, 6, 1, 3}, {11, 7, 11, 1, 5},
	} {
		s, err := LikertScale(tc.k)
		if err != nil {
			t.Fatal(err)
		}
		if s.AgreeMin != tc.amin || s.AgreeMax != tc.amax || s.DisagreeMin != tc.dmin || s.DisagreeMax != tc.dmax || s.K() != tc.k {
			t.Errorf("LikertScale(%d) = %+v", tc.k, s)
		}
		if err := s.Validate(); err != nil {
			t.Errorf("LikertScale(%d) invalid: %v", tc.k, err)
		}
		near(t, "code(min)", s.Code(1), -1, 0)
		near(t, "code(max)", s.Code(tc.k), 1, 0)
	}
	if _, err := LikertScale(2); err == nil {
		t.Error("LikertScale(2) should fail")
	}
	ad := AgreeDisagreeScale()
	if err := ad.Validate(); err != nil || ad.Code(1) != 1 || ad.Code(-1) != -1 || ad.Midpoint() != 0 || ad.HalfRange() != 1 {
		t.Errorf("agree/disagree scale: %+v %v", ad, err)
	}
	s5 := likert5()
	near(t, "midpoint", s5.Midpoint(), 3, 0)
	near(t, "half range", s5.HalfRange(), 2, 0)
	near(t, "code(4)", s5.Code(4), 0.5, 0)

	for _, tc := range []struct {
		s     Scale
		field string
	}{
		{Scale{Values: []int{1}}, "values"},
		{Scale{Values: []int{1, 1, 2}, AgreeMin: 2, AgreeMax: 2, DisagreeMin: 1, DisagreeMax: 1}, "values[1]"},
		{Scale{Values: []int{1, 2, 300}}, "values[2]"},
		{Scale{Values: []int{1, 2, 3}, AgreeMin: 4, AgreeMax: 3, DisagreeMin: 1, DisagreeMax: 1}, "agree_min"},
		{Scale{Values: []int{1, 2, 3}, AgreeMin: 3, AgreeMax: 2, DisagreeMin: 1, DisagreeMax: 1}, "agree_min"},
		{Scale{Values: []int{1, 2, 3}, AgreeMin: 2, AgreeMax: 3, DisagreeMin: 1, DisagreeMax: 2}, "disagree_max"},
		{Scale{Values: []int{1, 2, 3}, AgreeMin: 3, AgreeMax: 3, DisagreeMin: 2, DisagreeMax: 1}, "disagree_min"},
	} {
		var fe *FieldError
		if err := tc.s.Validate(); !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("Validate(%+v) = %v, want field %s", tc.s, err, tc.field)
		}
	}
}

func TestConsensusRuleValidate(t *testing.T) {
	s5 := likert5()
	ad := AgreeDisagreeScale()
	ok := PercentAgreementRule(75)
	if err := ok.Validate(s5); err != nil {
		t.Fatal(err)
	}
	mod := func(f func(r *ConsensusRule)) ConsensusRule {
		r := PercentAgreementRule(75)
		f(&r)
		return r
	}
	for _, tc := range []struct {
		name  string
		r     ConsensusRule
		scale Scale
		field string
	}{
		{"version", mod(func(r *ConsensusRule) { r.Version = 0 }), s5, "version"},
		{"no criterion", mod(func(r *ConsensusRule) { r.MinPercentAgree = nil }), s5, "min_percent_agree"},
		{"percent 50", mod(func(r *ConsensusRule) { r.MinPercentAgree = ptr(50) }), s5, "min_percent_agree"},
		{"percent 101", mod(func(r *ConsensusRule) { r.MinPercentAgree = ptr(101) }), s5, "min_percent_agree"},
		{"opposite 0", mod(func(r *ConsensusRule) { r.MaxPercentOpposite = ptr(0) }), s5, "max_percent_opposite"},
		{"iqr negative", mod(func(r *ConsensusRule) { r.MaxIQR = ptr(-1) }), s5, "max_iqr"},
		{"iqr wider than scale", mod(func(r *ConsensusRule) { r.MaxIQR = ptr(5) }), s5, "max_iqr"},
		{"A on two points", mod(func(r *ConsensusRule) { r.MinAgreementA = ptr(0.5) }), ad, "min_agreement_a"},
		{"A above 1", mod(func(r *ConsensusRule) { r.MinAgreementA = ptr(1.5) }), s5, "min_agreement_a"},
		{"min raters", mod(func(r *ConsensusRule) { r.MinRaters = 0 }), s5, "min_raters"},
		{"bad scale", ok, Scale{Values: []int{1}}, "scale.values"},
	} {
		var fe *FieldError
		err := tc.r.Validate(tc.scale)
		if !errors.As(err, &fe) || fe.Field != tc.field || fe.Rule == "" {
			t.Errorf("%s: Validate = %v, want field %q", tc.name, err, tc.field)
		}
	}
	s9, _ := LikertScale(9)
	if r := DefaultConsensusRule(s9); *r.MinPercentAgree != 70 || *r.MaxPercentOpposite != 15 || r.Validate(s9) != nil {
		t.Errorf("default 9-point rule %+v", r)
	}
	if r := DefaultConsensusRule(s5); *r.MinPercentAgree != 75 || r.MaxPercentOpposite != nil || r.MinRaters != DefaultMinRaters {
		t.Errorf("default 5-point rule %+v", r)
	}
	if !(ConsensusRule{}).IsZero() || ok.IsZero() {
		t.Error("IsZero")
	}
}

// The rule is stored as JSON in group settings: its encoding is part of the
// contract.
func TestConsensusRuleJSON(t *testing.T) {
	r := Comet7015Rule()
	r.MaxIQR = ptr(2)
	r.WithinEveryPerspective = true
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"version":1,"min_percent_agree":70,"max_percent_opposite":15,"max_iqr":2,"min_raters":5,"within_every_perspective":true}`
	if string(b) != want {
		t.Errorf("JSON = %s\nwant   %s", b, want)
	}
	var back ConsensusRule
	if err := json.Unmarshal(b, &back); err != nil || *back.MaxIQR != 2 || *back.MinPercentAgree != 70 || !back.WithinEveryPerspective {
		t.Errorf("round trip: %+v %v", back, err)
	}
}
