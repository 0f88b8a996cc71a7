package engine

import "time"

// Roles a member can hold, per group and per round.
const (
	RoleMember           = "member"
	RoleFacilitator      = "facilitator"
	RoleObserver         = "observer"
	RoleEvaluator        = "evaluator"
	RoleSafeguardingLead = "safeguarding_lead"
)

// Member is a person in a group. A member who joined by invite has no
// account; facilitators, evaluators and safeguarding leads are members
// linked to their account.
type Member struct {
	ID          string `json:"id"`
	GroupID     string `json:"group_id"`
	AccountID   string `json:"account_id,omitempty"`
	DisplayName string `json:"display_name"`
	Perspective string `json:"perspective,omitempty"`
	// Role is the member's group-wide role; RoleAssignment can override it
	// for one round.
	Role string `json:"role"`
	// ResearchConsent: the member's rows may appear in evaluator exports.
	ResearchConsent bool `json:"research_consent"`
	// ReasonsConsent: the member's reasons may appear in exports.
	ReasonsConsent bool `json:"reasons_consent"`
	// AccessNeeds is free text the member chooses to share ("large text").
	AccessNeeds string     `json:"access_needs,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	ErasedAt    *time.Time `json:"erased_at,omitempty"`
	// JoinKeyHash is the hash of the join key the member joined with, if
	// any (see JoinInput.JoinKey).
	JoinKeyHash string `json:"-"`
}

// RoleAssignment records a change of role, group-wide (RoundID empty) or
// for one round; the history is kept.
type RoleAssignment struct {
	ID         string    `json:"id"`
	MemberID   string    `json:"member_id"`
	RoundID    string    `json:"round_id,omitempty"`
	Role       string    `json:"role"`
	AssignedBy string    `json:"assigned_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// Invite kinds.
const (
	InviteSingleUse = "single_use"
	InviteReusable  = "reusable"
)

// Invite lets people join a group without a password. Only the hash of its
// token is stored.
type Invite struct {
	ID          string     `json:"id"`
	GroupID     string     `json:"group_id"`
	Kind        string     `json:"kind"`
	Role        string     `json:"role"`
	Perspective string     `json:"perspective,omitempty"`
	Label       string     `json:"label,omitempty"`
	Uses        int        `json:"uses"`
	MaxUses     int        `json:"max_uses"`
	ExpiresAt   time.Time  `json:"expires_at"`
	RevokedAt   *time.Time `json:"revoked_at,omitempty"`
	CreatedBy   string     `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
	TokenHash   string     `json:"-"`
}
