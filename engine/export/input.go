package export

import (
	"encoding/json"
	"time"
)

// Package is everything one export holds, already filtered for privacy by
// the caller: row-level slices and streams hold consented members only,
// under their pseudonyms, and suppressed aggregates are marked.
type Package struct {
	Meta            Meta
	Members         []Member
	Rounds          []Round
	Agenda          []AgendaItem
	Proposals       []Proposal
	Lineage         []LineageLink
	Decisions       []Decision
	RuleEvaluations []RuleEvaluation
	Metrics         []Metric
	Reflections     []Reflection
	CheckIns        []CheckInCount
	// Events streams the rating events of consented members in order of
	// creation; Current streams the current ratings among them. Both may be
	// called more than once and must yield the same rows each time.
	Events  EventSource
	Current EventSource
	// NEvents is the number of rows Events yields, for progress.
	NEvents int
	// OpinionGroups gives a member's opinion group (1, 2, …) in the latest
	// analysed round, for Polis's group-id; members not placed are absent.
	OpinionGroups map[string]int
}

// EventSource calls fn for every rating event it holds, in order; it stops
// at fn's first error and returns it. fn must not keep the event: the
// source may reuse it.
type EventSource func(fn func(*RatingEvent) error) error

// Meta describes the group and the export.
type Meta struct {
	// Name is the package name (lower case letters, digits, '-', '_', '.').
	Name string
	// Title is the group's name.
	Title string
	// Created is when the export was made (UTC).
	Created         time.Time
	AnalysisVersion string
	Scale           Scale
	QuantileType    int
	MinCellSize     int
	Perspectives    []string
	Anonymous       bool
	// CurrentRuleVersion is the version of the group's consensus rule that
	// its reports use now.
	CurrentRuleVersion int
	Rules              []Rule
	// CheckInsRecorded is false while Allvoice keeps no check-ins, so that
	// the codebook says why checkins.csv is empty.
	CheckInsRecorded bool
	// Imported names the source of an imported group ("" for none).
	Imported string
}

// Scale is the group's rating scale.
type Scale struct {
	Kind        string
	Values      []int
	AgreeMin    int
	AgreeMax    int
	DisagreeMin int
	DisagreeMax int
}

// InAgree reports whether v lies in the agree zone.
func (s Scale) InAgree(v int) bool { return v >= s.AgreeMin && v <= s.AgreeMax }

// InDisagree reports whether v lies in the disagree zone.
func (s Scale) InDisagree(v int) bool { return v >= s.DisagreeMin && v <= s.DisagreeMax }

// Rule is one version of the group's consensus rule.
type Rule struct {
	Version   int
	CreatedAt time.Time
	// JSON is the rule exactly as the engine stores and applies it.
	JSON json.RawMessage
	// Words says the rule in plain words for the codebook.
	Words string
}

// Member is a consented member.
type Member struct {
	ID string
	// PolisID is the member's participant number in the Polis view.
	PolisID     int
	Perspective string
	Role        string
	// JoinedAt is nil in anonymous groups: the moment someone joined
	// would name them to anyone who saw the group's member list.
	JoinedAt       *time.Time
	ReasonsConsent bool
}

// Round is one round of the group.
type Round struct {
	Number      int
	Prompt      string
	State       string
	Combined    bool
	RuleVersion int
	CreatedAt   time.Time
	OpenedAt    *time.Time
	ClosedAt    *time.Time
	AgendaSize  int
}

// AgendaItem puts a proposal on a round's agenda.
type AgendaItem struct {
	Round    int
	Proposal int
	Position int
	Source   string
	// BaselineRound is the round whose distribution is the baseline (0 for none).
	BaselineRound int
}

// Text statuses: why a free-text cell is or is not filled.
const (
	TextExported        = "exported"
	TextNone            = "none"
	TextWithheldConsent = "withheld_consent"
	TextWithheldHidden  = "withheld_hidden"
)

// Author statuses of a proposal.
const (
	AuthorExported    = "exported"
	AuthorNotExported = "not_exported"
	AuthorNone        = "none"
	// AuthorWithheldAnonymous: in an anonymous group, authorship is public
	// in the group but ratings are not, so a proposal credited to the
	// pseudonym that carries its author's ratings would let anyone who
	// knows who proposed what read how they rated.
	AuthorWithheldAnonymous = "withheld_anonymous"
)

// Proposal is a proposal with its export number.
type Proposal struct {
	Number int
	// Round is the number of the round it was first proposed in.
	Round int
	// AuthorID is the author's pseudonym when AuthorStatus is exported.
	AuthorID     string
	AuthorStatus string
	Text         string
	EasyRead     string
	TextStatus   string
	State        string
	LineageKind  string
	CreatedAt    time.Time
}

// LineageLink says Proposal rewords, merges or splits Parent.
type LineageLink struct {
	Proposal int
	Parent   int
	Kind     string
}

// RatingEvent is one rating event of a consented member.
type RatingEvent struct {
	// Seq numbers the exported events from 1 in order of creation.
	Seq      int
	Round    int
	Proposal int
	MemberID string
	PolisID  int
	// Value is nil for a pass.
	Value          *int
	Pass           bool
	Mode           string
	Reason         string
	ReasonStatus   string
	ChangeCategory string
	// PreviousSeq is the event this one replaced (0 for none).
	PreviousSeq int
	// EnteredBy is the pseudonym of a consented member who entered the
	// rating for this member ("" when self or not exported).
	EnteredBy     string
	EnteredBySelf bool
	CreatedAt     time.Time
}

// Decision is a decision on a proposal when a round closed.
type Decision struct {
	Round           int
	Proposal        int
	Outcome         string
	Rationale       string
	RationaleStatus string
	RuleVersion     int
	Verdict         string
	// Evidence withheld (nil) where it would let a small number of
	// unexported ratings be worked out.
	NRated     *int
	PctAgree   *float64
	Dissenters *int
	ReviewDate *time.Time
	CreatedAt  time.Time
}

// Rule evaluation scopes and populations.
const (
	ScopeOverall     = "overall"
	ScopePerspective = "perspective"

	PopulationAll       = "all"
	PopulationConsented = "consented"
)

// RuleEvaluation is one proposal's result in one round under one rule
// version, overall or within one perspective.
type RuleEvaluation struct {
	Round       int
	Proposal    int
	RuleVersion int
	// Current marks the rule version the group's reports use now.
	Current bool
	// RoundRule marks the version fixed for the round when it opened.
	RoundRule   bool
	Scope       string
	Perspective string
	Population  string
	Suppressed  bool
	NRated      *int
	NPassed     *int
	// NUnexported counts the ratings in the cell from members absent from
	// the row-level tables (population all only).
	NUnexported   *int
	NAgree        *int
	NDisagree     *int
	PctAgree      *float64
	PctAgreeLower *float64
	PctAgreeUpper *float64
	PctDisagree   *float64
	Median        *float64
	Q1            *float64
	Q3            *float64
	IQR           *float64
	AgreementA    *float64
	Verdict       string
}

// Metric is one round-level statistic, overall or within a perspective.
type Metric struct {
	Round       int
	Name        string
	Scope       string
	Perspective string
	Value       *float64
	Suppressed  bool
	// Note says why Value is absent when it is not suppressed.
	Note string
}

// Reflection is a consented member's note on a round.
type Reflection struct {
	Round     int
	MemberID  string
	Text      string
	CreatedAt time.Time
}

// CheckInCount counts check-ins in one zone of one round.
type CheckInCount struct {
	Round       int
	Zone        string
	Scope       string
	Perspective string
	N           *int
	Suppressed  bool
}
