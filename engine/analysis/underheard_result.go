package analysis

// UnderHeard is the under-heard voices panel (shared/ANALYSIS.md §5). It is
// for facilitators only, never a public ranking of people: member tables are
// sorted by member ID, not by score.
type UnderHeard struct {
	// Inequality is M1, participation inequality of contributions
	// (proposals + reasons + reflections).
	Inequality InequalityResult `json:"inequality"`
	// Participation is M2: contributions per round invited, Gamma–Poisson
	// shrinkage, minimum opportunity 2 rounds.
	Participation MemberRates `json:"participation"`
	// Attention is M3: responses received on a member's proposals per
	// eligible (active rater, agenda appearance) pair, Beta–binomial
	// shrinkage, minimum opportunity 10 pairs.
	Attention MemberRates `json:"attention"`
	// Uptake is M4: proposals adopted per proposal decided (credit flows
	// along lineage), Beta–binomial shrinkage.
	Uptake MemberRates `json:"uptake"`
	// BridgedSupport is M4's share of agree-zone support for a member's
	// proposals coming from outside their opinion group.
	BridgedSupport       []MemberShare `json:"bridged_support"`
	BridgedSupportReason string        `json:"bridged_support_reason,omitempty"`
	// PerspectiveUptake is M4 by perspective.
	PerspectiveUptake PerspectiveRates `json:"perspective_uptake"`
	// Representation is M6 per perspective.
	Representation []PerspectiveRepresentation `json:"representation"`
	// Divergences list proposals where a perspective's agree rate is at
	// least DivergenceMinGap from everyone else's.
	Divergences []Divergence `json:"divergences"`
	// UnrepresentedGroups is M5: opinion groups none of whose
	// representative proposals is adopted or at consensus.
	UnrepresentedGroups       []UnrepresentedGroup `json:"unrepresented_groups"`
	UnrepresentedGroupsReason string               `json:"unrepresented_groups_reason,omitempty"`
	// JustifiedRepresentation audits the adopted agenda proposals.
	JustifiedRepresentation       *JRResult `json:"justified_representation,omitempty"`
	JustifiedRepresentationReason string    `json:"justified_representation_reason,omitempty"`
	// MinorityPositions is M7: members far from the group median in this
	// and the previous round — a minority position worth hearing.
	MinorityPositions       []MinorityPosition `json:"minority_positions"`
	MinorityPositionsReason string             `json:"minority_positions_reason,omitempty"`
	// Flags are the sentences a facilitator can act on, in a fixed order
	// (kind, then member or perspective ID).
	Flags []Flag `json:"flags"`
}

// InequalityResult is M1 for this round and cumulatively.
type InequalityResult struct {
	Round            *Inequality `json:"round,omitempty"`
	RoundReason      string      `json:"round_reason,omitempty"`
	Cumulative       *Inequality `json:"cumulative,omitempty"`
	CumulativeReason string      `json:"cumulative_reason,omitempty"`
}

// MemberRates is one member-level rate metric with its pooled rate.
type MemberRates struct {
	Pooled       *float64 `json:"pooled,omitempty"`
	PooledReason string   `json:"pooled_reason,omitempty"`
	// Members lists every member with some opportunity, by member ID.
	Members []MemberRate `json:"members"`
}

// MemberRate is one member's shrunk rate. Escalated: flagged in this round
// and the previous one.
type MemberRate struct {
	Member string `json:"member"`
	RateAssessment
	FunnelZ   *float64 `json:"funnel_z,omitempty"`
	Escalated bool     `json:"escalated"`
}

// PerspectiveRates is a rate metric by perspective.
type PerspectiveRates struct {
	Pooled       *float64          `json:"pooled,omitempty"`
	PooledReason string            `json:"pooled_reason,omitempty"`
	Perspectives []PerspectiveRate `json:"perspectives"`
}

// PerspectiveRate is one perspective's shrunk rate, suppressed below the
// minimum cell size of members.
type PerspectiveRate struct {
	Perspective string          `json:"perspective"`
	Suppressed  bool            `json:"suppressed"`
	Rate        *RateAssessment `json:"rate,omitempty"`
	Escalated   bool            `json:"escalated"`
}

// MemberShare is the share of a member's support coming from outside their
// opinion group.
type MemberShare struct {
	Member string `json:"member"`
	// Supporters are agree-zone ratings on the member's agenda proposals
	// from clustered members other than the author; Outside are those from
	// another opinion group.
	Supporters int     `json:"supporters"`
	Outside    int     `json:"outside"`
	Share      float64 `json:"share"`
}

