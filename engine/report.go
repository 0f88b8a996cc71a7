package engine

import (
	"context"
	"time"

	"github.com/allvoice/allvoice/engine/analysis"
)

// ConsensusReport is the facilitator's report on one round (SPEC C7): where
// the group stands on each proposal, who disagrees and why, how stable the
// positions are, which voices are under-heard, and what to put on the next
// round's agenda. It is built from the round's cached analysis, so every
// figure is the analysis's own, and it states the consensus-rule and
// analysis versions it was judged by.
//
// People appear by name only when the reader may see identities (the
// group's anonymity settings); otherwise by their group pseudonym. Reasons
// appear only for members who consented to their reasons being shared.
type ConsensusReport struct {
	Basis ReportBasis `json:"basis"`
	Group ReportGroup `json:"group"`
	Round ReportRound `json:"round"`
	// Identities is true when people appear by name, false when by
	// pseudonym.
	Identities bool           `json:"identities"`
	Headline   ReportHeadline `json:"headline"`
	// Participation is the round's participation, by perspective where
	// each perspective has at least the minimum cell size.
	Participation analysis.Participation `json:"participation"`
	Agreement     ReportAgreement        `json:"agreement"`
	// Proposals are the cards, in agenda order.
	Proposals     []ReportCard        `json:"proposals"`
	Stability     ReportStability     `json:"stability"`
	OpinionGroups ReportOpinionGroups `json:"opinion_groups"`
	// Bridging lists proposals supported across every opinion group and
	// every reportable perspective, best first.
	Bridging      []ReportBridging  `json:"bridging"`
	BridgingHow   string            `json:"bridging_how"`
	UnderHeard    ReportUnderHeard  `json:"under_heard"`
	Attrition     *ReportAttrition  `json:"attrition,omitempty"`
	AttritionNote string            `json:"attrition_note,omitempty"`
	Agenda        SuggestedAgenda   `json:"suggested_agenda"`
	HowToRead     []ReportParagraph `json:"how_to_read"`
}

// ReportBasis says what every figure of a report was computed with.
type ReportBasis struct {
	AnalysisVersion string `json:"analysis_version"`
	// RuleVersion is the consensus-rule version the verdicts were judged
	// by; RoundRuleVersion the version fixed when the round opened. They
	// differ when the rule changed after the round opened, and RuleNote
	// says so.
	RuleVersion      int                    `json:"rule_version"`
	RoundRuleVersion int                    `json:"round_rule_version"`
	RuleNote         string                 `json:"rule_note,omitempty"`
	Rule             analysis.ConsensusRule `json:"rule"`
	// RuleText is the rule in plain words.
	RuleText string `json:"rule_text"`
	// ScaleKind is the group's scale (likert5, …); Scale its values and
	// zones.
	ScaleKind    string         `json:"scale_kind"`
	Scale        analysis.Scale `json:"scale"`
	QuantileType int            `json:"quantile_type"`
	MinCellSize  int            `json:"min_cell_size"`
}

// ReportGroup names the group a report is about.
type ReportGroup struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Perspectives []string `json:"perspectives"`
}

// ReportRound describes the round a report is about.
type ReportRound struct {
	ID        string     `json:"id"`
	Number    int        `json:"number"`
	Prompt    string     `json:"prompt"`
	State     string     `json:"state"`
	OpenedAt  *time.Time `json:"opened_at,omitempty"`
	ClosedAt  *time.Time `json:"closed_at,omitempty"`
	AgendaLen int        `json:"agenda_len"`
}

// ReportHeadline counts the agenda's proposals by verdict. Undecided is
// no consensus plus too few ratings; Settled counts proposals whose
// positions stopped moving (ANALYSIS.md §2).
type ReportHeadline struct {
	Proposals        int    `json:"proposals"`
	ConsensusFor     int    `json:"consensus_for"`
	ConsensusAgainst int    `json:"consensus_against"`
	Undecided        int    `json:"undecided"`
	TooFew           int    `json:"too_few"`
	Split            int    `json:"split"`
	Settled          int    `json:"settled"`
	Decided          int    `json:"decided"`
	How              string `json:"how"`
}

