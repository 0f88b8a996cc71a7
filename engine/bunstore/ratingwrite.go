package bunstore

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/migrations"
)

// RoundRevision returns the round's change counter (see engine.Reader).
func (s *Store) RoundRevision(ctx context.Context, roundID string) (int64, error) {
	var rev int64
	err := s.idb.NewRaw("SELECT revision FROM rounds WHERE id = ?", roundID).Scan(ctx, &rev)
	if err != nil {
		return 0, MapError(err, "round")
	}
	return rev, nil
}

// ratingFoundRow is a row of what WriteRating found: the member's current
// rating ("current"), the event already carrying the idempotency key
// ("keyed"), or, with every event column NULL, the outcome ("written",
// "fresh" or "stale").
type ratingFoundRow struct {
	Kind string `bun:"kind"`
	ratingEventRow
}

// WriteRating appends a rating event with its audit event and makes it
// current, if w's conditions hold (see engine.RatingWrite). Outside a
// transaction it is atomic on its own: on PostgreSQL one statement, so one
// round trip and no explicit transaction; on SQLite a short transaction.
func (s *Store) WriteRating(ctx context.Context, w *engine.RatingWrite) (*engine.RatingWritten, error) {
	if s.db.Dialect() == migrations.DialectPostgres {
		return s.writeRatingPostgres(ctx, w)
	}
	var out *engine.RatingWritten
	err := s.atomic(ctx, func(idb bun.IDB) error {
		var err error
		out, err = writeRatingSteps(ctx, idb, w)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// writeRatingPostgresSQL does all of WriteRating in one statement. The
// data-modifying CTEs all see the snapshot the statement started with; the
// insert happens only when every condition holds, and the rows it returns
// drive the current pointer and the audit event. ON CONFLICT DO NOTHING
// turns a concurrent use of the same idempotency key into "not written"
// rather than an error that would abort a surrounding transaction.
const writeRatingPostgresSQL = `WITH rd AS (SELECT id FROM rounds WHERE id = ? AND revision = ?),
cur AS (SELECT e.* FROM ratings_current AS c JOIN rating_events AS e ON e.id = c.event_id
	WHERE c.round_id = ? AND c.proposal_id = ? AND c.member_id = ?),
kev AS (SELECT e.* FROM rating_events AS e WHERE e.member_id = ? AND e.idempotency_key = ?),
ins AS (INSERT INTO rating_events (id, group_id, round_id, proposal_id, member_id, value, pass, reason, mode,
		change_category, previous_event_id, entered_by, idempotency_key, body_hash, created_at)
	SELECT ?, ?, ?, ?, ?, CAST(? AS integer), ?, ?, ?, ?, (SELECT id FROM cur), ?, CAST(? AS text), ?, CAST(? AS timestamptz)
	WHERE EXISTS (SELECT 1 FROM rd) AND NOT EXISTS (SELECT 1 FROM kev)
		AND (? OR EXISTS (SELECT 1 FROM cur))
		AND NOT (? AND EXISTS (SELECT 1 FROM cur
			WHERE cur.pass = ? AND cur.value IS NOT DISTINCT FROM CAST(? AS integer) AND cur.reason = ?))
	ON CONFLICT DO NOTHING
	RETURNING id),
upd AS (INSERT INTO ratings_current (round_id, proposal_id, member_id, event_id)
	SELECT ?, ?, ?, id FROM ins
	ON CONFLICT (round_id, proposal_id, member_id) DO UPDATE SET event_id = EXCLUDED.event_id),
aud AS (INSERT INTO audit_events (id, group_id, actor_id, action, subject_type, subject_id, created_at)
	SELECT ?, ?, ?, ?, ?, ?, CAST(? AS timestamptz) FROM ins)
SELECT 'current' AS kind, cur.* FROM cur
UNION ALL SELECT 'keyed', kev.* FROM kev
UNION ALL SELECT CASE WHEN EXISTS (SELECT 1 FROM ins) THEN 'written' WHEN EXISTS (SELECT 1 FROM rd) THEN 'fresh' ELSE 'stale' END, e.*
	FROM (SELECT 1) AS one LEFT JOIN rating_events AS e ON false`

func (s *Store) writeRatingPostgres(ctx context.Context, w *engine.RatingWrite) (*engine.RatingWritten, error) {
	ev, au := w.Event, w.Audit
	var key any // NULL matches no key
	if ev.IdempotencyKey != "" {
		key = ev.IdempotencyKey
	}
	var rows []ratingFoundRow
	err := s.idb.NewRaw(writeRatingPostgresSQL,
		ev.RoundID, w.Revision,
		ev.RoundID, ev.ProposalID, ev.MemberID,
		ev.MemberID, key,
		ev.ID, ev.GroupID, ev.RoundID, ev.ProposalID, ev.MemberID, ev.Value, ev.Pass, ev.Reason, ev.Mode,
		ev.ChangeCategory, ev.EnteredBy, key, ev.BodyHash, utc(ev.CreatedAt),
		!w.RequireCurrent,
		w.SkipSame, ev.Pass, ev.Value, ev.Reason,
		ev.RoundID, ev.ProposalID, ev.MemberID,
		au.ID, au.GroupID, au.ActorID, au.Action, au.SubjectType, au.SubjectID, utc(au.CreatedAt),
	).Scan(ctx, &rows)
	if err != nil {
		return nil, MapError(err, "rating")
	}
	out := &engine.RatingWritten{}
	for i := range rows {
		switch r := &rows[i]; r.Kind {
		case "current":
			out.Current = r.event()
		case "keyed":
			out.Keyed = r.event()
		case "written":
			out.Written = true
		case "stale":
			out.Stale = true
		}
	}
	return out, nil
}

// writeRatingFoundSQL reads, inside the write transaction, what
// WriteRating decides on; the "fresh" row exists only while the round is
// at the revision.
const writeRatingFoundSQL = `SELECT 'current' AS kind, e.* FROM ratings_current AS c JOIN rating_events AS e ON e.id = c.event_id
	WHERE c.round_id = ? AND c.proposal_id = ? AND c.member_id = ?
UNION ALL SELECT 'keyed', e.* FROM rating_events AS e WHERE e.member_id = ? AND e.idempotency_key = ?
UNION ALL SELECT 'fresh', e.* FROM rounds AS r LEFT JOIN rating_events AS e ON 1 = 0 WHERE r.id = ? AND r.revision = ?`

// writeRatingSteps is WriteRating as a read and three writes inside the
// transaction idb, for SQLite, which has no data-modifying CTEs (and no
// round trips to save: a transaction there holds the one write lock).
func writeRatingSteps(ctx context.Context, idb bun.IDB, w *engine.RatingWrite) (*engine.RatingWritten, error) {
	ev := w.Event
	var key any
	if ev.IdempotencyKey != "" {
		key = ev.IdempotencyKey
	}
	var rows []ratingFoundRow
	err := idb.NewRaw(writeRatingFoundSQL, ev.RoundID, ev.ProposalID, ev.MemberID, ev.MemberID, key, ev.RoundID, w.Revision).
		Scan(ctx, &rows)
	if err != nil {
		return nil, MapError(err, "rating")
	}
	out := &engine.RatingWritten{Stale: true}
	for i := range rows {
		switch r := &rows[i]; r.Kind {
		case "current":
			out.Current = r.event()
		case "keyed":
			out.Keyed = r.event()
		case "fresh":
			out.Stale = false
		}
	}
	cur := out.Current
	switch {
	case out.Stale, out.Keyed != nil:
		return out, nil
	case w.RequireCurrent && cur == nil:
		return out, nil
	case w.SkipSame && cur != nil && cur.Pass == ev.Pass && sameInt(cur.Value, ev.Value) && cur.Reason == ev.Reason:
		return out, nil
	}
	stored := *ev
	stored.PreviousEventID = ""
	if cur != nil {
		stored.PreviousEventID = cur.ID
	}
	tx := &Store{idb: idb}
	switch err := tx.AppendRatingEvent(ctx, &stored); engine.ErrorCode(err) {
	case "":
	case engine.ECONFLICT:
		return out, nil // the key or id was taken meanwhile: not written
	default:
		return nil, err
	}
	if err := tx.AppendAudit(ctx, w.Audit); err != nil {
		return nil, err
	}
	out.Written = true
	return out, nil
}

// sameInt reports whether two optional values are equal.
func sameInt(a, b *int) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
