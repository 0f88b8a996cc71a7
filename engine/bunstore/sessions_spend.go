package bunstore

import (
	"context"
	"time"

	"github.com/allvoice/allvoice/engine"
)

// SpendSession revokes a single-use credential at at, failing with
// ECONFLICT when it was revoked already — in one conditional UPDATE, so of
// two transactions spending it at once exactly one succeeds (on
// PostgreSQL the second waits for the first's row lock, then finds the
// row revoked).
func (s *Store) SpendSession(ctx context.Context, hash string, at time.Time) error {
	revoked, err := s.revokeSession(ctx, hash, at)
	if err == nil && !revoked {
		err = engine.Errorf(engine.ECONFLICT, "this credential was used already")
	}
	return err
}
