package analysis

import "testing"

func TestWilson(t *testing.T) {
	tests := []struct {
		k, n   int
		lo, hi float64
	}{
		{2, 10, 0.056682, 0.509838}, // §1.3 / §7
		{20, 100, 0.133367, 0.288829},
		{0, 5, 0, 0.434482},
		// Worked example A (§5.3), Wilson 95 % column.
		{40, 48, 0.7042, 0.9130}, {9, 40, 0.1232, 0.3750}, {1, 12, 0.0149, 0.3539},
		{2, 6, 0.0968, 0.7000},
	}
	for _, tc := range tests {
		lo, hi, err := Wilson(tc.k, tc.n, Z95)
		if err != nil {
			t.Fatal(err)
		}
		tol := 1e-6
		if tc.k == 40 || tc.k == 9 || tc.k == 1 || (tc.k == 2 && tc.n == 6) {
			tol = 1e-4
		}
		near(t, "lo", lo, tc.lo, tol)
		near(t, "hi", hi, tc.hi, tol)
	}
	_, _, err := Wilson(0, 0, Z95)
	mustUndefined(t, "n=0", err)
	_, _, err = Wilson(3, 2, Z95)
	mustUndefined(t, "k>n", err)
	lo, hi, _ := Wilson(5, 5, Z95)
	if hi != 1 || lo <= 0 {
		t.Errorf("Wilson(5,5) = %v,%v", lo, hi)
	}
}
