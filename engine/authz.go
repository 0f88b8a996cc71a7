package engine

import (
	"context"
	"slices"
)

// Permission is something a role may do in a group. Every use case checks
// one, here in the engine, so the API and the pages cannot disagree.
type Permission string

// Permissions.
const (
	PermViewGroup      Permission = "view_group"      // see the group, its rounds and visible proposals
	PermViewResults    Permission = "view_results"    // see aggregates (distributions, analysis) per the reveal policy
	PermViewIdentities Permission = "view_identities" // see who rated what (subject to anonymity settings)
	PermPropose        Permission = "propose"
	PermRate           Permission = "rate"
	PermReflect        Permission = "reflect"
	PermManageGroup    Permission = "manage_group"  // settings, invites, roles, members
	PermManageRounds   Permission = "manage_rounds" // create, open, advance, close, agenda
	PermModerate       Permission = "moderate"      // hide, reword, merge, split proposals
	PermDecide         Permission = "decide"        // record decisions
	PermAssist         Permission = "assist"        // enter ratings for members in the room
	PermViewAudit      Permission = "view_audit"
	PermViewFlags      Permission = "view_flags" // under-heard flags: facilitators only, never public
	PermExport         Permission = "export"     // pseudonymised research export
	// Safeguarding: concerns are read by the group's safeguarding leads and
	// the person who raised them; check-ins are private to their member.
	PermRaiseConcern   Permission = "raise_concern"   // raise a concern and read one's own
	PermHandleConcerns Permission = "handle_concerns" // read every concern of the group, record actions
	PermCheckIn        Permission = "check_in"        // say how one feels about a round
	PermViewCheckIns   Permission = "view_checkins"   // check-in counts per zone, and check-ins shared by their member
)

// rolePermissions is the engine's authorisation table.
var rolePermissions = map[string][]Permission{
	RoleFacilitator: {PermViewGroup, PermViewResults, PermViewIdentities, PermPropose, PermReflect,
		PermManageGroup, PermManageRounds, PermModerate, PermDecide, PermAssist, PermViewAudit, PermViewFlags, PermExport,
		PermRaiseConcern, PermViewCheckIns},
	RoleMember:           {PermViewGroup, PermViewResults, PermPropose, PermRate, PermReflect, PermRaiseConcern, PermCheckIn},
	RoleObserver:         {PermViewGroup, PermViewResults, PermRaiseConcern},
	RoleEvaluator:        {PermViewGroup, PermViewResults, PermExport, PermRaiseConcern},
	RoleSafeguardingLead: {PermViewGroup, PermReflect, PermRaiseConcern, PermHandleConcerns},
}

// Roles lists every role, in the order the UI offers them.
var Roles = []string{RoleMember, RoleFacilitator, RoleObserver, RoleEvaluator, RoleSafeguardingLead}

// RoleAllows reports whether role grants p.
func RoleAllows(role string, p Permission) bool {
	return slices.Contains(rolePermissions[role], p)
}

// access is an actor's standing in one group.
type access struct {
	group       *Group
	member      *Member
	assignments []RoleAssignment
}

// role returns the member's role in roundID ("" for group-wide): the latest
// assignment for that round, else the latest group-wide assignment, else
// the member's own role.
func (a *access) role(roundID string) string {
	role := a.member.Role
	if roundID != "" {
		for i := len(a.assignments) - 1; i >= 0; i-- {
			if ra := a.assignments[i]; ra.MemberID == a.member.ID && ra.RoundID == roundID {
				return ra.Role
			}
		}
	}
	return role
}

func (a *access) can(roundID string, p Permission) bool { return RoleAllows(a.role(roundID), p) }

// require fails with EFORBIDDEN unless the actor's role allows p.
func (a *access) require(roundID string, p Permission) error {
	if !a.can(roundID, p) {
		return Errorf(EFORBIDDEN, "Your role in this group does not allow this.")
	}
	return nil
}

// seesIdentities reports whether the actor may see who rated what.
func (a *access) seesIdentities(roundID string) bool {
	if !a.can(roundID, PermViewIdentities) {
		return false
	}
	return !a.group.Settings.Anonymous || a.group.Settings.FacilitatorsSeeIdentities
}

// groupAccess resolves the actor's standing in a group. A group the actor
// is not part of answers ENOTFOUND, so its existence is not revealed.
func (e *Engine) groupAccess(ctx context.Context, r Reader, actor Actor, groupID string) (*access, error) {
	if actor.Anonymous() {
		return nil, Errorf(EUNAUTHORIZED, "Please sign in or join with your invite link.")
	}
	if !validID(groupID) {
		return nil, Errorf(ENOTFOUND, "Group not found.")
	}
	var m *Member
	var err error
	if actor.MemberID != "" {
		m, err = r.MemberByID(ctx, actor.MemberID)
		if err == nil && m.GroupID != groupID {
			return nil, Errorf(ENOTFOUND, "Group not found.")
		}
	} else {
		m, err = r.MemberByAccount(ctx, groupID, actor.AccountID)
	}
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(ENOTFOUND, "Group not found.")
	} else if err != nil {
		return nil, err
	}
	if m.ErasedAt != nil {
		return nil, Errorf(EUNAUTHORIZED, "This membership has been erased.")
	}
	g, err := r.GroupByID(ctx, groupID)
	if err != nil {
		return nil, err
	}
	ras, err := r.RoleAssignments(ctx, groupID)
	if err != nil {
		return nil, err
	}
	return &access{group: g, member: m, assignments: ras}, nil
}

// authorize resolves the actor's standing in a group and requires a
// group-wide permission.
func (e *Engine) authorize(ctx context.Context, r Reader, actor Actor, groupID string, p Permission) (*access, error) {
	a, err := e.groupAccess(ctx, r, actor, groupID)
	if err != nil {
		return nil, err
	}
	if err := a.require("", p); err != nil {
		return nil, err
	}
	return a, nil
}

// authorizeRound resolves a round and the actor's standing in its group,
// and requires a permission for that round (roles can differ per round).
func (e *Engine) authorizeRound(ctx context.Context, r Reader, actor Actor, roundID string, p Permission) (*Round, *access, error) {
	rd, a, err := e.roundAccess(ctx, r, actor, roundID)
	if err != nil {
		return nil, nil, err
	}
	if err := a.require(rd.ID, p); err != nil {
		return nil, nil, err
	}
	return rd, a, nil
}

// roundAccess resolves a round and the actor's standing in its group.
func (e *Engine) roundAccess(ctx context.Context, r Reader, actor Actor, roundID string) (*Round, *access, error) {
	if !validID(roundID) {
		return nil, nil, Errorf(ENOTFOUND, "Round not found.")
	}
	if actor.Anonymous() {
		return nil, nil, Errorf(EUNAUTHORIZED, "Please sign in or join with your invite link.")
	}
	rd, err := r.RoundByID(ctx, roundID)
	if err != nil {
		return nil, nil, notFoundAs(err, "Round not found.")
	}
	a, err := e.groupAccess(ctx, r, actor, rd.GroupID)
	if err != nil {
		return nil, nil, notFoundAs(err, "Round not found.")
	}
	return rd, a, nil
}

// notFoundAs rewrites an ENOTFOUND error's message so a person is told what
// was missing in the words of the request, not of the lookup.
func notFoundAs(err error, msg string) error {
	if ErrorCode(err) == ENOTFOUND {
		return Errorf(ENOTFOUND, "%s", msg)
	}
	return err
}
