package engine

import "time"

// Concern statuses, in the order a safeguarding lead moves through them.
const (
	ConcernOpen       = "open"
	ConcernInProgress = "in_progress"
	ConcernClosed     = "closed"
)

// ConcernStatuses lists the statuses of a concern.
var ConcernStatuses = []string{ConcernOpen, ConcernInProgress, ConcernClosed}

// Concern sources: the concern form, or a member's choice on the check-in
// page to tell the safeguarding lead.
const (
	ConcernFromForm    = "form"
	ConcernFromCheckIn = "checkin"
)

// Concern is a safeguarding concern. Only the group's safeguarding leads
// and the member who raised it may read it; its text never appears in
// audit events, logs, error messages or exports.
type Concern struct {
	ID      string `json:"id"`
	GroupID string `json:"group_id"`
	// RaisedBy is the member who raised it.
	RaisedBy string `json:"raised_by"`
	Text     string `json:"text"`
	// RoundID, ProposalID and MemberID optionally say what it is about.
	RoundID    string `json:"round_id,omitempty"`
	ProposalID string `json:"proposal_id,omitempty"`
	MemberID   string `json:"member_id,omitempty"`
	Source     string `json:"source"`
	// CheckInZone is the zone of the check-in it was raised from.
	CheckInZone string `json:"checkin_zone,omitempty"`
	// Status is the status the latest action left it in.
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ConcernAction is one response a safeguarding lead recorded on a
// concern: what was done, its outcome, what was learned and the status it
// left the concern in. Actions are append-only.
type ConcernAction struct {
	ID        string    `json:"id"`
	ConcernID string    `json:"concern_id"`
	GroupID   string    `json:"group_id"`
	ActorID   string    `json:"actor_id"`
	Action    string    `json:"action"`
	Outcome   string    `json:"outcome,omitempty"`
	Learning  string    `json:"learning,omitempty"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}
