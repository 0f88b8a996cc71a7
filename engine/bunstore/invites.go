package bunstore

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/allvoice/allvoice/engine"
)

// inviteRow is a row of invites.
type inviteRow struct {
	bun.BaseModel `bun:"table:invites,alias:i"`

	ID          string     `bun:"id,pk"`
	GroupID     string     `bun:"group_id"`
	Kind        string     `bun:"kind"`
	Role        string     `bun:"role"`
	Perspective string     `bun:"perspective"`
	Label       string     `bun:"label"`
	Uses        int        `bun:"uses"`
	MaxUses     int        `bun:"max_uses"`
	ExpiresAt   time.Time  `bun:"expires_at"`
	RevokedAt   *time.Time `bun:"revoked_at"`
	CreatedBy   string     `bun:"created_by"`
	CreatedAt   time.Time  `bun:"created_at"`
	TokenHash   string     `bun:"token_hash"`
}

func (r *inviteRow) invite() *engine.Invite {
	return &engine.Invite{ID: r.ID, GroupID: r.GroupID, Kind: r.Kind, Role: r.Role, Perspective: r.Perspective,
		Label: r.Label, Uses: r.Uses, MaxUses: r.MaxUses, ExpiresAt: utc(r.ExpiresAt), RevokedAt: utcPtr(r.RevokedAt),
		CreatedBy: r.CreatedBy, CreatedAt: utc(r.CreatedAt), TokenHash: r.TokenHash}
}

// InviteByID returns the invite with the given id.
func (s *Store) InviteByID(ctx context.Context, id string) (*engine.Invite, error) {
	var r inviteRow
	if err := s.idb.NewSelect().Model(&r).ColumnExpr("i.*").Where("i.id = ?", id).Scan(ctx); err != nil {
		return nil, MapError(err, "invite")
	}
	return r.invite(), nil
}

// InviteByHash returns the invite whose token has the given hash.
func (s *Store) InviteByHash(ctx context.Context, hash string) (*engine.Invite, error) {
	var r inviteRow
	if err := s.idb.NewSelect().Model(&r).ColumnExpr("i.*").Where("i.token_hash = ?", hash).Scan(ctx); err != nil {
		return nil, MapError(err, "invite")
	}
	return r.invite(), nil
}

// Invites lists a group's invites, used up, expired and revoked ones
// included, by id.
func (s *Store) Invites(ctx context.Context, groupID string) ([]*engine.Invite, error) {
	var rows []inviteRow
	if err := s.idb.NewSelect().Model(&rows).ColumnExpr("i.*").Where("i.group_id = ?", groupID).OrderExpr("i.id").Scan(ctx); err != nil {
		return nil, MapError(err, "invite")
	}
	out := make([]*engine.Invite, len(rows))
	for i := range rows {
		out[i] = rows[i].invite()
	}
	return out, nil
}

// CreateInvite stores a new invite; a token hash already stored is
// ECONFLICT.
func (s *Store) CreateInvite(ctx context.Context, inv *engine.Invite) error {
	r := inviteRow{ID: inv.ID, GroupID: inv.GroupID, Kind: inv.Kind, Role: inv.Role, Perspective: inv.Perspective,
		Label: inv.Label, Uses: inv.Uses, MaxUses: inv.MaxUses, ExpiresAt: utc(inv.ExpiresAt), RevokedAt: utcPtr(inv.RevokedAt),
		CreatedBy: inv.CreatedBy, CreatedAt: utc(inv.CreatedAt), TokenHash: inv.TokenHash}
	return insertNew(ctx, s.idb, &r, "invite")
}

// UseInvite counts one use of an invite in a single conditional UPDATE, so
// of two people taking the last use at once exactly one succeeds. It is
// ECONFLICT when the invite is revoked, expired at now or used up, and
// ENOTFOUND when there is no such invite.
func (s *Store) UseInvite(ctx context.Context, id string, now time.Time) error {
	res, err := s.idb.NewUpdate().Model((*inviteRow)(nil)).Set("uses = uses + 1").
		Where("id = ?", id).Where("uses < max_uses").Where("revoked_at IS NULL").Where("expires_at > ?", utc(now)).
		Exec(ctx)
	if err != nil {
		return MapError(err, "invite")
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return MapError(err, "invite")
	}
	exists, err := s.idb.NewSelect().Model((*inviteRow)(nil)).Where("i.id = ?", id).Exists(ctx)
	if err != nil {
		return MapError(err, "invite")
	}
	if !exists {
		return notFound("invite")
	}
	return engine.Errorf(engine.ECONFLICT, "this invite is used up, expired or revoked")
}

// RevokeInvite marks an invite revoked at at. Revoking a revoked invite
// keeps the first time and succeeds; an unknown id is ENOTFOUND.
func (s *Store) RevokeInvite(ctx context.Context, id string, at time.Time) error {
	res, err := s.idb.NewUpdate().Model((*inviteRow)(nil)).Set("revoked_at = ?", utc(at)).
		Where("id = ?", id).Where("revoked_at IS NULL").Exec(ctx)
	if err != nil {
		return MapError(err, "invite")
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return MapError(err, "invite")
	}
	exists, err := s.idb.NewSelect().Model((*inviteRow)(nil)).Where("i.id = ?", id).Exists(ctx)
	if err != nil {
		return MapError(err, "invite")
	}
	if !exists {
		return notFound("invite")
	}
	return nil
}
