package bunstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/allvoice/allvoice/engine"
)

// roundRow is a row of rounds. Revision is the store's own change counter
// for RoundVersion and is never written from an engine.Round.
type roundRow struct {
	bun.BaseModel `bun:"table:rounds,alias:r"`

	ID          string     `bun:"id,pk"`
	GroupID     string     `bun:"group_id"`
	Number      int        `bun:"number"`
	Prompt      string     `bun:"prompt"`
	State       string     `bun:"state"`
	Combined    bool       `bun:"combined"`
	OpensAt     *time.Time `bun:"opens_at"`
	ClosesAt    *time.Time `bun:"closes_at"`
	CarryRules  string     `bun:"carry_rules"`
	RuleVersion int        `bun:"rule_version"`
	CreatedAt   time.Time  `bun:"created_at"`
	OpenedAt    *time.Time `bun:"opened_at"`
	ClosedAt    *time.Time `bun:"closed_at"`
	Revision    int64      `bun:"revision,scanonly"`
}

func newRoundRow(r *engine.Round) (*roundRow, error) {
	rules := r.CarryRules
	if rules == nil {
		rules = []string{}
	}
	carry, err := encodeJSON(rules, "carry rules")
	if err != nil {
		return nil, err
	}
	return &roundRow{ID: r.ID, GroupID: r.GroupID, Number: r.Number, Prompt: r.Prompt, State: r.State, Combined: r.Combined,
		OpensAt: utcPtr(r.OpensAt), ClosesAt: utcPtr(r.ClosesAt), CarryRules: carry, RuleVersion: r.RuleVersion,
		CreatedAt: utc(r.CreatedAt), OpenedAt: utcPtr(r.OpenedAt), ClosedAt: utcPtr(r.ClosedAt)}, nil
}

func (row *roundRow) round() (*engine.Round, error) {
	r := &engine.Round{ID: row.ID, GroupID: row.GroupID, Number: row.Number, Prompt: row.Prompt, State: row.State,
		Combined: row.Combined, OpensAt: utcPtr(row.OpensAt), ClosesAt: utcPtr(row.ClosesAt), RuleVersion: row.RuleVersion,
		CreatedAt: utc(row.CreatedAt), OpenedAt: utcPtr(row.OpenedAt), ClosedAt: utcPtr(row.ClosedAt)}
	if err := decodeJSON(row.CarryRules, &r.CarryRules, "carry rules"); err != nil {
		return nil, err
	}
	if len(r.CarryRules) == 0 {
		r.CarryRules = nil
	}
	return r, nil
}

func roundsOf(rows []roundRow) ([]*engine.Round, error) {
	out := make([]*engine.Round, 0, len(rows))
	for i := range rows {
		r, err := rows[i].round()
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// agendaItemRow is a row of agenda_items.
type agendaItemRow struct {
	bun.BaseModel `bun:"table:agenda_items,alias:ai"`

	RoundID         string    `bun:"round_id,pk"`
	ProposalID      string    `bun:"proposal_id,pk"`
	Source          string    `bun:"source"`
	BaselineRoundID string    `bun:"baseline_round_id,nullzero"`
	Position        int       `bun:"position"`
	CreatedAt       time.Time `bun:"created_at"`
}

// RoundByID returns the round with the given id.
func (s *Store) RoundByID(ctx context.Context, id string) (*engine.Round, error) {
	var r roundRow
	if err := s.idb.NewSelect().Model(&r).ColumnExpr("r.*").Where("r.id = ?", id).Scan(ctx); err != nil {
		return nil, MapError(err, "round")
	}
	return r.round()
}

// Rounds lists a group's rounds by number.
func (s *Store) Rounds(ctx context.Context, groupID string) ([]*engine.Round, error) {
	var rows []roundRow
	if err := s.idb.NewSelect().Model(&rows).ColumnExpr("r.*").Where("r.group_id = ?", groupID).OrderExpr("r.number").Scan(ctx); err != nil {
		return nil, MapError(err, "round")
	}
	return roundsOf(rows)
}

// RoundsDue lists, by id, the draft rounds whose opening time is at or
// before now and the proposing or rating rounds whose closing time is at or
// before now. A draft round is due only by its opening time: it is never
// closed before it has opened.
func (s *Store) RoundsDue(ctx context.Context, now time.Time) ([]*engine.Round, error) {
	now = utc(now)
	var rows []roundRow
	err := s.idb.NewSelect().Model(&rows).ColumnExpr("r.*").
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.
				WhereOr("r.state = 'draft' AND r.opens_at IS NOT NULL AND r.opens_at <= ?", now).
				WhereOr("r.state IN ('proposing', 'rating') AND r.closes_at IS NOT NULL AND r.closes_at <= ?", now)
		}).
		OrderExpr("r.id").Scan(ctx)
	if err != nil {
		return nil, MapError(err, "round")
	}
	return roundsOf(rows)
}

