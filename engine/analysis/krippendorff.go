package analysis

import "fmt"

// KrippendorffMetric is the difference function δ² of Krippendorff's alpha.
type KrippendorffMetric int

// Metrics of Krippendorff (2011), "Computing Krippendorff's
// Alpha-Reliability", repository.upenn.edu/asc_papers/43.
const (
	// Nominal: δ² = 0 if c = k else 1.
	Nominal KrippendorffMetric = iota
	// Ordinal: δ²_ck = (Σ_{g=c..k} n_g − (n_c + n_k)/2)², on the ranks of
	// the values given by the marginals n_g. Allvoice uses it for ratings.
	Ordinal
	// Interval: δ² = (c − k)².
	Interval
	// Ratio: δ² = ((c − k)/(c + k))², 0 when c + k = 0.
	Ratio
)

// String returns the metric's name as used in results.
func (m KrippendorffMetric) String() string {
	switch m {
	case Nominal:
		return "nominal"
	case Ordinal:
		return "ordinal"
	case Interval:
		return "interval"
	case Ratio:
		return "ratio"
	}
	return fmt.Sprintf("metric(%d)", int(m))
}

// KrippendorffResult is Krippendorff's alpha with its ingredients.
type KrippendorffResult struct {
	Alpha float64 `json:"alpha"`
	// DO and DE are the observed and expected disagreement.
	DO float64 `json:"d_o"`
	DE float64 `json:"d_e"`
	// Pairable is n, the number of values in units with at least two
	// values; Units counts those units.
	Pairable int    `json:"pairable"`
	Units    int    `json:"units"`
	Metric   string `json:"metric"`
}

// KrippendorffAlpha returns Krippendorff's alpha for reliability data given
// as value counts per unit: counts[u·V + c] is the number of coders who gave
// unit u the value values[c] (V = len(values), values ascending). Missing
// data are simply absent from the counts, so any number of coders and any
// pattern of missing ratings is handled. Units with fewer than two values
// are not pairable and are dropped. With the coincidence matrix
//
//	o_ck = Σ_u (c_uc·c_uk − [c = k]·c_uc) / (m_u − 1),  n_c = Σ_k o_ck,  n = Σ_c n_c
//	D_o = (1/n) Σ o_ck δ²_ck,  D_e = (1/(n(n−1))) Σ n_c n_k δ²_ck,  α = 1 − D_o/D_e
//
// (Krippendorff 2011; Hayes & Krippendorff 2007). α ≥ .800 reads as
// reliable, .667–.800 as tentative; α may be negative.
//
// It returns an Undefined error when no unit is pairable or when only one
// value occurs among the pairable values (D_e = 0).
func KrippendorffAlpha(values []float64, counts []int, metric KrippendorffMetric) (KrippendorffResult, error) {
	v := len(values)
	if v == 0 || len(counts)%v != 0 {
		return KrippendorffResult{}, Undefined("counts must hold one row of len(values) per unit")
	}
	o := make([]float64, v*v)
	units := 0
	for u := 0; u < len(counts)/v; u++ {
		row := counts[u*v : (u+1)*v]
		if addUnitCoincidences(o, row) {
			units++
		}
	}
	return alphaFromCoincidences(values, o, units, metric)
}

// addUnitCoincidences adds one unit's pairs to the coincidence matrix o and
// reports whether the unit was pairable.
func addUnitCoincidences[T int | int32](o []float64, row []T) bool {
	v := len(row)
	mu := 0
	for _, c := range row {
		mu += int(c)
	}
	if mu < 2 {
		return false
	}
	w := 1 / float64(mu-1)
	for c, fc := range row {
		if fc == 0 {
			continue
		}
		for k, fk := range row {
			if fk == 0 {
				continue
			}
			pairs := float64(fc) * float64(fk)
			if c == k {
				pairs -= float64(fc)
			}
			o[c*v+k] += pairs * w
		}
	}
	return true
}

// alphaFromCoincidences finishes KrippendorffAlpha from the V×V coincidence
// matrix.
func alphaFromCoincidences(values []float64, o []float64, units int, metric KrippendorffMetric) (KrippendorffResult, error) {
	v := len(values)
	nc := make([]float64, v)
	n := 0.0
	for c := 0; c < v; c++ {
		for k := 0; k < v; k++ {
			nc[c] += o[c*v+k]
		}
		n += nc[c]
	}
	res := KrippendorffResult{Units: units, Metric: metric.String(), Pairable: int(n + 0.5)}
	if units == 0 || n < 2 {
		return res, Undefined("no proposal was rated by at least two members")
	}
	delta := func(c, k int) float64 {
		switch metric {
		case Nominal:
			if c == k {
				return 0
			}
			return 1
		case Ordinal:
			lo, hi := min(c, k), max(c, k)
			s := 0.0
			for g := lo; g <= hi; g++ {
				s += nc[g]
			}
			d := s - (nc[c]+nc[k])/2
			return d * d
		case Interval:
			d := values[c] - values[k]
			return d * d
		default:
			if values[c]+values[k] == 0 {
				return 0
			}
			d := (values[c] - values[k]) / (values[c] + values[k])
			return d * d
		}
	}
	var do, de float64
	for c := 0; c < v; c++ {
		for k := 0; k < v; k++ {
			if c == k {
				continue
			}
			d := delta(c, k)
			do += o[c*v+k] * d
			de += nc[c] * nc[k] * d
		}
	}
	do /= n
	de /= n * (n - 1)
	res.DO, res.DE = do, de
	if de <= 0 {
		return res, reasonConstant
	}
	res.Alpha = 1 - do/de
	return res, nil
}
