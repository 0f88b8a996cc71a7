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
	res, err := s.idb.NewUpdate().Model((*sessionRow)(nil)).Set("revoked_at = ?", utc(at)).
		Where("hash = ?", hash).Where("revoked_at IS NULL").Exec(ctx)
	if err != nil {
		return MapError(err, "session")
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return MapError(err, "session")
	}
	exists, err := s.idb.NewSelect().Model((*sessionRow)(nil)).Where("s.hash = ?", hash).Exists(ctx)
	if err != nil {
		return MapError(err, "session")
	}
	if !exists {
		return notFound("session")
	}
	return engine.Errorf(engine.ECONFLICT, "this credential was used already")
}
