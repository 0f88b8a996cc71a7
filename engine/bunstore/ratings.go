package bunstore

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/allvoice/allvoice/engine"
)

// ratingEventRow is a row of rating_events. Value is NULL for a pass; an
// empty idempotency key is NULL, so the partial unique index on
// (member_id, idempotency_key) only covers events that carry one.
type ratingEventRow struct {
	bun.BaseModel `bun:"table:rating_events,alias:e"`

	ID              string    `bun:"id,pk"`
	GroupID         string    `bun:"group_id"`
	RoundID         string    `bun:"round_id"`
	ProposalID      string    `bun:"proposal_id"`
	MemberID        string    `bun:"member_id"`
	Value           *int      `bun:"value"`
	Pass            bool      `bun:"pass"`
	Reason          string    `bun:"reason"`
	Mode            string    `bun:"mode"`
	ChangeCategory  string    `bun:"change_category"`
	PreviousEventID string    `bun:"previous_event_id,nullzero"`
	EnteredBy       string    `bun:"entered_by"`
	IdempotencyKey  string    `bun:"idempotency_key,nullzero"`
	BodyHash        string    `bun:"body_hash"`
	CreatedAt       time.Time `bun:"created_at"`
}

func (r *ratingEventRow) event() *engine.RatingEvent {
	ev := &engine.RatingEvent{ID: r.ID, GroupID: r.GroupID, RoundID: r.RoundID, ProposalID: r.ProposalID,
		MemberID: r.MemberID, Pass: r.Pass, Reason: r.Reason, Mode: r.Mode, ChangeCategory: r.ChangeCategory,
		PreviousEventID: r.PreviousEventID, EnteredBy: r.EnteredBy, IdempotencyKey: r.IdempotencyKey,
		BodyHash: r.BodyHash, CreatedAt: utc(r.CreatedAt)}
	if r.Value != nil {
		v := *r.Value
		ev.Value = &v
	}
	return ev
}

func eventsOf(rows []ratingEventRow) []*engine.RatingEvent {
	out := make([]*engine.RatingEvent, len(rows))
	for i := range rows {
		out[i] = rows[i].event()
	}
	return out
}

// ratingCurrentRow is a row of ratings_current: the pointer to a member's
// current rating of a proposal in a round.
type ratingCurrentRow struct {
	bun.BaseModel `bun:"table:ratings_current,alias:c"`

	RoundID    string `bun:"round_id,pk"`
	ProposalID string `bun:"proposal_id,pk"`
	MemberID   string `bun:"member_id,pk"`
	EventID    string `bun:"event_id"`
}

// CurrentRating returns the member's current rating event of a proposal in
// a round.
func (s *Store) CurrentRating(ctx context.Context, roundID, proposalID, memberID string) (*engine.RatingEvent, error) {
	var r ratingEventRow
	err := s.idb.NewSelect().Model(&r).ColumnExpr("e.*").Join("JOIN ratings_current AS c ON c.event_id = e.id").
		Where("c.round_id = ?", roundID).Where("c.proposal_id = ?", proposalID).Where("c.member_id = ?", memberID).
		Scan(ctx)
	if err != nil {
		return nil, MapError(err, "rating")
	}
	return r.event(), nil
}

// CurrentRatings lists a round's current rating events by event id.
func (s *Store) CurrentRatings(ctx context.Context, roundID string) ([]*engine.RatingEvent, error) {
	var rows []ratingEventRow
	err := s.idb.NewSelect().Model(&rows).ColumnExpr("e.*").Join("JOIN ratings_current AS c ON c.event_id = e.id").
		Where("c.round_id = ?", roundID).OrderExpr("e.id").Scan(ctx)
	if err != nil {
		return nil, MapError(err, "rating")
	}
	return eventsOf(rows), nil
}

// MemberCurrentRatings lists one member's current rating events in a
// round by event id. A member's own pages ask for this on every view, so
// it reads only that member's events, not the whole round's.
func (s *Store) MemberCurrentRatings(ctx context.Context, roundID, memberID string) ([]*engine.RatingEvent, error) {
	var rows []ratingEventRow
	err := s.idb.NewSelect().Model(&rows).ColumnExpr("e.*").Join("JOIN ratings_current AS c ON c.event_id = e.id").
		Where("c.round_id = ?", roundID).Where("c.member_id = ?", memberID).OrderExpr("e.id").Scan(ctx)
	if err != nil {
		return nil, MapError(err, "rating")
	}
	return eventsOf(rows), nil
}

// RatingEventByKey finds the event a member's idempotency key created.
func (s *Store) RatingEventByKey(ctx context.Context, memberID, key string) (*engine.RatingEvent, error) {
	var r ratingEventRow
	err := s.idb.NewSelect().Model(&r).ColumnExpr("e.*").Where("e.member_id = ?", memberID).Where("e.idempotency_key = ?", key).Scan(ctx)
	if err != nil {
		return nil, MapError(err, "rating")
	}
	return r.event(), nil
}

// RatingEvents lists every rating event of a group by creation time, ties
// by id.
func (s *Store) RatingEvents(ctx context.Context, groupID string) ([]*engine.RatingEvent, error) {
	var rows []ratingEventRow
	err := s.idb.NewSelect().Model(&rows).ColumnExpr("e.*").Where("e.group_id = ?", groupID).OrderExpr("e.created_at, e.id").Scan(ctx)
	if err != nil {
		return nil, MapError(err, "rating")
	}
	return eventsOf(rows), nil
}

// AppendRatingEvent stores the event and points the current rating of its
// (round, proposal, member) at it. An idempotency key the member has used
// before is ECONFLICT and changes nothing; the engine then finds the first
// event with RatingEventByKey.
func (s *Store) AppendRatingEvent(ctx context.Context, ev *engine.RatingEvent) error {
	r := ratingEventRow{ID: ev.ID, GroupID: ev.GroupID, RoundID: ev.RoundID, ProposalID: ev.ProposalID,
		MemberID: ev.MemberID, Value: ev.Value, Pass: ev.Pass, Reason: ev.Reason, Mode: ev.Mode,
		ChangeCategory: ev.ChangeCategory, PreviousEventID: ev.PreviousEventID, EnteredBy: ev.EnteredBy,
		IdempotencyKey: ev.IdempotencyKey, BodyHash: ev.BodyHash, CreatedAt: utc(ev.CreatedAt)}
	cur := ratingCurrentRow{RoundID: ev.RoundID, ProposalID: ev.ProposalID, MemberID: ev.MemberID, EventID: ev.ID}
	return s.atomic(ctx, func(idb bun.IDB) error {
		if err := insertNew(ctx, idb, &r, "rating"); err != nil {
			return err
		}
		_, err := idb.NewInsert().Model(&cur).
			On("CONFLICT (round_id, proposal_id, member_id) DO UPDATE").
			Set("event_id = EXCLUDED.event_id").
			Exec(ctx)
		return MapError(err, "rating")
	})
}
