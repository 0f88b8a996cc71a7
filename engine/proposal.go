package engine

import "time"

// Moderation states of a proposal.
const (
	ProposalVisible    = "visible"
	ProposalHidden     = "hidden"     // hidden as harmful; the author sees the reason
	ProposalSuperseded = "superseded" // reworded, merged or split into newer proposals
)

// Lineage kinds: how a proposal came from earlier ones.
const (
	LineageReword = "reword"
	LineageMerge  = "merge"
	LineageSplit  = "split"
)

// Proposal is an idea or candidate decision.
type Proposal struct {
	ID      string `json:"id"`
	GroupID string `json:"group_id"`
	// RoundID is the round in which it was first proposed.
	RoundID string `json:"round_id"`
	// AuthorID is the member credited; empty when erased or imported without one.
	AuthorID         string    `json:"author_id,omitempty"`
	Text             string    `json:"text"`
	EasyRead         string    `json:"easy_read,omitempty"`
	State            string    `json:"state"`
	ModerationReason string    `json:"moderation_reason,omitempty"`
	CreatedBy        string    `json:"created_by"`
	CreatedAt        time.Time `json:"created_at"`
	// Parents are the proposals this one supersedes (lineage).
	Parents []LineageLink `json:"parents,omitempty"`
}

// LineageLink ties a proposal to an earlier one it rewords, merges or splits.
type LineageLink struct {
	ProposalID string `json:"proposal_id"`
	ParentID   string `json:"parent_id"`
	Kind       string `json:"kind"`
}