// ReportAgreement is agreement across the whole round: Kendall's W over the
// members who rated every proposal, and Krippendorff's ordinal alpha.
type ReportAgreement struct {
	KendallW           *float64 `json:"kendall_w,omitempty"`
	KendallP           *float64 `json:"kendall_p,omitempty"`
	KendallJudges      int      `json:"kendall_judges"`
	KendallReason      string   `json:"kendall_reason,omitempty"`
	KrippendorffAlpha  *float64 `json:"krippendorff_alpha,omitempty"`
	KrippendorffReason string   `json:"krippendorff_reason,omitempty"`
	How                string   `json:"how"`
}

// ReportPerson is a member as the reader may see them: by name when
// identities are shown, else by pseudonym only.
type ReportPerson struct {
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Erased bool   `json:"erased,omitempty"`
}

// ReportRef points to a proposal: its agenda position (1-based, 0 when not
// on the agenda) and text (empty when the reader may not see it).
type ReportRef struct {
	ID     string `json:"id"`
	Number int    `json:"number,omitempty"`
	Text   string `json:"text,omitempty"`
}

// ReportCard is everything the report says about one proposal.
type ReportCard struct {
	ReportRef
	EasyRead string `json:"easy_read,omitempty"`
	State    string `json:"state"`
	// Withheld: the proposal is hidden and the reader may not see its text.
	Withheld bool `json:"withheld,omitempty"`
	// Source is how it came onto the agenda: new, carried or revisit.
	Source string        `json:"source"`
	Author *ReportPerson `json:"author,omitempty"`

	NRated        int   `json:"n_rated"`
	NPassed       int   `json:"n_passed"`
	NNotResponded int   `json:"n_not_responded"`
	Values        []int `json:"values"`
	Distribution  []int `json:"distribution"`

	Median           *float64             `json:"median,omitempty"`
	Q1               *float64             `json:"q1,omitempty"`
	Q3               *float64             `json:"q3,omitempty"`
	IQR              *float64             `json:"iqr,omitempty"`
	QuantilesReason  string               `json:"quantiles_reason,omitempty"`
	Agree            *analysis.Proportion `json:"agree,omitempty"`
	Disagree         *analysis.Proportion `json:"disagree,omitempty"`
	ProportionReason string               `json:"proportion_reason,omitempty"`
	AgreementA       *float64             `json:"agreement_a,omitempty"`

	Verdict            string `json:"verdict"`
	VerdictExplanation string `json:"verdict_explanation"`
	// ByPerspective has one entry per perspective of the group; a
	// perspective with fewer raters than the minimum cell size is only
	// marked suppressed, with no figures.
	ByPerspective []ReportPerspective `json:"by_perspective"`
	Decision      *ReportDecision     `json:"decision,omitempty"`
	Change        *ReportChange       `json:"change,omitempty"`
	ChangeReason  string              `json:"change_reason,omitempty"`
	Dissent       *ReportDissent      `json:"dissent,omitempty"`
	Settled       bool                `json:"settled"`
	// BridgingScore is the lowest agree rate over opinion groups and
	// reportable perspectives.
	BridgingScore *float64 `json:"bridging_score,omitempty"`
	// Divergences say where one perspective stands far from the rest.
	Divergences []string `json:"divergences,omitempty"`

	RuleVersion     int    `json:"rule_version"`
	AnalysisVersion string `json:"analysis_version"`
}

// ReportPerspective is one perspective's verdict on a proposal.
type ReportPerspective struct {
	Perspective        string               `json:"perspective"`
	Suppressed         bool                 `json:"suppressed"`
	NRated             int                  `json:"n_rated,omitempty"`
	Distribution       []int                `json:"distribution,omitempty"`
	Median             *float64             `json:"median,omitempty"`
	Agree              *analysis.Proportion `json:"agree,omitempty"`
	Verdict            string               `json:"verdict,omitempty"`
	VerdictExplanation string               `json:"verdict_explanation,omitempty"`
}

// ReportDecision is the decision recorded on a proposal in the round.
type ReportDecision struct {
	Outcome    string     `json:"outcome"`
	Rationale  string     `json:"rationale"`
	ReviewDate *time.Time `json:"review_date,omitempty"`
}

