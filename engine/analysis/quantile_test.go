package analysis

import (
	"slices"
	"testing"
)

// Hyndman–Fan vectors of agreement-statistics §1.2 / §7 (type 7 = R
// quantile() default, type 6 = SPSS).
func TestQuantile(t *testing.T) {
	a := []float64{1, 2, 3, 4}
	b := []float64{1, 2, 2, 3, 3, 3, 4, 4, 5, 5}
	tests := []struct {
		x    []float64
		p    float64
		typ  int
		want float64
	}{
		{a, 0.25, 7, 1.75}, {a, 0.5, 7, 2.5}, {a, 0.75, 7, 3.25},
		{a, 0.25, 6, 1.25}, {a, 0.5, 6, 2.5}, {a, 0.75, 6, 3.75},
		{b, 0.25, 7, 2.25}, {b, 0.75, 7, 4.0},
		{b, 0.25, 6, 2.0}, {b, 0.75, 6, 4.25},
		{a, 0, 7, 1}, {a, 1, 7, 4}, {a, 0, 6, 1}, {a, 1, 6, 4},
		{[]float64{3}, 0.25, 6, 3}, {[]float64{3}, 0.75, 7, 3},
		// RAND/UCLA worked example: P30 = 7, P70 = 8 with type 7.
		{[]float64{4, 5, 6, 7, 7, 7, 7, 7, 8, 8, 8, 8, 8, 9, 9}, 0.3, 7, 7},
		{[]float64{4, 5, 6, 7, 7, 7, 7, 7, 8, 8, 8, 8, 8, 9, 9}, 0.7, 7, 8},
	}
	for _, tc := range tests {
		got, err := Quantile(tc.x, tc.p, tc.typ)
		if err != nil {
			t.Fatalf("Quantile(%v, %v, %d): %v", tc.x, tc.p, tc.typ, err)
		}
		near(t, "Quantile", got, tc.want, 1e-12)
		// The counts form used by Analyse must agree with the order-statistic form.
		values := []int{1, 2, 3, 4, 5, 6, 7, 8, 9}
		counts := make([]int32, 9)
		for _, v := range tc.x {
			counts[int(v)-1]++
		}
		near(t, "quantileCounts", quantileCounts(values, counts, len(tc.x), tc.p, tc.typ), tc.want, 1e-12)
	}
	// IQR of 1,2,3,4 is 1.5 (type 7) and 2.5 (type 6).
	q1, _ := Quantile(a, 0.25, 7)
	q3, _ := Quantile(a, 0.75, 7)
	near(t, "IQR7", q3-q1, 1.5, 1e-12)
}

func TestQuantileUndefined(t *testing.T) {
	_, err := Quantile(nil, 0.5, 7)
	mustUndefined(t, "empty", err)
	_, err = Quantile([]float64{1}, 1.5, 7)
	mustUndefined(t, "p>1", err)
	_, err = Quantile([]float64{1}, 0.5, 4)
	mustUndefined(t, "type 4", err)
}

func TestQuantileCountsExhaustive(t *testing.T) {
	// Every small 5-point data set: the counts form equals the sorted form.
	values := []int{1, 2, 3, 4, 5}
	for mask := 1; mask < 5*5*5*5*5*5; mask++ {
		var x []float64
		m := mask
		for m > 0 {
			x = append(x, float64(m%5+1))
			m /= 5
		}
		slices.Sort(x)
		counts := make([]int32, 5)
		for _, v := range x {
			counts[int(v)-1]++
		}
		for _, p := range []float64{0.25, 0.5, 0.75} {
			for _, typ := range []int{6, 7} {
				want, _ := Quantile(x, p, typ)
				if got := quantileCounts(values, counts, len(x), p, typ); got != want {
					t.Fatalf("x=%v p=%v type %d: counts %v, sorted %v", x, p, typ, got, want)
				}
			}
		}
	}
}
