package analysis

import (
	"fmt"
	"math"
	"testing"
)

// near fails the test when got differs from want by more than tol.
func near(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > tol {
		t.Errorf("%s = %.9g, want %.9g (±%g)", name, got, want, tol)
	}
}

// mustUndefined fails unless err is an Undefined error.
func mustUndefined(t *testing.T, name string, err error) {
	t.Helper()
	if _, ok := err.(Undefined); !ok {
		t.Errorf("%s: err = %v, want an Undefined reason", name, err)
	}
}

// fmtSscan reads the number of a test ID such as "p012".
func fmtSscan(id string, n *int) (int, error) { return fmt.Sscanf(id[1:], "%d", n) }