// Agenda lists a round's agenda by position.
func (s *Store) Agenda(ctx context.Context, roundID string) ([]engine.AgendaItem, error) {
	var rows []agendaItemRow
	err := s.idb.NewSelect().Model(&rows).ColumnExpr("ai.*").Where("ai.round_id = ?", roundID).OrderExpr("ai.position, ai.proposal_id").Scan(ctx)
	if err != nil {
		return nil, MapError(err, "agenda item")
	}
	out := make([]engine.AgendaItem, len(rows))
	for i, r := range rows {
		out[i] = engine.AgendaItem{RoundID: r.RoundID, ProposalID: r.ProposalID, Source: r.Source,
			BaselineRoundID: r.BaselineRoundID, Position: r.Position, CreatedAt: utc(r.CreatedAt)}
	}
	return out, nil
}

// AgendaItem returns one item of a round's agenda: the check a rating
// makes, without reading the whole agenda.
func (s *Store) AgendaItem(ctx context.Context, roundID, proposalID string) (*engine.AgendaItem, error) {
	var r agendaItemRow
	err := s.idb.NewSelect().Model(&r).ColumnExpr("ai.*").Where("ai.round_id = ? AND ai.proposal_id = ?", roundID, proposalID).Limit(1).Scan(ctx)
	if err != nil {
		return nil, MapError(err, "agenda item")
	}
	return &engine.AgendaItem{RoundID: r.RoundID, ProposalID: r.ProposalID, Source: r.Source,
		BaselineRoundID: r.BaselineRoundID, Position: r.Position, CreatedAt: utc(r.CreatedAt)}, nil
}

// CreateRound stores a new round; a number the group already has is
// ECONFLICT.
func (s *Store) CreateRound(ctx context.Context, r *engine.Round) error {
	row, err := newRoundRow(r)
	if err != nil {
		return err
	}
	return insertNew(ctx, s.idb, row, "round")
}

// UpdateRound stores everything about a round except its id, group, number
// and creation time.
func (s *Store) UpdateRound(ctx context.Context, r *engine.Round) error {
	row, err := newRoundRow(r)
	if err != nil {
		return err
	}
	res, err := s.idb.NewUpdate().Model(row).
		Column("prompt", "state", "combined", "opens_at", "closes_at", "carry_rules", "rule_version", "opened_at", "closed_at").
		Set("revision = revision + 1").
		WherePK().Exec(ctx)
	if err != nil {
		return MapError(err, "round")
	}
	return expectOne(res, notFound("round"), "round")
}

// AddAgendaItem puts a proposal on a round's agenda; a proposal already on
// it is ECONFLICT.
func (s *Store) AddAgendaItem(ctx context.Context, item *engine.AgendaItem) error {
	r := agendaItemRow{RoundID: item.RoundID, ProposalID: item.ProposalID, Source: item.Source,
		BaselineRoundID: item.BaselineRoundID, Position: item.Position, CreatedAt: utc(item.CreatedAt)}
	return s.atomic(ctx, func(idb bun.IDB) error {
		if err := insertNew(ctx, idb, &r, "agenda item"); err != nil {
			return err
		}
		return bumpRound(ctx, idb, item.RoundID)
	})
}

// RemoveAgendaItem takes a proposal off a round's agenda; ENOTFOUND when it
// is not on it.
func (s *Store) RemoveAgendaItem(ctx context.Context, roundID, proposalID string) error {
	return s.atomic(ctx, func(idb bun.IDB) error {
		res, err := idb.NewDelete().Model((*agendaItemRow)(nil)).
			Where("round_id = ?", roundID).Where("proposal_id = ?", proposalID).Exec(ctx)
		if err != nil {
			return MapError(err, "agenda item")
		}
		if err := expectOne(res, notFound("agenda item"), "agenda item"); err != nil {
			return err
		}
		return bumpRound(ctx, idb, roundID)
	})
}

// RoundVersion returns "revision.count.maxid": the round's revision, which
// every change to its agenda, proposals, decisions, the group's members,
// roles and settings increments, and the number and largest id of its
// rating events, which only grow because events are append-only. The count
// catches an event whose id sorts below the largest (same millisecond,
// another instance's clock). Both come from the rating_events (round_id,
// id) index, so no row is written or locked by ratings for this.
func (s *Store) RoundVersion(ctx context.Context, roundID string) (string, error) {
	var (
		revision int64
		count    int64
		maxID    sql.NullString
	)
	err := s.idb.NewRaw(
		"SELECT r.revision,"+
			" (SELECT count(*) FROM rating_events AS e WHERE e.round_id = r.id),"+
			" (SELECT max(e.id) FROM rating_events AS e WHERE e.round_id = r.id)"+
			" FROM rounds AS r WHERE r.id = ?", roundID).
		Scan(ctx, &revision, &count, &maxID)
	if err != nil {
		return "", MapError(err, "round")
	}
	return fmt.Sprintf("%d.%d.%s", revision, count, maxID.String), nil
}
