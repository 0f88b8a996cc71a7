package engine

import (
	"context"
	"time"
)

// InviteInput creates an invite link.
type InviteInput struct {
	Kind string
	Role string
	// Perspective, when set, is given to everyone who joins by this link.
	Perspective string
	Label       string
	// MaxUses bounds a reusable invite (default 100); single-use is 1.
	MaxUses int
	// ExpiresIn is how long the link works (default 14 days, at most 90).
	ExpiresIn time.Duration
}

// CreateInvite issues an invite link and returns it with its secret token,
// which is shown once and stored only as a hash.
func (e *Engine) CreateInvite(ctx context.Context, actor Actor, groupID string, in InviteInput) (*Invite, string, error) {
	var v validator
	if in.Kind == "" {
		in.Kind = InviteSingleUse
	}
	v.oneOf("kind", in.Kind, InviteSingleUse, InviteReusable)
	if in.Role == "" {
		in.Role = RoleMember
	}
	v.oneOf("role", in.Role, Roles...)
	v.text("label", &in.Label, false, MaxNameLen)
	v.text("perspective", &in.Perspective, false, MaxNameLen)
	switch {
	case in.Kind == InviteSingleUse:
		in.MaxUses = 1
	case in.MaxUses == 0:
		in.MaxUses = 100
	default:
		v.intRange("max_uses", in.MaxUses, 1, 10000)
	}
	if in.ExpiresIn == 0 {
		in.ExpiresIn = 14 * 24 * time.Hour
	}
	if in.ExpiresIn < time.Hour || in.ExpiresIn > 90*24*time.Hour {
		v.fail("expires_in_hours", "must be between 1 hour and 90 days")
	}
	if err := v.err(); err != nil {
		return nil, "", err
	}
	var inv *Invite
	token, hash := NewToken(prefixInvite)
	err := e.store.InTx(ctx, func(tx Tx) error {
		a, err := e.authorize(ctx, tx, actor, groupID, PermManageGroup)
		if err != nil {
			return err
		}
		if err := a.group.Settings.checkPerspective("perspective", in.Perspective); err != nil {
			return err
		}
		now := e.Now()
		inv = &Invite{ID: NewID(now), GroupID: groupID, Kind: in.Kind, Role: in.Role, Perspective: in.Perspective,
			Label: in.Label, MaxUses: in.MaxUses, ExpiresAt: now.Add(in.ExpiresIn), CreatedBy: a.member.ID,
			CreatedAt: now, TokenHash: hash}
		if err := tx.CreateInvite(ctx, inv); err != nil {
			return err
		}
		return e.audit(ctx, tx, groupID, a.member.ID, "invite.created", "invite", inv.ID)
	})
	if err != nil {
		return nil, "", err
	}
	return inv, token, nil
}

// ListInvites lists a group's invites for its facilitators.
func (e *Engine) ListInvites(ctx context.Context, actor Actor, groupID string) ([]*Invite, error) {
	if _, err := e.authorize(ctx, e.store, actor, groupID, PermManageGroup); err != nil {
		return nil, err
	}
	return e.store.Invites(ctx, groupID)
}

// RevokeInvite stops an invite link from working.
func (e *Engine) RevokeInvite(ctx context.Context, actor Actor, inviteID string) error {
	if !validID(inviteID) {
		return Errorf(ENOTFOUND, "Invite not found.")
	}
	return e.store.InTx(ctx, func(tx Tx) error {
		inv, err := tx.InviteByID(ctx, inviteID)
		if err != nil {
			return notFoundAs(err, "Invite not found.")
		}
		a, err := e.groupAccess(ctx, tx, actor, inv.GroupID)
		if err != nil {
			return notFoundAs(err, "Invite not found.")
		}
		if err := a.require("", PermManageGroup); err != nil {
			return err
		}
		if err := tx.RevokeInvite(ctx, inviteID, e.Now()); err != nil {
			return err
		}
		return e.audit(ctx, tx, inv.GroupID, a.member.ID, "invite.revoked", "invite", inviteID)
	})
}

