package analysis

import (
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// CoefficientOfVariation returns CV = s/x̄ with s the sample standard
// deviation (n − 1). Delphi studies compare it between rounds (ΔCV; von der
// Gracht 2012). It is only meaningful on a scale with a true zero below all
// values, such as 1..k; it returns an Undefined error for fewer than two
// values or a mean of 0.
func CoefficientOfVariation(x []float64) (float64, error) {
	if len(x) < 2 {
		return 0, reasonOneRating
	}
	m, v := stat.MeanVariance(x, nil)
	if m == 0 {
		return 0, Undefined("the mean is 0")
	}
	return math.Sqrt(v) / m, nil
}

// NetChange returns the % net change of Scheibe, Skutsch & Schofer (1975,
// in Linstone & Turoff, The Delphi Method, IV.C) as a proportion: half the
// sum of absolute differences between the two rounds' category proportions,
//
//	Δ = ½ Σ_k |p_k(t) − p_k(t−1)|
//
// which is ½ Σ |f_k(t) − f_k(t−1)| / N for equal round sizes. Δ < 0.15 is
// the usual "stable" criterion. It returns an Undefined error for vectors
// of different lengths or a round with no ratings.
func NetChange(previous, current []float64) (float64, error) {
	if len(previous) != len(current) {
		return 0, Undefined("both rounds need the same categories")
	}
	p, err := proportions(previous)
	if err != nil {
		return 0, err
	}
	q, err := proportions(current)
	if err != nil {
		return 0, err
	}
	s := 0.0
	for k := range p {
		s += math.Abs(q[k] - p[k])
	}
	return s / 2, nil
}

// ChiSquareHomogeneity returns Pearson's χ² test of homogeneity of a
// rounds × categories table, χ² = Σ (O − E)²/E with df = (rows − 1)(non-empty
// categories − 1), and its p-value. It assumes independent samples, which
// repeated Delphi rounds violate (von der Gracht 2012); Allvoice keeps it
// only for parity with legacy reports and uses the paired Wilcoxon test. It
// returns an Undefined error for fewer than two non-empty rows or
// categories.
func ChiSquareHomogeneity(table [][]float64) (chi2 float64, df int, p float64, err error) {
	if len(table) < 2 {
		return 0, 0, 0, Undefined("needs at least two rounds")
	}
	k := len(table[0])
	col := make([]float64, k)
	row := make([]float64, len(table))
	total := 0.0
	for i, r := range table {
		if len(r) != k {
			return 0, 0, 0, Undefined("every round needs the same categories")
		}
		for j, f := range r {
			col[j] += f
			row[i] += f
			total += f
		}
	}
	nonEmptyCols, nonEmptyRows := 0, 0
	for _, c := range col {
		if c > 0 {
			nonEmptyCols++
		}
	}
	for _, r := range row {
		if r > 0 {
			nonEmptyRows++
		}
	}
	if nonEmptyCols < 2 || nonEmptyRows < 2 {
		return 0, 0, 0, Undefined("needs at least two non-empty rounds and categories")
	}
	for i, r := range table {
		for j, f := range r {
			if col[j] == 0 || row[i] == 0 {
				continue
			}
			e := row[i] * col[j] / total
			chi2 += (f - e) * (f - e) / e
		}
	}
	df = (nonEmptyRows - 1) * (nonEmptyCols - 1)
	return chi2, df, distuv.ChiSquared{K: float64(df)}.Survival(chi2), nil
}