// ReportChange compares a proposal with the last round it, or the
// proposals it came from, were rated in.
type ReportChange struct {
	BaselineRound   int      `json:"baseline_round"`
	ViaLineage      bool     `json:"via_lineage"`
	BaselineVerdict string   `json:"baseline_verdict"`
	BaselineNRated  int      `json:"baseline_n_rated"`
	DeltaMedian     *float64 `json:"delta_median,omitempty"`
	DeltaIQR        *float64 `json:"delta_iqr,omitempty"`
	DeltaAgree      *float64 `json:"delta_agree,omitempty"`
	DeltaReason     string   `json:"delta_reason,omitempty"`
	Paired          int      `json:"paired"`
	MovedUp         int      `json:"moved_up"`
	MovedDown       int      `json:"moved_down"`
	Unchanged       int      `json:"unchanged"`
	NetChange       *float64 `json:"net_change,omitempty"`
	WilcoxonP       *float64 `json:"wilcoxon_p,omitempty"`
	Settled         bool     `json:"settled"`
	SettledReason   string   `json:"settled_reason"`
	// Reasons are the consented reasons of members who moved.
	Reasons []ReportReason `json:"reasons"`
}

// ReportReason is one member's rating with the reason they gave.
type ReportReason struct {
	Member ReportPerson `json:"member"`
	// Value is the rating; From is the earlier rating for a change.
	Value          int    `json:"value"`
	From           *int   `json:"from,omitempty"`
	Reason         string `json:"reason"`
	ChangeCategory string `json:"change_category,omitempty"`
}

// ReportDissent is the minority report of a consensus proposal.
type ReportDissent struct {
	// Zone is the zone of the consensus ("agree" or "disagree"); Count the
	// members rating outside it.
	Zone          string                      `json:"zone"`
	Count         int                         `json:"count"`
	ByPerspective []analysis.PerspectiveCount `json:"by_perspective"`
	// Reasons are the dissenters' reasons, only of members who consented;
	// WithoutReason counts dissenters whose reason is not shown.
	Reasons       []ReportReason `json:"reasons"`
	WithoutReason int            `json:"without_reason"`
}

// ReportStability summarises how far positions moved since the proposals'
// baselines, and which proposals are settled.
type ReportStability struct {
	Compared      int         `json:"compared"`
	Settled       []ReportRef `json:"settled"`
	MeanNetChange *float64    `json:"mean_net_change,omitempty"`
	Reason        string      `json:"reason,omitempty"`
	// Trajectories count paired ratings moving towards, away from or
	// across the baseline median.
	Trajectories analysis.TrajectorySummary `json:"trajectories"`
	How          string                     `json:"how"`
}

// ReportOpinionGroups are the round's opinion groups, without members.
type ReportOpinionGroups struct {
	Clear      bool                 `json:"clear"`
	Reason     string               `json:"reason,omitempty"`
	K          int                  `json:"k"`
	Silhouette *float64             `json:"silhouette,omitempty"`
	Clustered  int                  `json:"clustered"`
	Groups     []ReportOpinionGroup `json:"groups"`
	How        string               `json:"how"`
}

// ReportOpinionGroup is one opinion group: its size, make-up by
// perspective (small cells suppressed) and the proposals that distinguish
// it.
type ReportOpinionGroup struct {
	Number         int                         `json:"number"`
	Size           int                         `json:"size"`
	ByPerspective  []analysis.PerspectiveCount `json:"by_perspective"`
	Representative []ReportRepresentative      `json:"representative"`
}

// ReportRepresentative is a proposal distinguishing an opinion group.
type ReportRepresentative struct {
	ReportRef
	// Direction is "agree" or "disagree"; Rate the group's share.
	Direction string  `json:"direction"`
	Rate      float64 `json:"rate"`
}

// ReportBridging is a proposal supported across divides.
type ReportBridging struct {
	ReportRef
	Score          *float64 `json:"score,omitempty"`
	MinPerspective string   `json:"min_perspective,omitempty"`
}

// ReportUnderHeard is the under-heard panel (ANALYSIS.md §5): plain-words
// flags a facilitator can act on, never a ranking of people.
type ReportUnderHeard struct {
	Flags             []ReportFlag `json:"flags"`
	Divergences       []ReportNote `json:"divergences"`
	MinorityPositions []ReportNote `json:"minority_positions"`
	// Gini is the normalised Gini coefficient of contributions this round
	// (0 equal, 1 one member makes every contribution).
	Gini       *float64 `json:"gini,omitempty"`
	TopShare   *float64 `json:"top_share,omitempty"`
	GiniReason string   `json:"gini_reason,omitempty"`
	How        string   `json:"how"`
}