// InvitePreview is what a person sees before joining: enough to decide,
// nothing about other members.
type InvitePreview struct {
	// GroupID lets a device already signed in to the group say so
	// instead of joining a second time.
	GroupID      string   `json:"group_id"`
	GroupName    string   `json:"group_name"`
	Description  string   `json:"description,omitempty"`
	GroundRules  string   `json:"ground_rules,omitempty"`
	Perspectives []string `json:"perspectives"`
	// Perspective is fixed by the invite when set.
	Perspective string `json:"perspective,omitempty"`
	Role        string `json:"role"`
	Anonymous   bool   `json:"anonymous"`
	// FacilitatorsSeeIdentities tells the person, before they join, whether
	// facilitators can see who rated what.
	FacilitatorsSeeIdentities bool `json:"facilitators_see_identities"`
}

// usableInvite finds the invite for token and checks it can be used now.
func (e *Engine) usableInvite(ctx context.Context, r Reader, token string) (*Invite, error) {
	bad := &Error{Code: ENOTFOUND, Message: "This invite link does not work. It may have expired or been used already; ask your facilitator for a new one.",
		Fields: []FieldError{{Field: "token", Rule: "must be a current invite link"}}}
	if token == "" || len(token) > 200 {
		return nil, bad
	}
	inv, err := r.InviteByHash(ctx, HashToken(token))
	if ErrorCode(err) == ENOTFOUND {
		return nil, bad
	} else if err != nil {
		return nil, err
	}
	if inv.RevokedAt != nil || !e.Now().Before(inv.ExpiresAt) || inv.Uses >= inv.MaxUses {
		return nil, bad
	}
	return inv, nil
}

// PreviewInvite describes the group an invite link leads to.
func (e *Engine) PreviewInvite(ctx context.Context, token string) (*InvitePreview, error) {
	inv, err := e.usableInvite(ctx, e.store, token)
	if err != nil {
		return nil, err
	}
	g, err := e.store.GroupByID(ctx, inv.GroupID)
	if err != nil {
		return nil, err
	}
	return &InvitePreview{GroupID: g.ID, GroupName: g.Name, Description: g.Description, GroundRules: g.Settings.GroundRules,
		Perspectives: g.Settings.Perspectives, Perspective: inv.Perspective, Role: inv.Role,
		Anonymous: g.Settings.Anonymous, FacilitatorsSeeIdentities: g.Settings.FacilitatorsSeeIdentities}, nil
}

// JoinInput is what a person gives when joining by invite. Only the display
// name is required; nobody is made to say anything else.
type JoinInput struct {
	Token           string
	DisplayName     string
	Perspective     string
	ResearchConsent bool
	ReasonsConsent  bool
	AccessNeeds     string
	// JoinKey, when given, makes joining idempotent: the same key sent
	// again within JoinKeyTTL (a double-clicked form, a retry on a bad
	// connection) returns the member the first submission created, with a
	// new session, instead of making a second member.
	JoinKey string
}

// JoinKeyTTL is how long a join key finds the member it created.
const JoinKeyTTL = time.Hour

// Join redeems an invite: it creates the member and a long-lived member
// session, and returns the session secret. If the actor is a signed-in
// account, the membership is linked to it instead (for evaluators,
// safeguarding leads and co-facilitators).
func (e *Engine) Join(ctx context.Context, actor Actor, in JoinInput) (*Member, string, error) {
	var v validator
	v.text("display_name", &in.DisplayName, true, MaxNameLen)
	v.text("perspective", &in.Perspective, false, MaxNameLen)
	v.text("access_needs", &in.AccessNeeds, false, MaxReasonLen)
	v.text("join_key", &in.JoinKey, false, MaxKeyLen)
	if err := v.err(); err != nil {
		return nil, "", err
	}
	keyHash := ""
	if in.JoinKey != "" {
		keyHash = HashToken(in.JoinKey)
		if m, token, err := e.rejoin(ctx, actor, in.Token, keyHash); m != nil || err != nil {
			return m, token, err
		}
	}
	m, token, err := e.join(ctx, actor, in, keyHash)
	if err != nil && keyHash != "" {
		// Another submission with the same key may have won the race (and
		// used up a single-use invite): it made the member.
		if m, token, err2 := e.rejoin(ctx, actor, in.Token, keyHash); m != nil || err2 != nil {
			return m, token, err2
		}
	}
	return m, token, err
}

