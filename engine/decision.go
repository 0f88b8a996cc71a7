package engine

import "time"

// Decision outcomes.
const (
	DecisionAdopted    = "adopted"
	DecisionNotAdopted = "not_adopted"
	DecisionRevisit    = "revisit"
	DecisionParked     = "parked"
)

// Decision is what the group decided about a proposal when a round closed.
type Decision struct {
	ID         string `json:"id"`
	GroupID    string `json:"group_id"`
	RoundID    string `json:"round_id"`
	ProposalID string `json:"proposal_id"`
	Outcome    string `json:"outcome"`
	Rationale  string `json:"rationale"`
	// Evidence is the rule verdict and dissent the decision was taken on,
	// frozen at the time.
	Evidence   DecisionEvidence `json:"evidence"`
	ReviewDate *time.Time       `json:"review_date,omitempty"`
	DecidedBy  string           `json:"decided_by"`
	CreatedAt  time.Time        `json:"created_at"`
}

// DecisionEvidence freezes what the analysis said when a decision was taken.
type DecisionEvidence struct {
	RuleVersion  int      `json:"rule_version"`
	Verdict      string   `json:"verdict,omitempty"`
	NRated       int      `json:"n_rated"`
	PctAgree     *float64 `json:"pct_agree,omitempty"`
	Dissenters   int      `json:"dissenters"`
	Note         string   `json:"note,omitempty"`
	AnalysisNote string   `json:"analysis_version,omitempty"`
}

// Reflection is a short "what worked / what didn't" note on a round.
type Reflection struct {
	ID        string    `json:"id"`
	GroupID   string    `json:"group_id"`
	RoundID   string    `json:"round_id"`
	MemberID  string    `json:"member_id"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}

// AuditEvent is an append-only record of a change of state. It never holds
// rating values, reasons or concern text: only who did what to which thing.
type AuditEvent struct {
	ID          string    `json:"id"`
	GroupID     string    `json:"group_id,omitempty"`
	ActorID     string    `json:"actor_id,omitempty"`
	Action      string    `json:"action"`
	SubjectType string    `json:"subject_type"`
	SubjectID   string    `json:"subject_id"`
	CreatedAt   time.Time `json:"created_at"`
}
