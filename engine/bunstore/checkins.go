package bunstore

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/allvoice/allvoice/engine"
)

// checkInRow is a row of checkins: one per member and round.
type checkInRow struct {
	bun.BaseModel `bun:"table:checkins,alias:ci"`

	RoundID   string    `bun:"round_id,pk"`
	MemberID  string    `bun:"member_id,pk"`
	GroupID   string    `bun:"group_id"`
	Zone      string    `bun:"zone"`
	Shared    bool      `bun:"shared"`
	CreatedAt time.Time `bun:"created_at"`
	UpdatedAt time.Time `bun:"updated_at"`
}

func (r *checkInRow) checkIn() *engine.CheckIn {
	return &engine.CheckIn{RoundID: r.RoundID, GroupID: r.GroupID, MemberID: r.MemberID, Zone: r.Zone, Shared: r.Shared,
		CreatedAt: utc(r.CreatedAt), UpdatedAt: utc(r.UpdatedAt)}
}

// CheckIn returns a member's check-in on a round.
func (s *Store) CheckIn(ctx context.Context, roundID, memberID string) (*engine.CheckIn, error) {
	var r checkInRow
	err := s.idb.NewSelect().Model(&r).ColumnExpr("ci.*").Where("ci.round_id = ?", roundID).Where("ci.member_id = ?", memberID).Scan(ctx)
	if err != nil {
		return nil, MapError(err, "check-in")
	}
	return r.checkIn(), nil
}

// CheckIns lists a round's check-ins by member id.
func (s *Store) CheckIns(ctx context.Context, roundID string) ([]*engine.CheckIn, error) {
	var rows []checkInRow
	if err := s.idb.NewSelect().Model(&rows).ColumnExpr("ci.*").Where("ci.round_id = ?", roundID).OrderExpr("ci.member_id").Scan(ctx); err != nil {
		return nil, MapError(err, "check-in")
	}
	out := make([]*engine.CheckIn, len(rows))
	for i := range rows {
		out[i] = rows[i].checkIn()
	}
	return out, nil
}

// SaveCheckIn stores a member's check-in on a round, replacing the zone,
// share flag and updated time of an earlier one; the first CreatedAt is
// kept.
func (s *Store) SaveCheckIn(ctx context.Context, ci *engine.CheckIn) error {
	r := checkInRow{RoundID: ci.RoundID, MemberID: ci.MemberID, GroupID: ci.GroupID, Zone: ci.Zone, Shared: ci.Shared,
		CreatedAt: utc(ci.CreatedAt), UpdatedAt: utc(ci.UpdatedAt)}
	_, err := s.idb.NewInsert().Model(&r).
		On("CONFLICT (round_id, member_id) DO UPDATE").
		Set("zone = EXCLUDED.zone, shared = EXCLUDED.shared, updated_at = EXCLUDED.updated_at").
		Exec(ctx)
	return MapError(err, "check-in")
}

// DeleteCheckIn removes a member's check-in on a round: a check-in is the
// member's to take back, and nothing else refers to it. ENOTFOUND when
// there is none.
func (s *Store) DeleteCheckIn(ctx context.Context, roundID, memberID string) error {
	res, err := s.idb.NewDelete().TableExpr("checkins").Where("round_id = ?", roundID).Where("member_id = ?", memberID).Exec(ctx)
	if err != nil {
		return MapError(err, "check-in")
	}
	return expectOne(res, notFound("check-in"), "check-in")
}