// rejoin returns the member an earlier submission with the same join key
// created, or nothing when there was none.
func (e *Engine) rejoin(ctx context.Context, actor Actor, inviteToken, keyHash string) (*Member, string, error) {
	var m *Member
	var token string
	err := e.store.InTx(ctx, func(tx Tx) error {
		found, err := tx.MemberByJoinKey(ctx, keyHash)
		if ErrorCode(err) == ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		inv, err := tx.InviteByHash(ctx, HashToken(inviteToken))
		if err != nil && ErrorCode(err) != ENOTFOUND {
			return err
		}
		if inv == nil || inv.GroupID != found.GroupID || found.AccountID != actor.AccountID || found.ErasedAt != nil ||
			!e.Now().Before(found.CreatedAt.Add(JoinKeyTTL)) {
			return &Error{Code: ECONFLICT, Message: "This form was sent already. Open your group from the start page, or use your invite link again.",
				Fields: []FieldError{{Field: "join_key", Rule: "must not have been used before"}}}
		}
		m = found
		if actor.AccountID == "" {
			if token, err = e.newSession(ctx, tx, Session{Kind: SessionMember, MemberID: m.ID}, e.memberSessionTTL); err != nil {
				return err
			}
		}
		return e.audit(ctx, tx, m.GroupID, m.ID, "member.join_repeated", "member", m.ID)
	})
	if err != nil {
		return nil, "", err
	}
	return m, token, nil
}

// join creates the member for a first submission.
func (e *Engine) join(ctx context.Context, actor Actor, in JoinInput, keyHash string) (*Member, string, error) {
	var m *Member
	var token string
	err := e.store.InTx(ctx, func(tx Tx) error {
		inv, err := e.usableInvite(ctx, tx, in.Token)
		if err != nil {
			return err
		}
		g, err := tx.GroupByID(ctx, inv.GroupID)
		if err != nil {
			return err
		}
		if inv.Perspective != "" {
			in.Perspective = inv.Perspective
		}
		if err := g.Settings.checkPerspective("perspective", in.Perspective); err != nil {
			return err
		}
		now := e.Now()
		if err := tx.UseInvite(ctx, inv.ID, now); err != nil {
			if ErrorCode(err) == ECONFLICT {
				return &Error{Code: ECONFLICT, Message: "This invite link has just been used up; ask your facilitator for a new one.",
					Fields: []FieldError{{Field: "token", Rule: "must be a current invite link"}}}
			}
			return err
		}
		m = &Member{ID: NewID(now), GroupID: g.ID, AccountID: actor.AccountID, DisplayName: in.DisplayName,
			Perspective: in.Perspective, Role: inv.Role, ResearchConsent: in.ResearchConsent,
			ReasonsConsent: in.ReasonsConsent, AccessNeeds: in.AccessNeeds, CreatedAt: now, JoinKeyHash: keyHash}
		if err := tx.CreateMember(ctx, m); err != nil {
			if ErrorCode(err) == ECONFLICT && keyHash == "" {
				return Errorf(ECONFLICT, "Your account is already a member of this group.")
			}
			return err
		}
		if actor.AccountID == "" {
			token, err = e.newSession(ctx, tx, Session{Kind: SessionMember, MemberID: m.ID}, e.memberSessionTTL)
			if err != nil {
				return err
			}
		}
		return e.audit(ctx, tx, g.ID, m.ID, "member.joined", "invite", inv.ID)
	})
	if err != nil {
		return nil, "", err
	}
	return m, token, nil
}

// MemberView is a member as another person may see them. Fields the viewer
// may not see are empty.
type MemberView struct {
	ID          string     `json:"id"`
	DisplayName string     `json:"display_name,omitempty"`
	Perspective string     `json:"perspective,omitempty"`
	Role        string     `json:"role"`
	Consents    *Consents  `json:"consents,omitempty"`
	CreatedAt   *time.Time `json:"created_at,omitempty"`
	Erased      bool       `json:"erased,omitempty"`
	// ByInvite, shown to facilitators, says the member joined by invite
	// link rather than with an account, so a sign-in link can help them
	// onto a new device.
	ByInvite bool `json:"by_invite,omitempty"`
}

// Consents are a member's research consents, shown to facilitators.
type Consents struct {
	Research bool `json:"research"`
	Reasons  bool `json:"reasons"`
}

