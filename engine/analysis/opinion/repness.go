package opinion

import (
	"math"
	"slices"
)

// Polis's representativeness parameters (polis-and-bridging.md §1.8).
const (
	// ZSig90 is Polis's one-sided 90 % significance threshold for its z-tests.
	ZSig90 = 1.2816
	// maxRepresentative is how many representative proposals a group keeps.
	maxRepresentative = 5
)

// Direction says whether a group is distinguished by agreeing or disagreeing
// with a proposal.
type Direction string

// Directions of a representative proposal.
const (
	Agree    Direction = "agree"
	Disagree Direction = "disagree"
)

// PropTest is Polis's one-proportion z-test of succ successes in n trials
// against ½, with pseudo-counts: 2·√(n+1)·((succ+1)/(n+1) − ½)
// (stats.clj prop-test). PropTest(8, 10) = 2.110579; n = 0 gives 1.
func PropTest(succ, n int) float64 {
	s, t := float64(succ+1), float64(n+1)
	return 2 * math.Sqrt(t) * (s/t - 0.5)
}

// TwoPropTest is Polis's two-proportion z-test of succIn/nIn against
// succOut/nOut with 1 added to each count: p₁ = s₁/n₁, p₂ = s₂/n₂,
// p̂ = (s₁+s₂)/(n₁+n₂), z = (p₁ − p₂)/√(p̂(1−p̂)(1/n₁ + 1/n₂)); 0 when p̂ = 1
// (stats.clj two-prop-test). TwoPropTest(8, 2, 10, 10) = 2.569047.
func TwoPropTest(succIn, succOut, nIn, nOut int) float64 {
	s1, s2 := float64(succIn+1), float64(succOut+1)
	n1, n2 := float64(nIn+1), float64(nOut+1)
	p1, p2 := s1/n1, s2/n2
	ph := (s1 + s2) / (n1 + n2)
	den := ph * (1 - ph) * (1/n1 + 1/n2)
	if !(den > 0) {
		return 0
	}
	return (p1 - p2) / math.Sqrt(den)
}

// Repness holds Polis's statistics for one group and one proposal
// (repness.clj comment-stats and add-comparitive-stats): "rest" is all other
// groups pooled.
type Repness struct {
	// NAgree, NDisagree and NSeen count the group's agree, disagree and any
	// (pass included) ratings.
	NAgree    int `json:"n_agree"`
	NDisagree int `json:"n_disagree"`
	NSeen     int `json:"n_seen"`
	// PA = (NAgree+1)/(NSeen+2) and PAT = PropTest(NAgree, NSeen); PD, PDT
	// likewise for disagree.
	PA  float64 `json:"pa"`
	PAT float64 `json:"pat"`
	PD  float64 `json:"pd"`
	PDT float64 `json:"pdt"`
	// RA = PA / ((1 + rest agrees)/(2 + rest seen)) and
	// RAT = TwoPropTest(NAgree, rest agrees, NSeen, rest seen); RD, RDT
	// likewise for disagree.
	RA  float64 `json:"ra"`
	RAT float64 `json:"rat"`
	RD  float64 `json:"rd"`
	RDT float64 `json:"rdt"`
}

// ComputeRepness returns the Repness of a group that agreed na, disagreed nd
// and saw ns times, against the rest of the groups pooled (restA, restD,
// restS). For na = 8, ns = 10, restA = 2, restS = 10: PA = 0.75, RA = 3,
// PAT = 2.110579, RAT = 2.569047.
func ComputeRepness(na, nd, ns, restA, restD, restS int) Repness {
	pa := float64(na+1) / float64(ns+2)
	pd := float64(nd+1) / float64(ns+2)
	return Repness{
		NAgree: na, NDisagree: nd, NSeen: ns,
		PA: pa, PAT: PropTest(na, ns),
		PD: pd, PDT: PropTest(nd, ns),
		RA:  pa / (float64(1+restA) / float64(2+restS)),
		RAT: TwoPropTest(na, restA, ns, restS),
		RD:  pd / (float64(1+restD) / float64(2+restS)),
		RDT: TwoPropTest(nd, restD, ns, restS),
	}
}

// passes is Polis's passes-by-test?: significant both against ½ and against
// the rest, in one direction.
func (s Repness) passes() bool {
	return (s.RAT > ZSig90 && s.PAT > ZSig90) || (s.RDT > ZSig90 && s.PDT > ZSig90)
}

