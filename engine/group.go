package engine

import (
	"time"

	"github.com/allvoice/allvoice/engine/analysis"
)

// Scale kinds a group can rate on. Every scale also offers pass.
const (
	ScaleAgreeDisagree = "agree_disagree"
	ScaleLikert5       = "likert5"
	ScaleLikert7       = "likert7"
	ScaleLikert9       = "likert9"
)

// Reveal policies: when a member sees the group's distribution for a
// proposal (Delphi feedback).
const (
	RevealNever          = "never"
	RevealAfterOwnRating = "after_own_rating"
	RevealAfterClose     = "after_close"
)

// Zone is an inclusive range of scale values.
type Zone struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

// GroupSettings are the rules a group works by. The consensus rule is
// versioned: every change increments its version and is kept, and every
// result states the version it was judged by.
type GroupSettings struct {
	Scale         string                 `json:"scale"`
	AgreeZone     *Zone                  `json:"agree_zone,omitempty"`
	DisagreeZone  *Zone                  `json:"disagree_zone,omitempty"`
	ConsensusRule analysis.ConsensusRule `json:"consensus_rule"`
	RevealPolicy  string                 `json:"reveal_policy"`
	// Anonymous hides who rated what from other members and observers.
	Anonymous bool `json:"anonymous"`
	// FacilitatorsSeeIdentities lets facilitators see who rated what in an
	// anonymous group; members are told when this is on.
	FacilitatorsSeeIdentities bool     `json:"facilitators_see_identities"`
	Perspectives              []string `json:"perspectives"`
	// MinCellSize suppresses any aggregate by perspective over fewer members.
	MinCellSize int `json:"min_cell_size"`
	// QuantileType is the Hyndman–Fan definition for medians and quartiles: 7 or 6.
	QuantileType int    `json:"quantile_type"`
	GroundRules  string `json:"ground_rules,omitempty"`
	// PolisRejectedComments is set by the Polis import: how many comments
	// Polis's moderators rejected, which Polis's own opinion map counts
	// (analysis.Snapshot.PolisModeratedOut).
	PolisRejectedComments int `json:"polis_rejected_comments,omitempty"`
}

// Group is a co-design group.
type Group struct {
	ID          string        `json:"id"`
	Name        string        `json:"name"`
	Description string        `json:"description,omitempty"`
	Settings    GroupSettings `json:"settings"`
	CreatedBy   string        `json:"created_by"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
	// PseudonymKey keys the stable pseudonyms evaluators see; it never
	// leaves the server.
	PseudonymKey string `json:"-"`
}

// RuleVersion is one version of a group's consensus rule, kept for the
// methods report and for re-judging history.
type RuleVersion struct {
	GroupID   string                 `json:"group_id"`
	Version   int                    `json:"version"`
	Rule      analysis.ConsensusRule `json:"rule"`
	CreatedAt time.Time              `json:"created_at"`
	CreatedBy string                 `json:"created_by"`
}