// ListMembers lists a group's members as the actor may see them:
// facilitators see everything, members and observers see names and
// perspectives, evaluators see only pseudonyms and perspectives.
func (e *Engine) ListMembers(ctx context.Context, actor Actor, groupID string) ([]MemberView, error) {
	a, err := e.authorize(ctx, e.store, actor, groupID, PermViewGroup)
	if err != nil {
		return nil, err
	}
	ms, err := e.store.Members(ctx, groupID)
	if err != nil {
		return nil, err
	}
	role := a.role("")
	out := make([]MemberView, 0, len(ms))
	for _, m := range ms {
		mv := MemberView{ID: m.ID, DisplayName: m.DisplayName, Perspective: m.Perspective, Role: m.Role, Erased: m.ErasedAt != nil}
		switch {
		case role == RoleFacilitator:
			created := m.CreatedAt
			mv.CreatedAt = &created
			mv.Consents = &Consents{Research: m.ResearchConsent, Reasons: m.ReasonsConsent}
			mv.ByInvite = m.AccountID == ""
		case role == RoleEvaluator:
			mv.ID, mv.DisplayName = Pseudonym(a.group, m.ID), ""
		}
		if m.ErasedAt != nil {
			mv.DisplayName = ""
		}
		out = append(out, mv)
	}
	return out, nil
}

// AddMemberInput adds a member in the room, without an invite, for a
// facilitator to enter their ratings with them (mode assisted).
type AddMemberInput struct {
	DisplayName string
	Perspective string
}

// AddMemberInRoom adds a member who has no link or device of their own.
func (e *Engine) AddMemberInRoom(ctx context.Context, actor Actor, groupID string, in AddMemberInput) (*Member, error) {
	var v validator
	v.text("display_name", &in.DisplayName, true, MaxNameLen)
	v.text("perspective", &in.Perspective, false, MaxNameLen)
	if err := v.err(); err != nil {
		return nil, err
	}
	var m *Member
	err := e.store.InTx(ctx, func(tx Tx) error {
		a, err := e.authorize(ctx, tx, actor, groupID, PermAssist)
		if err != nil {
			return err
		}
		if err := a.group.Settings.checkPerspective("perspective", in.Perspective); err != nil {
			return err
		}
		now := e.Now()
		m = &Member{ID: NewID(now), GroupID: groupID, DisplayName: in.DisplayName, Perspective: in.Perspective, Role: RoleMember, CreatedAt: now}
		if err := tx.CreateMember(ctx, m); err != nil {
			return err
		}
		return e.audit(ctx, tx, groupID, a.member.ID, "member.added_in_room", "member", m.ID)
	})
	return m, err
}

// MemberUpdate changes a member's own details. Nil fields stay as they are.
type MemberUpdate struct {
	DisplayName     *string
	Perspective     *string
	ResearchConsent *bool
	ReasonsConsent  *bool
	AccessNeeds     *string
}

