package engine

import "time"

// Round states, in lifecycle order.
const (
	RoundDraft     = "draft"
	RoundProposing = "proposing"
	RoundRating    = "rating"
	RoundClosed    = "closed"
)

// Carry-forward rules applied when a round's agenda is built from the
// previous round.
const (
	// CarryWithoutConsensus carries every proposal whose verdict was not
	// consensus_for or consensus_against and that has no final decision.
	CarryWithoutConsensus = "carry_without_consensus"
	// DropConsensusAgainst leaves out proposals with consensus against.
	DropConsensusAgainst = "drop_consensus_against"
	// CarryAll carries every proposal of the previous agenda that has no
	// final decision.
	CarryAll = "carry_all"
)

// Round is one iteration of a group's work with a prompt.
type Round struct {
	ID      string `json:"id"`
	GroupID string `json:"group_id"`
	Number  int    `json:"number"`
	Prompt  string `json:"prompt"`
	State   string `json:"state"`
	// Combined allows proposing and rating at the same time.
	Combined   bool       `json:"combined"`
	OpensAt    *time.Time `json:"opens_at,omitempty"`
	ClosesAt   *time.Time `json:"closes_at,omitempty"`
	CarryRules []string   `json:"carry_rules,omitempty"`
	// RuleVersion is the consensus-rule version the round is judged by,
	// fixed when it opens.
	RuleVersion int        `json:"rule_version"`
	CreatedAt   time.Time  `json:"created_at"`
	OpenedAt    *time.Time `json:"opened_at,omitempty"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
}

// acceptsProposals reports whether members may add proposals now.
func (r *Round) acceptsProposals() bool {
	return r.State == RoundProposing || (r.Combined && r.State == RoundRating)
}

// acceptsRatings reports whether members may rate now.
func (r *Round) acceptsRatings() bool {
	return r.State == RoundRating || (r.Combined && r.State == RoundProposing)
}

// Agenda item sources.
const (
	AgendaNew     = "new"
	AgendaCarried = "carried"
	AgendaRevisit = "revisit"
)

// AgendaItem puts a proposal on a round's agenda. For carried and revisited
// items BaselineRoundID names the round whose distribution is shown as the
// baseline.
type AgendaItem struct {
	RoundID         string    `json:"round_id"`
	ProposalID      string    `json:"proposal_id"`
	Source          string    `json:"source"`
	BaselineRoundID string    `json:"baseline_round_id,omitempty"`
	Position        int       `json:"position"`
	CreatedAt       time.Time `json:"created_at"`
}
