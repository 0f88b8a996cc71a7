package analysis

import (
	"math"
	"testing"
)

// anxiety data (R irr / DescTools; 20 subjects × 3 raters), transposed to
// judges × objects.
var anxiety = [][]float64{
	{3, 3, 3, 4, 5, 5, 2, 3, 5, 2, 2, 6, 1, 5, 2, 2, 1, 2, 4, 3},
	{3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4},
	{2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2},
}

func TestKendallW(t *testing.T) {
	r, err := KendallW(anxiety)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "W_t (DescTools, published)", r.W, 0.5396569, 1e-7)
	near(t, "W", r.WUncorrected, 0.5019215, 1e-7)
	near(t, "chi2", r.ChiSquared, 30.7604, 1e-4)
	near(t, "p", r.P, 0.042884, 1e-6)
	if r.DF != 19 {
		t.Errorf("df = %d", r.DF)
	}
	// Siegel & Castellan: 8 attributes × 3 judges, no ties.
	sc := [][]float64{
		{5, 6, 7, 1, 2, 4, 3, 8},
		{1, 7, 6, 2, 3, 5, 4, 8},
		{4, 5, 1, 3, 2, 7, 6, 8},
	}
	r, err = KendallW(sc)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "W S&C", r.W, 0.656085, 1e-6)
	near(t, "W S&C uncorrected = corrected", r.WUncorrected, r.W, 1e-15)
	near(t, "chi2 S&C", r.ChiSquared, 13.7778, 1e-4)
	near(t, "p S&C", r.P, 0.05528, 1e-5)

	for name, d := range map[string][][]float64{
		"one judge":   {{1, 2, 3}},
		"one object":  {{1}, {2}},
		"all tied":    {{3, 3, 3}, {2, 2, 2}},
		"ragged rows": {{1, 2, 3}, {1, 2}},
	} {
		_, err := KendallW(d)
		mustUndefined(t, name, err)
	}
	// Perfect concordance.
	r, _ = KendallW([][]float64{{1, 2, 3, 4}, {1, 2, 3, 4}, {1, 2, 3, 4}})
	near(t, "perfect", r.W, 1, 1e-12)
}

// krippCounts turns a coders × units matrix (NaN = missing) into the
// per-unit value counts KrippendorffAlpha takes.
func krippCounts(data [][]float64, values []float64) []int {
	units := len(data[0])
	counts := make([]int, units*len(values))
	for _, row := range data {
		for u, v := range row {
			if math.IsNaN(v) {
				continue
			}
			for c, x := range values {
				if x == v {
					counts[u*len(values)+c]++
				}
			}
		}
	}
	return counts
}

var na = math.NaN()

func TestKrippendorffAlpha(t *testing.T) {
	// Krippendorff (2011) example C: 4 observers × 12 units, missing data.
	exC := [][]float64{
		{1, 2, 3, 3, 2, 1, 4, 1, 2, na, na, na},
		{1, 2, 3, 3, 2, 2, 4, 1, 2, 5, na, 3},
		{na, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, na},
		{1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, na},
	}
	// Wikipedia "A computational example": 3 coders × 15 units.
	wiki := [][]float64{
		{na, na, na, na, na, 3, 4, 1, 2, 1, 1, 3, 3, na, 3},
		{1, na, 2, 1, 3, 3, 4, 3, na, na, na, na, na, na, na},
		{na, na, 2, 1, 3, 4, 4, na, 2, 1, 1, 3, 3, na, 4},
	}
	// Example A: binary, 2 observers × 10 units.
	exA := [][]float64{
		{0, 1, 0, 0, 0, 0, 0, 0, 1, 0},
		{1, 1, 1, 0, 0, 1, 0, 0, 0, 0},
	}
	v5 := []float64{1, 2, 3, 4, 5}
	tests := []struct {
		name   string
		data   [][]float64
		values []float64
		metric KrippendorffMetric
		want   float64
		tol    float64
	}{
		{"C nominal .743", exC, v5, Nominal, 0.743421, 1e-6},
		{"C ordinal .815", exC, v5, Ordinal, 0.815388, 1e-6},
		{"C interval .849", exC, v5, Interval, 0.849107, 1e-6},
		{"C ratio .797", exC, v5, Ratio, 0.797403, 1e-6},
		{"wiki nominal", wiki, []float64{1, 2, 3, 4}, Nominal, 0.691358, 1e-6},
		{"wiki interval", wiki, []float64{1, 2, 3, 4}, Interval, 0.810845, 1e-6},
		{"wiki ordinal", wiki, []float64{1, 2, 3, 4}, Ordinal, 0.806721, 1e-6},
		{"wiki ratio", wiki, []float64{1, 2, 3, 4}, Ratio, 0.808944, 1e-6},
		{"A binary", exA, []float64{0, 1}, Nominal, 0.095238, 1e-6},
		// Declared but unused scale points do not change ordinal alpha.
		{"C ordinal, 7-point", exC, []float64{1, 2, 3, 4, 5, 6, 7}, Ordinal, 0.815388, 1e-6},
	}
	for _, tc := range tests {
		r, err := KrippendorffAlpha(tc.values, krippCounts(tc.data, tc.values), tc.metric)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		near(t, tc.name, r.Alpha, tc.want, tc.tol)
	}
	r, _ := KrippendorffAlpha(v5, krippCounts(exC, v5), Nominal)
	near(t, "C D_o", r.DO, 0.2, 1e-6)
	near(t, "C D_e", r.DE, 0.779487, 1e-6)
	if r.Pairable != 40 || r.Units != 11 {
		t.Errorf("pairable %d units %d, want 40 and 11", r.Pairable, r.Units)
	}
	_, err := KrippendorffAlpha(v5, krippCounts([][]float64{{1, 2, 3}}, v5), Ordinal)
	mustUndefined(t, "no pairable unit", err)
	_, err = KrippendorffAlpha(v5, krippCounts([][]float64{{3, 3}, {3, 3}}, v5), Ordinal)
	mustUndefined(t, "one value", err)
}

// Fleiss' kappa: Wikipedia worked example (10 subjects, 14 raters, 5 categories).
func TestFleissKappa(t *testing.T) {
	c := [][]int{
		{0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0}, {2, 2, 8, 1, 1},
		{7, 7, 0, 0, 0}, {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2}, {6, 5, 2, 1, 0}, {0, 2, 2, 3, 7},
	}
	r, err := FleissKappa(c)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "kappa", r.Kappa, 0.2099307044, 1e-10)
	near(t, "Pbar", r.PBar, 0.378022, 1e-6)
	near(t, "Pe", r.PE, 0.212755, 1e-6)
	near(t, "SE0 irr", r.SE0, 0.020174, 1e-6)
	near(t, "SE0 FNL79", r.SE0FNL, 0.016965, 1e-6)
	_, err = FleissKappa([][]int{{2, 0}, {1, 2}})
	mustUndefined(t, "unequal n", err)
	_, err = FleissKappa([][]int{{3, 0}, {3, 0}})
	mustUndefined(t, "one category", err)
}
