package bunstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"
	"modernc.org/sqlite"

	"github.com/allvoice/allvoice/engine"
)

// concernRow is a row of concerns. Optional links are NULL when empty.
type concernRow struct {
	bun.BaseModel `bun:"table:concerns,alias:cn"`

	ID          string    `bun:"id,pk"`
	GroupID     string    `bun:"group_id"`
	RaisedBy    string    `bun:"raised_by"`
	Text        string    `bun:"text"`
	RoundID     string    `bun:"round_id,nullzero"`
	ProposalID  string    `bun:"proposal_id,nullzero"`
	MemberID    string    `bun:"member_id,nullzero"`
	Source      string    `bun:"source"`
	CheckInZone string    `bun:"checkin_zone"`
	Status      string    `bun:"status"`
	CreatedAt   time.Time `bun:"created_at"`
	UpdatedAt   time.Time `bun:"updated_at"`
}

func (r *concernRow) concern() *engine.Concern {
	return &engine.Concern{ID: r.ID, GroupID: r.GroupID, RaisedBy: r.RaisedBy, Text: r.Text, RoundID: r.RoundID,
		ProposalID: r.ProposalID, MemberID: r.MemberID, Source: r.Source, CheckInZone: r.CheckInZone, Status: r.Status,
		CreatedAt: utc(r.CreatedAt), UpdatedAt: utc(r.UpdatedAt)}
}

// concernActionRow is a row of concern_actions.
type concernActionRow struct {
	bun.BaseModel `bun:"table:concern_actions,alias:ca"`

	ID        string    `bun:"id,pk"`
	ConcernID string    `bun:"concern_id"`
	GroupID   string    `bun:"group_id"`
	ActorID   string    `bun:"actor_id"`
	Action    string    `bun:"action"`
	Outcome   string    `bun:"outcome"`
	Learning  string    `bun:"learning"`
	Status    string    `bun:"status"`
	CreatedAt time.Time `bun:"created_at"`
}

// ConcernByID returns a concern.
func (s *Store) ConcernByID(ctx context.Context, id string) (*engine.Concern, error) {
	var r concernRow
	if err := s.idb.NewSelect().Model(&r).ColumnExpr("cn.*").Where("cn.id = ?", id).Scan(ctx); err != nil {
		return nil, private(MapError(err, "concern"))
	}
	return r.concern(), nil
}

// Concerns lists a group's concerns by id; raisedBy, when not empty, keeps
// only the concerns that member raised.
func (s *Store) Concerns(ctx context.Context, groupID, raisedBy string) ([]*engine.Concern, error) {
	var rows []concernRow
	q := s.idb.NewSelect().Model(&rows).ColumnExpr("cn.*").Where("cn.group_id = ?", groupID)
	if raisedBy != "" {
		q = q.Where("cn.raised_by = ?", raisedBy)
	}
	if err := q.OrderExpr("cn.id").Scan(ctx); err != nil {
		return nil, private(MapError(err, "concern"))
	}
	out := make([]*engine.Concern, len(rows))
	for i := range rows {
		out[i] = rows[i].concern()
	}
	return out, nil
}

// ConcernActions lists a concern's actions in the order recorded: by time
// (to the microsecond), then id, since ids order only to the millisecond.
func (s *Store) ConcernActions(ctx context.Context, concernID string) ([]*engine.ConcernAction, error) {
	var rows []concernActionRow
	err := s.idb.NewSelect().Model(&rows).ColumnExpr("ca.*").Where("ca.concern_id = ?", concernID).OrderExpr("ca.created_at, ca.id").Scan(ctx)
	if err != nil {
		return nil, private(MapError(err, "concern action"))
	}
	out := make([]*engine.ConcernAction, len(rows))
	for i, r := range rows {
		out[i] = &engine.ConcernAction{ID: r.ID, ConcernID: r.ConcernID, GroupID: r.GroupID, ActorID: r.ActorID,
			Action: r.Action, Outcome: r.Outcome, Learning: r.Learning, Status: r.Status, CreatedAt: utc(r.CreatedAt)}
	}
	return out, nil
}

// CreateConcern stores a concern.
func (s *Store) CreateConcern(ctx context.Context, c *engine.Concern) error {
	r := concernRow{ID: c.ID, GroupID: c.GroupID, RaisedBy: c.RaisedBy, Text: c.Text, RoundID: c.RoundID,
		ProposalID: c.ProposalID, MemberID: c.MemberID, Source: c.Source, CheckInZone: c.CheckInZone, Status: c.Status,
		CreatedAt: utc(c.CreatedAt), UpdatedAt: utc(c.UpdatedAt)}
	return private(insertNew(ctx, s.idb, &r, "concern"))
}

// AppendConcernAction stores an action and moves its concern's status and
// updated time to the action's, in one transaction. An action on a
// missing concern is ENOTFOUND.
func (s *Store) AppendConcernAction(ctx context.Context, a *engine.ConcernAction) error {
	r := concernActionRow{ID: a.ID, ConcernID: a.ConcernID, GroupID: a.GroupID, ActorID: a.ActorID, Action: a.Action,
		Outcome: a.Outcome, Learning: a.Learning, Status: a.Status, CreatedAt: utc(a.CreatedAt)}
	return private(s.atomic(ctx, func(idb bun.IDB) error {
		res, err := idb.NewUpdate().Table("concerns").Set("status = ?", a.Status).Set("updated_at = ?", utc(a.CreatedAt)).
			Where("id = ?", a.ConcernID).Exec(ctx)
		if err != nil {
			return MapError(err, "concern")
		}
		if err := expectOne(res, notFound("concern"), "concern"); err != nil {
			return err
		}
		return insertNew(ctx, idb, &r, "concern action")
	}))
}

// private keeps a concern's words out of an error that may be logged: the
// driver's own error can quote a failing row (PostgreSQL's detail does),
// so the cause is replaced by its error class alone. Code and message,
// which never hold values, stay.
func private(err error) error {
	var ee *engine.Error
	if err == nil || !errors.As(err, &ee) || ee.Err == nil {
		return err
	}
	return &engine.Error{Code: ee.Code, Message: ee.Message, Fields: ee.Fields, Err: redactedCause(ee.Err)}
}

// redactedCause describes a driver error by its class only.
func redactedCause(err error) error {
	var pgErr *pgconn.PgError
	var liteErr *sqlite.Error
	switch {
	case errors.As(err, &pgErr):
		return fmt.Errorf("postgres error SQLSTATE %s on %s (details withheld)", pgErr.Code, pgErr.ConstraintName)
	case errors.As(err, &liteErr):
		return fmt.Errorf("sqlite error code %d (details withheld)", liteErr.Code())
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return fmt.Errorf("%T (details withheld)", err)
}
