package bunstore

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/allvoice/allvoice/engine"
)

// decisionRow is a row of decisions. Evidence is engine.DecisionEvidence as
// JSON, frozen when the decision is taken.
type decisionRow struct {
	bun.BaseModel `bun:"table:decisions,alias:d"`

	ID         string     `bun:"id,pk"`
	GroupID    string     `bun:"group_id"`
	RoundID    string     `bun:"round_id"`
	ProposalID string     `bun:"proposal_id"`
	Outcome    string     `bun:"outcome"`
	Rationale  string     `bun:"rationale"`
	Evidence   string     `bun:"evidence"`
	ReviewDate *time.Time `bun:"review_date"`
	DecidedBy  string     `bun:"decided_by"`
	CreatedAt  time.Time  `bun:"created_at"`
}

// reflectionRow is a row of reflections.
type reflectionRow struct {
	bun.BaseModel `bun:"table:reflections,alias:rf"`

	ID        string    `bun:"id,pk"`
	GroupID   string    `bun:"group_id"`
	RoundID   string    `bun:"round_id"`
	MemberID  string    `bun:"member_id"`
	Text      string    `bun:"text"`
	CreatedAt time.Time `bun:"created_at"`
}

// Decisions lists a group's decisions by id.
func (s *Store) Decisions(ctx context.Context, groupID string) ([]*engine.Decision, error) {
	var rows []decisionRow
	if err := s.idb.NewSelect().Model(&rows).ColumnExpr("d.*").Where("d.group_id = ?", groupID).OrderExpr("d.id").Scan(ctx); err != nil {
		return nil, MapError(err, "decision")
	}
	out := make([]*engine.Decision, len(rows))
	for i, r := range rows {
		d := &engine.Decision{ID: r.ID, GroupID: r.GroupID, RoundID: r.RoundID, ProposalID: r.ProposalID,
			Outcome: r.Outcome, Rationale: r.Rationale, ReviewDate: utcPtr(r.ReviewDate), DecidedBy: r.DecidedBy,
			CreatedAt: utc(r.CreatedAt)}
		if err := decodeJSON(r.Evidence, &d.Evidence, "decision evidence"); err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, nil
}

// Reflections lists a group's reflections by id.
func (s *Store) Reflections(ctx context.Context, groupID string) ([]*engine.Reflection, error) {
	var rows []reflectionRow
	if err := s.idb.NewSelect().Model(&rows).ColumnExpr("rf.*").Where("rf.group_id = ?", groupID).OrderExpr("rf.id").Scan(ctx); err != nil {
		return nil, MapError(err, "reflection")
	}
	out := make([]*engine.Reflection, len(rows))
	for i, r := range rows {
		out[i] = &engine.Reflection{ID: r.ID, GroupID: r.GroupID, RoundID: r.RoundID, MemberID: r.MemberID,
			Text: r.Text, CreatedAt: utc(r.CreatedAt)}
	}
	return out, nil
}

// CreateDecision stores a decision; a second decision on the same proposal
// in the same round is ECONFLICT.
func (s *Store) CreateDecision(ctx context.Context, d *engine.Decision) error {
	evidence, err := encodeJSON(d.Evidence, "decision evidence")
	if err != nil {
		return err
	}
	r := decisionRow{ID: d.ID, GroupID: d.GroupID, RoundID: d.RoundID, ProposalID: d.ProposalID, Outcome: d.Outcome,
		Rationale: d.Rationale, Evidence: evidence, ReviewDate: utcPtr(d.ReviewDate), DecidedBy: d.DecidedBy,
		CreatedAt: utc(d.CreatedAt)}
	return s.atomic(ctx, func(idb bun.IDB) error {
		if err := insertNew(ctx, idb, &r, "decision"); err != nil {
			return err
		}
		return bumpRound(ctx, idb, d.RoundID)
	})
}

// CreateReflection stores a reflection.
func (s *Store) CreateReflection(ctx context.Context, r *engine.Reflection) error {
	row := reflectionRow{ID: r.ID, GroupID: r.GroupID, RoundID: r.RoundID, MemberID: r.MemberID, Text: r.Text,
		CreatedAt: utc(r.CreatedAt)}
	return s.atomic(ctx, func(idb bun.IDB) error {
		if err := insertNew(ctx, idb, &row, "reflection"); err != nil {
			return err
		}
		// Reflections count as contributions in the round's analysis.
		return bumpRound(ctx, idb, r.RoundID)
	})
}
