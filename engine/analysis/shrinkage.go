package analysis

import (
	"math"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// RateModel is the conjugate model used to shrink a member's rate towards
// the pooled rate of the group (agreement-statistics §5.3).
type RateModel int

const (
	// BetaBinomial models Count successes in Exposure trials (attention
	// received, uptake): prior Beta(κ·p0, κ·(1−p0)), posterior
	// Beta(k + κp0, n − k + κ(1−p0)).
	BetaBinomial RateModel = iota
	// GammaPoisson models Count events over Exposure time (contributions per
	// round): prior Gamma(α0, rate α0/λ0), posterior Gamma(α0 + y, α0/λ0 + T).
	GammaPoisson
)

// RateRule is the flag rule for low rates: all of minimum opportunity,
// posterior P(rate < pooled) ≥ MinProbability, posterior mean ≤ MaxRatio ×
// pooled, and Benjamini–Hochberg at FDR across the eligible units on
// 1 − P(rate < pooled).
type RateRule struct {
	Model RateModel
	// Strength is κ (Beta–binomial) or α0 (Gamma–Poisson), in
	// pseudo-observations. It is fixed rather than fitted because
	// heterogeneity estimates from a few dozen members are too noisy.
	Strength float64
	// MinExposure is the minimum opportunity used when no explicit
	// eligibility is given.
	MinExposure    float64
	MinProbability float64
	MaxRatio       float64
	FDR            float64
}

// Default flag-rule constants of shared/ANALYSIS.md §5.
const (
	DefaultKappa          = 10
	DefaultAlpha0         = 5
	DefaultMinProbability = 0.95
	DefaultMaxRatio       = 0.6
	DefaultFDR            = 0.10
)

// DefaultRateRule returns the rule of shared/ANALYSIS.md §5 for the model
// with the given minimum opportunity.
func DefaultRateRule(model RateModel, minExposure float64) RateRule {
	s := float64(DefaultKappa)
	if model == GammaPoisson {
		s = DefaultAlpha0
	}
	return RateRule{Model: model, Strength: s, MinExposure: minExposure,
		MinProbability: DefaultMinProbability, MaxRatio: DefaultMaxRatio, FDR: DefaultFDR}
}

// RateAssessment is one unit's (member's or perspective's) shrunk rate.
type RateAssessment struct {
	Count    float64 `json:"count"`
	Exposure float64 `json:"exposure"`
	// Raw is Count/Exposure (0 without exposure).
	Raw           float64 `json:"raw"`
	PosteriorMean float64 `json:"posterior_mean"`
	// ProbBelowPooled is the posterior P(rate < pooled).
	ProbBelowPooled float64 `json:"prob_below_pooled"`
	// Eligible: the minimum opportunity holds. Significant: BH rejects
	// "rate ≥ pooled" among the eligible units. Flagged: all conditions.
	Eligible    bool `json:"eligible"`
	Significant bool `json:"significant"`
	Flagged     bool `json:"flagged"`
}

// AssessLowRates shrinks each unit's rate count[i]/exposure[i] towards the
// pooled rate Σcount/Σexposure and applies the flag rule. eligible, if not
// nil, says which units meet the minimum opportunity; otherwise exposure ≥
// rule.MinExposure does. Units without opportunity still count in the
// pooled rate and get posterior numbers, but are never flagged.
//
// It returns an Undefined error when there is no exposure at all, the
// slices differ in length, a value is negative, or (Beta–binomial) a count
// exceeds its exposure. A pooled rate of 0 (or 1 for Beta–binomial)
// leaves no room below it (every unit sits at the pooled rate), so nobody
// is flagged and every ProbBelowPooled is 0.
func AssessLowRates(count, exposure []float64, eligible []bool, rule RateRule) (pooled float64, out []RateAssessment, err error) {
	if len(count) != len(exposure) || (eligible != nil && len(eligible) != len(count)) {
		return 0, nil, Undefined("counts and exposures must have the same length")
	}
	var sc, se float64
	for i := range count {
		if !(count[i] >= 0 && exposure[i] >= 0) || (rule.Model == BetaBinomial && count[i] > exposure[i]) {
			return 0, nil, Undefined("counts must be non-negative (and at most the exposure for rates)")
		}
		sc += count[i]
		se += exposure[i]
	}
	if se <= 0 {
		return 0, nil, Undefined("no opportunity yet")
	}
	pooled = sc / se
	out = make([]RateAssessment, len(count))
	degenerate := pooled <= 0 || (rule.Model == BetaBinomial && pooled >= 1)
	var pvals []float64
	var pidx []int
	for i := range count {
		a := &out[i]
		a.Count, a.Exposure = count[i], exposure[i]
		if exposure[i] > 0 {
			a.Raw = count[i] / exposure[i]
		}
		if eligible != nil {
			a.Eligible = eligible[i]
		} else {
			a.Eligible = exposure[i] >= rule.MinExposure
		}
		if degenerate {
			a.PosteriorMean = pooled
			continue
		}
		switch rule.Model {
		case BetaBinomial:
			al := count[i] + rule.Strength*pooled
			be := exposure[i] - count[i] + rule.Strength*(1-pooled)
			a.PosteriorMean = al / (al + be)
			a.ProbBelowPooled = mathext.RegIncBeta(al, be, pooled)
		case GammaPoisson:
			shape := rule.Strength + count[i]
			rate := rule.Strength/pooled + exposure[i]
			a.PosteriorMean = shape / rate
			a.ProbBelowPooled = mathext.GammaIncReg(shape, rate*pooled)
		}
		if a.Eligible {
			pvals = append(pvals, 1-a.ProbBelowPooled)
			pidx = append(pidx, i)
		}
	}
	for j, rej := range BenjaminiHochberg(pvals, rule.FDR) {
		a := &out[pidx[j]]
		a.Significant = rej
		a.Flagged = rej && a.ProbBelowPooled >= rule.MinProbability && a.PosteriorMean <= rule.MaxRatio*pooled
	}
	return pooled, out, nil
}

// FunnelZ returns the funnel-plot z-score (raw − p0)/√(p0(1−p0)/n) of k
// successes in n trials against the pooled proportion p0 (Spiegelhalter
// 2005, Stat Med 24:1185–1202). It returns an Undefined error for n ≤ 0 or
// p0 outside (0, 1).
func FunnelZ(k, n, p0 float64) (float64, error) {
	if n <= 0 {
		return 0, Undefined("no opportunity")
	}
	if !(p0 > 0 && p0 < 1) {
		return 0, Undefined("pooled proportion must lie strictly between 0 and 1")
	}
	return (k/n - p0) / math.Sqrt(p0*(1-p0)/n), nil
}

// FunnelLimits returns the binomial funnel-plot control limits
// p0 ± z·√(p0(1−p0)/n), clamped to [0, 1]; z = 1.96 gives the 95 % "alert"
// and z = 3.09 the 99.8 % "alarm" limits (Spiegelhalter 2005).
func FunnelLimits(p0, n, z float64) (lo, hi float64) {
	if n <= 0 {
		return 0, 1
	}
	h := z * math.Sqrt(p0*(1-p0)/n)
	return clamp01(p0 - h), clamp01(p0 + h)
}

// Z998 is the two-sided 99.8 % standard normal quantile Φ⁻¹(0.999).
var Z998 = distuv.UnitNormal.Quantile(0.999)
