package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
)

// TestNewIDSortsInTheOrderMade: identifiers made one after another sort in
// that order, within one millisecond too (past the 4,096 a millisecond's
// counter holds), and are version 7 with the RFC 9562 variant; an earlier
// time than the last still sorts by its own time.
func TestNewIDSortsInTheOrderMade(t *testing.T) {
	now := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	cases := []struct {
		name  string
		times func(i int) time.Time
	}{
		{"one millisecond", func(int) time.Time { return now }},
		{"advancing clock", func(i int) time.Time { return now.Add(time.Duration(i) * 100 * time.Microsecond) }},
	}
	for k, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := time.Duration(k+1) * time.Hour // later than any earlier case
			prev := ""
			for i := range 10000 {
				id := engine.NewID(tc.times(i).Add(base))
				if id <= prev {
					t.Fatalf("id %d %s does not sort after %s", i, id, prev)
				}
				if id[14] != '7' || !strings.ContainsRune("89ab", rune(id[19])) {
					t.Fatalf("id %s is not a version 7, RFC 9562 variant UUID", id)
				}
				prev = id
			}
		})
	}
	t.Run("earlier time", func(t *testing.T) {
		late := engine.NewID(now.Add(10 * time.Hour))
		early := engine.NewID(now)
		if early >= late {
			t.Fatalf("an id made for an earlier time (%s) sorts after a later one (%s)", early, late)
		}
	})
}
