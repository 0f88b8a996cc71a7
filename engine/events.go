package engine

import "context"

// Round event kinds published after a change is committed.
const (
	EventRating   = "rating"   // a rating was submitted or changed
	EventProposal = "proposal" // a proposal was added, moderated or rewritten
	EventState    = "state"    // the round changed state
	EventDecision = "decision" // a decision was recorded
)

// RoundEvent tells live dashboards that a round changed. It carries no
// content — no values, reasons or names — so it is safe to fan out to any
// instance and any subscriber; subscribers re-read what they may see.
type RoundEvent struct {
	GroupID string `json:"group_id"`
	RoundID string `json:"round_id"`
	Kind    string `json:"kind"`
}

// Publisher delivers round events to subscribers, in this process or, with
// PostgreSQL, in every instance.
type Publisher interface {
	Publish(ctx context.Context, ev RoundEvent)
}
