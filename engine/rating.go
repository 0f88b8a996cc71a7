package engine

import "time"

// Rating modes: how the rating reached Allvoice.
const (
	ModeSelf     = "self"
	ModeAssisted = "assisted" // a facilitator entered it with the member
	ModeInRoom   = "in_room"  // collected live in the room
	ModePaper    = "paper"    // transcribed from paper
)

// "What changed your mind?" categories.
const (
	ChangeNewInformation = "new_information"
	ChangeDiscussion     = "discussion"
	ChangeOthersViews    = "others_views"
	ChangeLivedExp       = "lived_experience"
	ChangeOther          = "other"
)

// RatingEvent is one submission of a member's position on a proposal in a
// round. Events are append-only; the latest per (round, proposal, member) is
// the member's current rating.
type RatingEvent struct {
	ID         string `json:"id"`
	GroupID    string `json:"group_id"`
	RoundID    string `json:"round_id"`
	ProposalID string `json:"proposal_id"`
	MemberID   string `json:"member_id"`
	// Value is nil when the member passed.
	Value          *int   `json:"value,omitempty"`
	Pass           bool   `json:"pass"`
	Reason         string `json:"reason,omitempty"`
	Mode           string `json:"mode"`
	ChangeCategory string `json:"change_category,omitempty"`
	// PreviousEventID is the event this one replaced as current, if any.
	PreviousEventID string    `json:"previous_event_id,omitempty"`
	EnteredBy       string    `json:"entered_by"`
	IdempotencyKey  string    `json:"-"`
	BodyHash        string    `json:"-"`
	CreatedAt       time.Time `json:"created_at"`
}