// direction is Polis's finalize-cmt-stats choice: agree if RAT > RDT.
func (s Repness) direction() Direction {
	if s.RAT > s.RDT {
		return Agree
	}
	return Disagree
}

// Metric is Polis's repness-metric r · z_r · p · z_p in direction d.
func (s Repness) Metric(d Direction) float64 {
	if d == Agree {
		return s.RA * s.RAT * s.PA * s.PAT
	}
	return s.RD * s.RDT * s.PD * s.PDT
}

// beatsBestAgree is Polis's beats-best-agr?: the running choice of the
// proposal the group most clearly agrees with.
func (s Repness) beatsBestAgree(best *Repness) bool {
	switch {
	case s.NAgree == 0 && s.NDisagree == 0:
		return false
	case best != nil && best.RA > 1:
		return s.RA*s.RAT*s.PA*s.PAT > best.RA*best.RAT*best.PA*best.PAT
	case best != nil:
		return s.PA*s.PAT > best.PA*best.PAT
	default:
		return s.PAT > ZSig90 || (s.RA > 1 && s.PA > 0.5)
	}
}

// Representative is one of a group's representative proposals.
type Representative struct {
	Proposal  int       `json:"proposal"`
	Direction Direction `json:"direction"`
	// Significant is true when the proposal passed Polis's z-tests (both
	// p and r tests above ZSig90 in its direction); false for the single
	// fallback Polis shows when nothing passed.
	Significant bool `json:"significant"`
	// BestAgree marks the proposal the group most clearly agrees with, which
	// Polis always lists first.
	BestAgree bool    `json:"best_agree,omitempty"`
	Metric    float64 `json:"metric"`
	Repness
}

// selectRepresentative is Polis's select-rep-comments for one group, given
// stats[j] for every proposal j in index order: the proposals passing the
// z-tests sorted by Metric, the best-agree proposal first, at most 5, agrees
// before disagrees; if none passes, the best-agree proposal or else the one
// with the largest max(RAT, RDT).
//
// One deliberate difference: Polis finalises the best-agree proposal with
// whichever direction has the larger r-test, so it can show it as a
// disagree; here it is always shown as an agree, which is what it was chosen
// for.
func selectRepresentative(stats []Repness, seen []int32) []Representative {
	var sufficient []Representative
	var best *Representative
	bestAgree := -1
	for j := range stats {
		s := stats[j]
		if s.passes() {
			d := s.direction()
			sufficient = append(sufficient, Representative{Proposal: j, Direction: d, Significant: true, Metric: s.Metric(d), Repness: s})
		}
		if len(sufficient) == 0 && seen[j] > 0 {
			if best == nil || math.Max(s.RAT, s.RDT) > math.Max(best.RAT, best.RDT) {
				d := s.direction()
				best = &Representative{Proposal: j, Direction: d, Metric: s.Metric(d), Repness: s}
			}
		}
		var cur *Repness
		if bestAgree >= 0 {
			cur = &stats[bestAgree]
		}
		if s.beatsBestAgree(cur) {
			bestAgree = j
		}
	}
	var head []Representative
	if bestAgree >= 0 {
		s := stats[bestAgree]
		head = []Representative{{Proposal: bestAgree, Direction: Agree, Significant: s.RAT > ZSig90 && s.PAT > ZSig90, BestAgree: true, Metric: s.Metric(Agree), Repness: s}}
	}
	if len(sufficient) == 0 {
		if head != nil {
			return head
		}
		if best != nil {
			return []Representative{*best}
		}
		return nil
	}
	sufficient = slices.DeleteFunc(sufficient, func(r Representative) bool { return r.Proposal == bestAgree })
	slices.SortStableFunc(sufficient, func(a, b Representative) int {
		switch {
		case a.Metric > b.Metric:
			return -1
		case a.Metric < b.Metric:
			return 1
		}
		return 0
	})
	out := append(head, sufficient...)
	if len(out) > maxRepresentative {
		out = out[:maxRepresentative]
	}
	// Agrees before disagrees, each keeping its order.
	slices.SortStableFunc(out, func(a, b Representative) int {
		if a.Direction == b.Direction {
			return 0
		}
		if a.Direction == Agree {
			return -1
		}
		return 1
	})
	return out
}
