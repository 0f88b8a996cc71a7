package bunstore

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/allvoice/allvoice/engine"
)

// memberRow is a row of members.
type memberRow struct {
	bun.BaseModel `bun:"table:members,alias:m"`

	ID              string     `bun:"id,pk"`
	GroupID         string     `bun:"group_id"`
	AccountID       string     `bun:"account_id,nullzero"`
	DisplayName     string     `bun:"display_name"`
	Perspective     string     `bun:"perspective"`
	Role            string     `bun:"role"`
	ResearchConsent bool       `bun:"research_consent"`
	ReasonsConsent  bool       `bun:"reasons_consent"`
	AccessNeeds     string     `bun:"access_needs"`
	CreatedAt       time.Time  `bun:"created_at"`
	ErasedAt        *time.Time `bun:"erased_at"`
	JoinKeyHash     string     `bun:"join_key_hash,nullzero"`
}

func newMemberRow(m *engine.Member) *memberRow {
	return &memberRow{ID: m.ID, GroupID: m.GroupID, AccountID: m.AccountID, DisplayName: m.DisplayName,
		Perspective: m.Perspective, Role: m.Role, ResearchConsent: m.ResearchConsent, ReasonsConsent: m.ReasonsConsent,
		AccessNeeds: m.AccessNeeds, CreatedAt: utc(m.CreatedAt), ErasedAt: utcPtr(m.ErasedAt), JoinKeyHash: m.JoinKeyHash}
}

func (r *memberRow) member() *engine.Member {
	return &engine.Member{ID: r.ID, GroupID: r.GroupID, AccountID: r.AccountID, DisplayName: r.DisplayName,
		Perspective: r.Perspective, Role: r.Role, ResearchConsent: r.ResearchConsent, ReasonsConsent: r.ReasonsConsent,
		AccessNeeds: r.AccessNeeds, CreatedAt: utc(r.CreatedAt), ErasedAt: utcPtr(r.ErasedAt), JoinKeyHash: r.JoinKeyHash}
}

// roleAssignmentRow is a row of role_assignments.
type roleAssignmentRow struct {
	bun.BaseModel `bun:"table:role_assignments,alias:ra"`

	ID         string    `bun:"id,pk"`
	MemberID   string    `bun:"member_id"`
	RoundID    string    `bun:"round_id,nullzero"`
	Role       string    `bun:"role"`
	AssignedBy string    `bun:"assigned_by"`
	CreatedAt  time.Time `bun:"created_at"`
}

// MemberByID returns the member with the given id, erased or not.
func (s *Store) MemberByID(ctx context.Context, id string) (*engine.Member, error) {
	var r memberRow
	if err := s.idb.NewSelect().Model(&r).ColumnExpr("m.*").Where("m.id = ?", id).Scan(ctx); err != nil {
		return nil, MapError(err, "member")
	}
	return r.member(), nil
}

// MemberByAccount returns the account's member in a group, erased or not.
func (s *Store) MemberByAccount(ctx context.Context, groupID, accountID string) (*engine.Member, error) {
	var r memberRow
	err := s.idb.NewSelect().Model(&r).ColumnExpr("m.*").Where("m.group_id = ?", groupID).Where("m.account_id = ?", accountID).Scan(ctx)
	if err != nil {
		return nil, MapError(err, "member")
	}
	return r.member(), nil
}

// MemberByJoinKey returns the member who joined with the join key's hash.
func (s *Store) MemberByJoinKey(ctx context.Context, keyHash string) (*engine.Member, error) {
	var r memberRow
	if err := s.idb.NewSelect().Model(&r).ColumnExpr("m.*").Where("m.join_key_hash = ?", keyHash).Scan(ctx); err != nil {
		return nil, MapError(err, "member")
	}
	return r.member(), nil
}

// Members lists a group's members, erased ones included, by id.
func (s *Store) Members(ctx context.Context, groupID string) ([]*engine.Member, error) {
	var rows []memberRow
	if err := s.idb.NewSelect().Model(&rows).ColumnExpr("m.*").Where("m.group_id = ?", groupID).OrderExpr("m.id").Scan(ctx); err != nil {
		return nil, MapError(err, "member")
	}
	out := make([]*engine.Member, len(rows))
	for i := range rows {
		out[i] = rows[i].member()
	}
	return out, nil
}

// RoleAssignments lists the role changes of a group's members by id, that
// is in the order they were made.
func (s *Store) RoleAssignments(ctx context.Context, groupID string) ([]engine.RoleAssignment, error) {
	var rows []roleAssignmentRow
	err := s.idb.NewSelect().Model(&rows).ColumnExpr("ra.*").Join("JOIN members AS m ON m.id = ra.member_id").
		Where("m.group_id = ?", groupID).OrderExpr("ra.id").Scan(ctx)
	if err != nil {
		return nil, MapError(err, "role assignment")
	}
	out := make([]engine.RoleAssignment, len(rows))
	for i, r := range rows {
		out[i] = engine.RoleAssignment{ID: r.ID, MemberID: r.MemberID, RoundID: r.RoundID, Role: r.Role,
			AssignedBy: r.AssignedBy, CreatedAt: utc(r.CreatedAt)}
	}
	return out, nil
}

// CreateMember stores a new member. A second member for the same account
// in a group is ECONFLICT.
func (s *Store) CreateMember(ctx context.Context, m *engine.Member) error {
	return s.atomic(ctx, func(idb bun.IDB) error {
		if err := insertNew(ctx, idb, newMemberRow(m), "member"); err != nil {
			return err
		}
		return bumpGroupRounds(ctx, idb, m.GroupID)
	})
}

// UpdateMember stores everything about a member except its id, group and
// creation time.
func (s *Store) UpdateMember(ctx context.Context, m *engine.Member) error {
	return s.atomic(ctx, func(idb bun.IDB) error {
		res, err := idb.NewUpdate().Model(newMemberRow(m)).
			Column("account_id", "display_name", "perspective", "role", "research_consent", "reasons_consent",
				"access_needs", "erased_at").
			WherePK().Exec(ctx)
		if err != nil {
			return MapError(err, "member")
		}
		if err := expectOne(res, notFound("member"), "member"); err != nil {
			return err
		}
		return bumpGroupRounds(ctx, idb, m.GroupID)
	})
}

// CreateRoleAssignment stores a change of a member's role.
func (s *Store) CreateRoleAssignment(ctx context.Context, a *engine.RoleAssignment) error {
	r := roleAssignmentRow{ID: a.ID, MemberID: a.MemberID, RoundID: a.RoundID, Role: a.Role, AssignedBy: a.AssignedBy,
		CreatedAt: utc(a.CreatedAt)}
	return s.atomic(ctx, func(idb bun.IDB) error {
		if err := insertNew(ctx, idb, &r, "role assignment"); err != nil {
			return err
		}
		// The member's group is not in the assignment: find it from the member.
		_, err := idb.NewUpdate().Table("rounds").Set("revision = revision + 1").
			Where("group_id = (SELECT group_id FROM members WHERE id = ?)", a.MemberID).Exec(ctx)
		return MapError(err, "round")
	})
}