// PerspectiveRepresentation is M6 for one perspective: its share of each
// measure against its share of members, RR = share/member share. Suppressed
// below the minimum cell size of members.
type PerspectiveRepresentation struct {
	Perspective string                  `json:"perspective"`
	Suppressed  bool                    `json:"suppressed"`
	Members     *int                    `json:"members,omitempty"`
	MemberShare *float64                `json:"member_share,omitempty"`
	Measures    []RepresentationMeasure `json:"measures,omitempty"`
}

// RepresentationMeasure is one measure of M6. Flagged when Ratio < 0.8 and
// the Wilson interval of the share lies entirely below 0.8 × member share
// (the four-fifths rule, 29 CFR 1607.4(D)).
type RepresentationMeasure struct {
	// Measure is "proposals", "ratings", "adopted_authorship" or
	// "adopted_support".
	Measure string      `json:"measure"`
	Share   *Proportion `json:"share,omitempty"`
	Reason  string      `json:"reason,omitempty"`
	Ratio   *float64    `json:"ratio,omitempty"`
	Flagged bool        `json:"flagged"`
}

// Divergence is a proposal on which one perspective's agree rate differs
// from everyone else's by at least DivergenceMinGap, both sides having at
// least the minimum cell size of raters.
type Divergence struct {
	Proposal    string  `json:"proposal"`
	Perspective string  `json:"perspective"`
	Agree       float64 `json:"agree"`
	N           int     `json:"n"`
	RestAgree   float64 `json:"rest_agree"`
	RestN       int     `json:"rest_n"`
	Sentence    string  `json:"sentence"`
}

// UnrepresentedGroup is an opinion group of meaningful size none of whose
// representative (agree) proposals is adopted or at consensus.
type UnrepresentedGroup struct {
	Group          int      `json:"group"`
	Size           int      `json:"size"`
	Representative []string `json:"representative"`
}

// JRResult is the justified-representation audit of the agenda's adopted
// proposals against this round's approvals (agree-zone ratings).
type JRResult struct {
	JRAudit
	// Witness is the proposal the unrepresented members agree on.
	Witness string `json:"witness,omitempty"`
}

// MinorityPosition is a member in the top decile of mean distance from the
// proposal medians in this round and the previous one.
type MinorityPosition struct {
	Member string `json:"member"`
	// MeanDistance is the mean |rating − median| over the member's ratings
	// this round; Z standardises it within the round.
	MeanDistance         float64 `json:"mean_distance"`
	Z                    float64 `json:"z"`
	PreviousMeanDistance float64 `json:"previous_mean_distance"`
	Sentence             string  `json:"sentence"`
}

// Flag kinds.
const (
	FlagParticipation           = "participation"
	FlagAttention               = "attention"
	FlagUptake                  = "uptake"
	FlagPerspectiveUptake       = "perspective_uptake"
	FlagRepresentation          = "representation"
	FlagUnrepresentedGroup      = "unrepresented_opinion_group"
	FlagJustifiedRepresentation = "justified_representation"
)

// Flag is one under-heard warning: a sentence a facilitator can act on and
// the evidence behind it.
type Flag struct {
	Kind        string `json:"kind"`
	Member      string `json:"member,omitempty"`
	Perspective string `json:"perspective,omitempty"`
	// OpinionGroup is the group number (1-based), 0 for none.
	OpinionGroup int `json:"opinion_group,omitempty"`
	// Measure names the representation measure for Kind representation.
	Measure string `json:"measure,omitempty"`
	// Proposals link to the proposals behind the flag.
	Proposals []string `json:"proposals,omitempty"`
	// Escalated: also flagged in the previous round; notify the
	// facilitator. Rate, representation and justified-representation flags
	// are re-evaluated on the history up to the previous round;
	// unrepresented opinion groups would need that round's opinion groups,
	// which a Snapshot does not carry, and are never escalated.
	Escalated bool         `json:"escalated"`
	Sentence  string       `json:"sentence"`
	Evidence  FlagEvidence `json:"evidence"`
}

// FlagEvidence holds the numbers behind a flag.
type FlagEvidence struct {
	Count           float64  `json:"count"`
	Opportunity     float64  `json:"opportunity"`
	Rate            float64  `json:"rate"`
	Pooled          float64  `json:"pooled"`
	PosteriorMean   *float64 `json:"posterior_mean,omitempty"`
	ProbBelowPooled *float64 `json:"prob_below_pooled,omitempty"`
	// For representation: the Wilson upper bound of the share and the
	// member share it is compared with.
	Upper       *float64 `json:"upper,omitempty"`
	MemberShare *float64 `json:"member_share,omitempty"`
}
