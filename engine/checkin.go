package engine

import "time"

// Check-in zones: how a member feels about a round as it starts. The
// panic zone is the red one, where the check-in page offers the
// safeguarding route.
const (
	CheckInComfort = "comfort"
	CheckInStretch = "stretch"
	CheckInPanic   = "panic"
)

// CheckInZones lists the check-in zones from comfortable to not.
var CheckInZones = []string{CheckInComfort, CheckInStretch, CheckInPanic}

// CheckIn is a member's check-in on a round: private to them, counted for
// facilitators only in aggregate unless Shared.
type CheckIn struct {
	RoundID  string `json:"round_id"`
	GroupID  string `json:"group_id"`
	MemberID string `json:"member_id"`
	Zone     string `json:"zone"`
	// Shared: the member chose to let facilitators see their own check-in.
	Shared    bool      `json:"shared"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}