// ReportFlag is one under-heard flag.
type ReportFlag struct {
	Kind         string        `json:"kind"`
	Sentence     string        `json:"sentence"`
	Escalated    bool          `json:"escalated"`
	Member       *ReportPerson `json:"member,omitempty"`
	Perspective  string        `json:"perspective,omitempty"`
	OpinionGroup int           `json:"opinion_group,omitempty"`
	Proposals    []ReportRef   `json:"proposals,omitempty"`
}

// ReportNote is a sentence about a proposal or a member.
type ReportNote struct {
	Sentence string        `json:"sentence"`
	Proposal *ReportRef    `json:"proposal,omitempty"`
	Member   *ReportPerson `json:"member,omitempty"`
}

// ReportAttrition is who stopped rating since the previous round.
type ReportAttrition struct {
	PreviousRound    int                             `json:"previous_round"`
	Previous         int                             `json:"previous"`
	Left             int                             `json:"left"`
	Stayed           int                             `json:"stayed"`
	Joined           int                             `json:"joined"`
	ByPerspective    []analysis.PerspectiveAttrition `json:"by_perspective"`
	LeftByPosition   analysis.Positions              `json:"left_by_position"`
	StayedByPosition analysis.Positions              `json:"stayed_by_position"`
	Warnings         []string                        `json:"warnings"`
	How              string                          `json:"how"`
}

// SuggestedAgenda is what the report suggests for the next round. It
// refers to people only by pseudonym or perspective, so it can be shared
// with the group.
type SuggestedAgenda struct {
	// Decide: proposals at consensus, or whose positions stopped moving,
	// with no decision recorded yet.
	Decide []AgendaSuggestion `json:"decide"`
	// Carry: proposals without consensus to rate again.
	Carry []AgendaSuggestion `json:"carry"`
	// Revisit: proposals decided "revisit", or at consensus while one
	// perspective stands far from the rest.
	Revisit []AgendaSuggestion `json:"revisit"`
	// GiveTimeTo: whose proposals or views to make room for.
	GiveTimeTo []TimeSuggestion `json:"give_time_to"`
	How        string           `json:"how"`
}

// AgendaSuggestion is one proposal suggested for the next round, and why.
type AgendaSuggestion struct {
	ReportRef
	Why string `json:"why"`
}

// TimeSuggestion suggests giving time to a member (by pseudonym), a
// perspective or an opinion group, and their proposals.
type TimeSuggestion struct {
	Pseudonym    string      `json:"pseudonym,omitempty"`
	Perspective  string      `json:"perspective,omitempty"`
	OpinionGroup int         `json:"opinion_group,omitempty"`
	Proposals    []ReportRef `json:"proposals"`
	Why          string      `json:"why"`
}

// ReportParagraph is a short plain-words explanation under a heading.
type ReportParagraph struct {
	Heading string `json:"heading"`
	Text    string `json:"text"`
}

// ConsensusReport returns the consensus report of a round. Facilitators
// read it with identities unless the group is anonymous and does not allow
// that; evaluators read it with pseudonyms, as for RoundAnalysis. Members
// and observers are refused: they see results through RoundResults and
// EasyReadSummary.
func (e *Engine) ConsensusReport(ctx context.Context, actor Actor, roundID string) (*ConsensusReport, error) {
	rd, a, err := e.roundAccess(ctx, e.store, actor, roundID)
	if err != nil {
		return nil, err
	}
	if !a.can(rd.ID, PermViewFlags) && !a.can(rd.ID, PermExport) {
		return nil, Errorf(EFORBIDDEN, "The consensus report is for facilitators and evaluators; members see the results of each proposal.")
	}
	identities := a.seesIdentities(rd.ID)
	res, err := e.analyse(ctx, a.group, rd, !identities)
	if err != nil {
		return nil, err
	}
	if a.unlinksRaters(rd.ID) {
		res = unlinkRaters(a.group, res)
	}
	in, err := e.loadReportInput(ctx, a, rd, identities)
	if err != nil {
		return nil, err
	}
	return buildConsensusReport(in, res), nil
}
