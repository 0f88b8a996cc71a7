package analysis

import (
	"fmt"
	"strconv"
)

// Scale is a rating scale: the values a member may give, ascending, and the
// agree and disagree zones (inclusive ranges of values). Agree/disagree
// scales are coded Values [-1, 1] (agree = +1, disagree = −1, the Polis
// export convention); a k-point Likert scale is 1..k. Pass is never a value.
// The zone fields are group settings; see AgreeDisagreeScale and
// LikertScale for the defaults of shared/ANALYSIS.md.
type Scale struct {
	Values      []int `json:"values"`
	AgreeMin    int   `json:"agree_min"`
	AgreeMax    int   `json:"agree_max"`
	DisagreeMin int   `json:"disagree_min"`
	DisagreeMax int   `json:"disagree_max"`
}

// AgreeDisagreeScale returns the agree/disagree scale: values −1 and +1,
// agree zone {+1}, disagree zone {−1}.
func AgreeDisagreeScale() Scale {
	return Scale{Values: []int{-1, 1}, AgreeMin: 1, AgreeMax: 1, DisagreeMin: -1, DisagreeMax: -1}
}

// LikertScale returns the k-point scale 1..k with its default zones:
// 5-point 4–5 / 1–2, 7-point 5–7 / 1–3, 9-point 7–9 / 1–3 (GRADE/COMET
// thirds). Any other k from 3 to 11 gets the values above the midpoint as
// agree zone and those below as disagree zone. It returns an error for k
// outside 3..11.
func LikertScale(k int) (Scale, error) {
	if k < 3 || k > 11 {
		return Scale{}, fieldErr("values", "a Likert scale needs 3 to 11 points")
	}
	s := Scale{Values: make([]int, k)}
	for i := range s.Values {
		s.Values[i] = i + 1
	}
	switch k {
	case 5:
		s.AgreeMin, s.AgreeMax, s.DisagreeMin, s.DisagreeMax = 4, 5, 1, 2
	case 7:
		s.AgreeMin, s.AgreeMax, s.DisagreeMin, s.DisagreeMax = 5, 7, 1, 3
	case 9:
		s.AgreeMin, s.AgreeMax, s.DisagreeMin, s.DisagreeMax = 7, 9, 1, 3
	default:
		s.AgreeMin, s.AgreeMax = k/2+1+k%2, k
		s.DisagreeMin, s.DisagreeMax = 1, k/2
	}
	return s, nil
}

// K returns the number of scale points.
func (s Scale) K() int { return len(s.Values) }

// Min returns the lowest scale value (0 for an empty scale).
func (s Scale) Min() int {
	if len(s.Values) == 0 {
		return 0
	}
	return s.Values[0]
}

// Max returns the highest scale value (0 for an empty scale).
func (s Scale) Max() int {
	if len(s.Values) == 0 {
		return 0
	}
	return s.Values[len(s.Values)-1]
}

// Midpoint returns (min + max)/2, the neutral point used to code ratings
// for the opinion matrix.
func (s Scale) Midpoint() float64 { return float64(s.Min()+s.Max()) / 2 }

// HalfRange returns (max − min)/2, so that (v − Midpoint)/HalfRange maps the
// scale onto [−1, 1].
func (s Scale) HalfRange() float64 { return float64(s.Max()-s.Min()) / 2 }

// Code maps a scale value onto [−1, 1]: (v − Midpoint)/HalfRange. It returns
// 0 for a scale with a single value.
func (s Scale) Code(v int) float64 {
	h := s.HalfRange()
	if h == 0 {
		return 0
	}
	return (float64(v) - s.Midpoint()) / h
}

// Index returns the position of v in Values, or −1 if v is not on the scale.
func (s Scale) Index(v int) int {
	// Values are ascending and short (≤ 11): a linear scan beats a search.
	for i, x := range s.Values {
		if x == v {
			return i
		}
		if x > v {
			break
		}
	}
	return -1
}

// InAgreeZone reports whether v lies in the agree zone.
func (s Scale) InAgreeZone(v int) bool { return v >= s.AgreeMin && v <= s.AgreeMax }

// InDisagreeZone reports whether v lies in the disagree zone.
func (s Scale) InDisagreeZone(v int) bool { return v >= s.DisagreeMin && v <= s.DisagreeMax }

// IsNinePoint reports whether the scale is the GRADE 1..9 scale, the only
// one the RAND/UCLA disagreement index is calibrated for.
func (s Scale) IsNinePoint() bool {
	if len(s.Values) != 9 {
		return false
	}
	for i, v := range s.Values {
		if v != i+1 {
			return false
		}
	}
	return true
}

// zoneText renders a zone for sentences: "4–5" or "+1".
func (s Scale) zoneText(lo, hi int) string {
	f := func(v int) string {
		if s.Min() < 0 && v > 0 {
			return "+" + strconv.Itoa(v)
		}
		return strconv.Itoa(v)
	}
	if lo == hi {
		return f(lo)
	}
	return f(lo) + "–" + f(hi)
}

// Validate checks that the scale has at least two distinct ascending values
// that fit a rating (−128..127), and that the zones are non-empty ranges of
// scale values with the whole disagree zone below the agree zone. The
// returned *FieldError names the offending field.
func (s Scale) Validate() error {
	if len(s.Values) < 2 {
		return fieldErr("values", "a scale needs at least two values")
	}
	for i, v := range s.Values {
		if v < -128 || v > 127 {
			return fieldErr(fmt.Sprintf("values[%d]", i), "must lie between −128 and 127")
		}
		if i > 0 && v <= s.Values[i-1] {
			return fieldErr(fmt.Sprintf("values[%d]", i), "values must be strictly ascending")
		}
	}
	check := func(name string, v int) error {
		if s.Index(v) < 0 {
			return fieldErr(name, "must be one of the scale values")
		}
		return nil
	}
	for _, c := range []struct {
		name string
		v    int
	}{{"agree_min", s.AgreeMin}, {"agree_max", s.AgreeMax}, {"disagree_min", s.DisagreeMin}, {"disagree_max", s.DisagreeMax}} {
		if err := check(c.name, c.v); err != nil {
			return err
		}
	}
	if s.AgreeMin > s.AgreeMax {
		return fieldErr("agree_min", "must not exceed agree_max")
	}
	if s.DisagreeMin > s.DisagreeMax {
		return fieldErr("disagree_min", "must not exceed disagree_max")
	}
	if s.DisagreeMax >= s.AgreeMin {
		return fieldErr("disagree_max", "the disagree zone must lie below the agree zone")
	}
	return nil
}