// UpdateMember changes a member's details: members change their own,
// facilitators may correct name and perspective. Consents are the
// member's alone to give or withdraw.
func (e *Engine) UpdateMember(ctx context.Context, actor Actor, memberID string, in MemberUpdate) (*Member, error) {
	if !validID(memberID) {
		return nil, Errorf(ENOTFOUND, "Member not found.")
	}
	var v validator
	if in.DisplayName != nil {
		v.text("display_name", in.DisplayName, true, MaxNameLen)
	}
	if in.Perspective != nil {
		v.text("perspective", in.Perspective, false, MaxNameLen)
	}
	if in.AccessNeeds != nil {
		v.text("access_needs", in.AccessNeeds, false, MaxReasonLen)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	var out *Member
	err := e.store.InTx(ctx, func(tx Tx) error {
		m, a, err := e.memberAccess(ctx, tx, actor, memberID)
		if err != nil {
			return err
		}
		self := a.member.ID == m.ID
		if !self {
			if err := a.require("", PermManageGroup); err != nil {
				return err
			}
			if in.ResearchConsent != nil || in.ReasonsConsent != nil || in.AccessNeeds != nil {
				return Errorf(EFORBIDDEN, "Only the member can change their consents and access needs.")
			}
		}
		if in.Perspective != nil {
			if err := a.group.Settings.checkPerspective("perspective", *in.Perspective); err != nil {
				return err
			}
		}
		if in.DisplayName != nil {
			m.DisplayName = *in.DisplayName
		}
		if in.Perspective != nil {
			m.Perspective = *in.Perspective
		}
		if in.ResearchConsent != nil {
			m.ResearchConsent = *in.ResearchConsent
		}
		if in.ReasonsConsent != nil {
			m.ReasonsConsent = *in.ReasonsConsent
		}
		if in.AccessNeeds != nil {
			m.AccessNeeds = *in.AccessNeeds
		}
		if err := tx.UpdateMember(ctx, m); err != nil {
			return err
		}
		out = m
		return e.audit(ctx, tx, m.GroupID, a.member.ID, "member.updated", "member", m.ID)
	})
	return out, err
}

// AssignRole gives a member a role group-wide (roundID empty) or for one
// round (a member may co-facilitate round 3). The history is kept.
func (e *Engine) AssignRole(ctx context.Context, actor Actor, memberID, role, roundID string) (*RoleAssignment, error) {
	var v validator
	v.oneOf("role", role, Roles...)
	if roundID != "" {
		v.id("round_id", roundID)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if !validID(memberID) {
		return nil, Errorf(ENOTFOUND, "Member not found.")
	}
	var ra *RoleAssignment
	err := e.store.InTx(ctx, func(tx Tx) error {
		m, a, err := e.memberAccess(ctx, tx, actor, memberID)
		if err != nil {
			return err
		}
		if err := a.require("", PermManageGroup); err != nil {
			return err
		}
		if roundID != "" {
			rd, err := tx.RoundByID(ctx, roundID)
			if err != nil || rd.GroupID != m.GroupID {
				return invalid("round_id", "must be a round of this group")
			}
		}
		if m.ID == a.member.ID && roundID == "" && role != RoleFacilitator {
			// A group must never lose its last facilitator by accident.
			ms, err := tx.Members(ctx, m.GroupID)
			if err != nil {
				return err
			}
			n := 0
			for _, o := range ms {
				if o.Role == RoleFacilitator && o.ErasedAt == nil {
					n++
				}
			}
			if n <= 1 {
				return Errorf(ECONFLICT, "A group needs at least one facilitator; give the role to someone else first.")
			}
		}
		now := e.Now()
		ra = &RoleAssignment{ID: NewID(now), MemberID: m.ID, RoundID: roundID, Role: role, AssignedBy: a.member.ID, CreatedAt: now}
		if err := tx.CreateRoleAssignment(ctx, ra); err != nil {
			return err
		}
		if roundID == "" {
			m.Role = role
			if err := tx.UpdateMember(ctx, m); err != nil {
				return err
			}
		}
		return e.audit(ctx, tx, m.GroupID, a.member.ID, "member.role_assigned", "member", m.ID)
	})
	return ra, err
}

// RevokeMemberSessions signs a member out everywhere (a lost phone, a link
// shared by mistake). Members may do it for themselves.
func (e *Engine) RevokeMemberSessions(ctx context.Context, actor Actor, memberID string) error {
	if !validID(memberID) {
		return Errorf(ENOTFOUND, "Member not found.")
	}
	return e.store.InTx(ctx, func(tx Tx) error {
		m, a, err := e.memberAccess(ctx, tx, actor, memberID)
		if err != nil {
			return err
		}
		if a.member.ID != m.ID {
			if err := a.require("", PermManageGroup); err != nil {
				return err
			}
		}
		if err := tx.RevokeMemberSessions(ctx, m.ID, e.Now()); err != nil {
			return err
		}
		return e.audit(ctx, tx, m.GroupID, a.member.ID, "member.sessions_revoked", "member", m.ID)
	})
}

// memberAccess resolves a member and the actor's standing in the member's
// group; a member of a group the actor is not in is not found.
func (e *Engine) memberAccess(ctx context.Context, r Reader, actor Actor, memberID string) (*Member, *access, error) {
	m, err := r.MemberByID(ctx, memberID)
	if err != nil {
		return nil, nil, notFoundAs(err, "Member not found.")
	}
	a, err := e.groupAccess(ctx, r, actor, m.GroupID)
	if err != nil {
		return nil, nil, notFoundAs(err, "Member not found.")
	}
	return m, a, nil
}
