package analysis

import "github.com/allvoice/allvoice/engine/analysis/opinion"

// Version identifies the analysis algorithms and their fixed parameters,
// including the opinion-group pipeline's own version, so one string keys a
// cached Result: (round, snapshot version, Version). Any change that can
// alter a Result for the same Snapshot bumps it.
const Version = "1.0.0+" + opinion.Version

// Verdict is the consensus-rule verdict on a proposal.
type Verdict string

// Verdicts of shared/ANALYSIS.md §1.
const (
	VerdictConsensusFor     Verdict = "consensus_for"
	VerdictConsensusAgainst Verdict = "consensus_against"
	VerdictNoConsensus      Verdict = "no_consensus"
	// VerdictSplit: polarised (van der Eijk's A < 0, RAND/UCLA disagreement
	// on the 1..9 scale, or on an agree/disagree scale at least
	// BinarySplitMinority of ratings on each side).
	VerdictSplit Verdict = "split"
	// VerdictTooFew: fewer ratings than the rule's MinRaters.
	VerdictTooFew Verdict = "too_few"
)

// Result is the full analysis of the last round of a Snapshot. Its JSON
// encoding is deterministic; an undefined statistic is absent (nil) with a
// sibling *_reason string, never NaN. Members and proposals are referenced
// by ID only.
type Result struct {
	AnalysisVersion string        `json:"analysis_version"`
	RuleVersion     int           `json:"rule_version"`
	Rule            ConsensusRule `json:"rule"`
	Scale           Scale         `json:"scale"`
	QuantileType    int           `json:"quantile_type"`
	MinCellSize     int           `json:"min_cell_size"`
	Seed            uint64        `json:"seed,string"`
	RoundID         string        `json:"round_id"`
	// RoundNumber is 1-based.
	RoundNumber     int    `json:"round_number"`
	PreviousRoundID string `json:"previous_round_id,omitempty"`

	// Proposals follow the round's agenda order.
	Proposals []ProposalResult `json:"proposals"`
	Round     RoundResult      `json:"round"`
	// OpinionGroups are the opinion groups of this round (§3).
	OpinionGroups OpinionGroups `json:"opinion_groups"`
	// BridgingProposals lists proposal IDs with bridging support, best
	// first (every opinion group and every reportable perspective at least
	// BridgingMinAgree in agreement).
	BridgingProposals []string          `json:"bridging_proposals"`
	Trajectories      TrajectorySummary `json:"trajectories"`
	// Attrition compares this round with the previous one; absent in the
	// first round.
	Attrition       *Attrition `json:"attrition,omitempty"`
	AttritionReason string     `json:"attrition_reason,omitempty"`
	UnderHeard      UnderHeard `json:"under_heard"`
}

// Proportion is a share with its Wilson 95 % interval.
type Proportion struct {
	Count      int     `json:"count"`
	N          int     `json:"n"`
	Proportion float64 `json:"proportion"`
	Lower      float64 `json:"lower"`
	Upper      float64 `json:"upper"`
}

// ProposalResult is everything computed about one proposal in the round
// (shared/ANALYSIS.md §1).
type ProposalResult struct {
	ID string `json:"id"`
	// Author is the author's member ID (absent for none).
	Author string `json:"author,omitempty"`
	// NRated counts ratings on the scale; NPassed counts passes (seen, no
	// position). NNotResponded counts active members of the round who did
	// neither.
	NRated        int `json:"n_rated"`
	NPassed       int `json:"n_passed"`
	NNotResponded int `json:"n_not_responded"`
	// Distribution counts ratings per scale value (Scale.Values order).
	Distribution []int `json:"distribution"`
	// Median, Q1, Q3 and IQR use the result's quantile type; absent
	// without ratings.
	Median          *float64 `json:"median,omitempty"`
	Q1              *float64 `json:"q1,omitempty"`
	Q3              *float64 `json:"q3,omitempty"`
	IQR             *float64 `json:"iqr,omitempty"`
	QuantilesReason string   `json:"quantiles_reason,omitempty"`
	// Agree and Disagree are the shares of ratings in the agree and
	// disagree zones.
	Agree            *Proportion `json:"agree,omitempty"`
	Disagree         *Proportion `json:"disagree,omitempty"`
	ProportionReason string      `json:"proportion_reason,omitempty"`
	// AgreementA is van der Eijk's A (1 unanimity, 0 uniform, < 0
	// polarised).
	AgreementA       *float64 `json:"agreement_a,omitempty"`
	AgreementAReason string   `json:"agreement_a_reason,omitempty"`
	Verdict          Verdict  `json:"verdict"`
	// VerdictExplanation says in plain words why.
	VerdictExplanation string `json:"verdict_explanation"`
	// ByPerspective has one entry per perspective, in the group's order.
	ByPerspective []PerspectiveResult `json:"by_perspective"`
	// Decision is the decision recorded on the proposal in this round.
	Decision string `json:"decision,omitempty"`
	// Change compares with the previous rating of the proposal or its
	// lineage; absent (with reason) when there is none.
	Change       *Change `json:"change,omitempty"`
	ChangeReason string  `json:"change_reason,omitempty"`
	// Dissent is the minority report of a consensus item.
	Dissent *Dissent `json:"dissent,omitempty"`
	// Bridging says how far support crosses opinion groups and
	// perspectives.
	Bridging       *Bridging `json:"bridging,omitempty"`
	BridgingReason string    `json:"bridging_reason,omitempty"`
}

// PerspectiveResult is one perspective's view of a proposal. Below the
// minimum cell size only Suppressed is reported.
type PerspectiveResult struct {
	Perspective string           `json:"perspective"`
	Suppressed  bool             `json:"suppressed"`
	Cell        *PerspectiveCell `json:"cell,omitempty"`
}

// PerspectiveCell holds a reportable perspective's statistics.
type PerspectiveCell struct {
	NRated             int         `json:"n_rated"`
	NPassed            int         `json:"n_passed"`
	Distribution       []int       `json:"distribution"`
	Median             *float64    `json:"median,omitempty"`
	Agree              *Proportion `json:"agree,omitempty"`
	Disagree           *Proportion `json:"disagree,omitempty"`
	Verdict            Verdict     `json:"verdict"`
	VerdictExplanation string      `json:"verdict_explanation"`
}

// Change compares a proposal with its baseline: the most recent earlier
// round in which it, or failing that its lineage, was rated.
type Change struct {
	BaselineRoundID string `json:"baseline_round_id"`
	// BaselineProposals are the proposal IDs whose ratings form the
	// baseline (the proposal itself, or the proposals it superseded).
	BaselineProposals []string `json:"baseline_proposals"`
	ViaLineage        bool     `json:"via_lineage"`
	BaselineNRated    int      `json:"baseline_n_rated"`
	BaselineVerdict   Verdict  `json:"baseline_verdict"`
	// Deltas are current minus baseline; absent with reason when either
	// side has no ratings.
	DeltaMedian *float64 `json:"delta_median,omitempty"`
	DeltaIQR    *float64 `json:"delta_iqr,omitempty"`
	DeltaAgree  *float64 `json:"delta_agree,omitempty"`
	DeltaReason string   `json:"delta_reason,omitempty"`
	// Paired members rated (not passed) both times; MovedUp moved towards
	// the agree end of the scale, MovedDown towards the disagree end.
	Paired    int `json:"paired"`
	MovedUp   int `json:"moved_up"`
	MovedDown int `json:"moved_down"`
	Unchanged int `json:"unchanged"`
	// Movers lists who moved, members with a reason first, then by ID;
	// at most MaxListedMembers, with MoversTruncated set when cut.
	Movers          []Mover `json:"movers"`
	MoversTruncated bool    `json:"movers_truncated,omitempty"`
	// Stability tests whether opinions stopped moving.
	Stability Stability `json:"stability"`
}

// Mover is one member whose rating moved.
type Mover struct {
	Member string `json:"member"`
	From   int    `json:"from"`
	To     int    `json:"to"`
	// Direction is "towards_agree" or "towards_disagree".
	Direction      string `json:"direction"`
	Reason         string `json:"reason,omitempty"`
	ChangeCategory string `json:"change_category,omitempty"`
}

// Stability compares the paired members' ratings with the baseline
// (agreement-statistics §3).
type Stability struct {
	// Wilcoxon signed-rank test on current − baseline.
	Wilcoxon       *WilcoxonResult `json:"wilcoxon,omitempty"`
	WilcoxonReason string          `json:"wilcoxon_reason,omitempty"`
	// NetChange is the % net change as a proportion (< 0.15 stable).
	NetChange       *float64 `json:"net_change,omitempty"`
	NetChangeReason string   `json:"net_change_reason,omitempty"`
	// CV per round and ΔCV (only on scales with a true zero below them).
	CVBaseline *float64 `json:"cv_baseline,omitempty"`
	CV         *float64 `json:"cv,omitempty"`
	DeltaCV    *float64 `json:"delta_cv,omitempty"`
	CVReason   string   `json:"cv_reason,omitempty"`
	// McNemar tests the change in agreeing (agree zone) vs not.
	McNemar       *McNemarResult `json:"mcnemar,omitempty"`
	McNemarReason string         `json:"mcnemar_reason,omitempty"`
	// Settled: the verdict held in both rounds, or net change < 15 % and
	// Wilcoxon p ≥ 0.05; SettledReason explains either way.
	Settled       bool   `json:"settled"`
	SettledReason string `json:"settled_reason"`
}

// Dissent is the minority report of a consensus item: members whose rating
// lies outside the zone of the consensus.
type Dissent struct {
	// Zone is "agree" for consensus_for and "disagree" for
	// consensus_against.
	Zone    string             `json:"zone"`
	Count   int                `json:"count"`
	Members []DissentingMember `json:"members"`
	// Truncated is set when Members was cut at MaxListedMembers.
	Truncated     bool               `json:"truncated,omitempty"`
	ByPerspective []PerspectiveCount `json:"by_perspective"`
}

// DissentingMember is one dissenting rating with its reason.
type DissentingMember struct {
	Member string `json:"member"`
	Value  int    `json:"value"`
	Reason string `json:"reason,omitempty"`
}

// PerspectiveCount is a count by perspective, suppressed below the minimum
// cell size of the population it is drawn from.
type PerspectiveCount struct {
	Perspective string `json:"perspective"`
	Suppressed  bool   `json:"suppressed"`
	Count       *int   `json:"count,omitempty"`
}

// Bridging is how widely a proposal is supported: agree rates are
// agree-zone ratings over ratings seen (passes included) within each opinion
// group and each reportable perspective.
type Bridging struct {
	// GroupInformedConsensus is Π_g (agree_g + 1)/(seen_g + 2) over opinion
	// groups, Normalised its geometric mean; absent without clear groups.
	GroupInformedConsensus           *float64  `json:"group_informed_consensus,omitempty"`
	GroupInformedConsensusNormalised *float64  `json:"group_informed_consensus_normalised,omitempty"`
	GroupAgree                       []float64 `json:"group_agree,omitempty"`
	MinGroupAgree                    *float64  `json:"min_group_agree,omitempty"`
	MinGroupAgreeReason              string    `json:"min_group_agree_reason,omitempty"`
	MinPerspectiveAgree              *float64  `json:"min_perspective_agree,omitempty"`
	MinPerspective                   string    `json:"min_perspective,omitempty"`
	MinPerspectiveAgreeReason        string    `json:"min_perspective_agree_reason,omitempty"`
	// Score is the minimum of MinGroupAgree and MinPerspectiveAgree over
	// those present.
	Score *float64 `json:"score,omitempty"`
}

// RoundResult holds the per-round statistics (shared/ANALYSIS.md §2).
type RoundResult struct {
	Verdicts      VerdictCounts `json:"verdicts"`
	Participation Participation `json:"participation"`
	// Kendall is Kendall's W over the members who rated every agenda
	// proposal (complete rankings; others are excluded and counted).
	Kendall         *KendallResult `json:"kendall,omitempty"`
	KendallReason   string         `json:"kendall_reason,omitempty"`
	KendallExcluded int            `json:"kendall_excluded"`
	// Krippendorff is ordinal alpha with missing data over agenda
	// proposals.
	Krippendorff       *KrippendorffResult `json:"krippendorff,omitempty"`
	KrippendorffReason string              `json:"krippendorff_reason,omitempty"`
	// Stability summarises the per-proposal comparisons with their
	// baselines.
	Stability RoundStability `json:"stability"`
}

// VerdictCounts counts agenda proposals by verdict.
type VerdictCounts struct {
	ConsensusFor     int `json:"consensus_for"`
	ConsensusAgainst int `json:"consensus_against"`
	NoConsensus      int `json:"no_consensus"`
	Split            int `json:"split"`
	TooFew           int `json:"too_few"`
}

// Participation counts members taking part in the round. Active members
// rated or passed, proposed or wrote a reflection; Responded rated or passed
// at least one proposal; Proposed authored a proposal first proposed in the
// round.
type Participation struct {
	Invited       int                        `json:"invited"`
	Active        int                        `json:"active"`
	Responded     int                        `json:"responded"`
	Proposed      int                        `json:"proposed"`
	ByPerspective []PerspectiveParticipation `json:"by_perspective"`
}

// PerspectiveParticipation is Participation within one perspective,
// suppressed when fewer than the minimum cell size were invited.
type PerspectiveParticipation struct {
	Perspective string `json:"perspective"`
	Suppressed  bool   `json:"suppressed"`
	Invited     *int   `json:"invited,omitempty"`
	Active      *int   `json:"active,omitempty"`
	Responded   *int   `json:"responded,omitempty"`
	Proposed    *int   `json:"proposed,omitempty"`
}

// RoundStability summarises stability over the agenda.
type RoundStability struct {
	// Compared counts agenda proposals with a baseline.
	Compared int `json:"compared"`
	// Settled lists the IDs of settled proposals in agenda order.
	Settled []string `json:"settled"`
	// MeanNetChange averages the defined net changes.
	MeanNetChange       *float64 `json:"mean_net_change,omitempty"`
	MeanNetChangeReason string   `json:"mean_net_change_reason,omitempty"`
}

// OpinionGroups are the opinion groups of the round.
type OpinionGroups struct {
	// Clear is false when no clear groups were found; Reason says why.
	Clear      bool     `json:"clear"`
	Reason     string   `json:"reason,omitempty"`
	K          int      `json:"k"`
	Silhouette *float64 `json:"silhouette,omitempty"`
	// Clustered counts members who rated enough proposals to be placed.
	Clustered     int            `json:"clustered"`
	MinRated      int            `json:"min_rated"`
	KeptPreviousK bool           `json:"kept_previous_k,omitempty"`
	Groups        []OpinionGroup `json:"groups"`
	Version       string         `json:"version"`
}

// OpinionGroup is one opinion group, numbered from 1, largest first.
type OpinionGroup struct {
	Number int `json:"number"`
	Size   int `json:"size"`
	// Members are member IDs, sorted.
	Members []string `json:"members"`
	// Representative proposals distinguish the group (Polis repness).
	Representative []RepresentativeProposal `json:"representative"`
	// ByPerspective counts the group's members by perspective.
	ByPerspective []PerspectiveCount `json:"by_perspective"`
}

// RepresentativeProposal is a proposal that distinguishes an opinion group.
type RepresentativeProposal struct {
	Proposal string `json:"proposal"`
	// Direction is "agree" or "disagree".
	Direction string `json:"direction"`
	// Rate is the group's (pseudo-count) agree or disagree probability and
	// Ratio its ratio to the rest; Metric is Polis's ranking product.
	Rate   float64 `json:"rate"`
	Ratio  float64 `json:"ratio"`
	Metric float64 `json:"metric"`
}

// TrajectorySummary counts, over agenda proposals with a baseline, how
// paired members moved relative to the baseline median (the feedback they
// saw): towards it, away from it, across it at the same distance, or not at
// all. Per-member paths come from MemberTrajectory.
type TrajectorySummary struct {
	Compared      int                   `json:"compared"`
	Pairs         int                   `json:"pairs"`
	Towards       int                   `json:"towards"`
	Away          int                   `json:"away"`
	Across        int                   `json:"across"`
	Unchanged     int                   `json:"unchanged"`
	ByPerspective []PerspectiveMovement `json:"by_perspective"`
}

// PerspectiveMovement is TrajectorySummary within one perspective,
// suppressed when fewer than the minimum cell size of its members are
// paired.
type PerspectiveMovement struct {
	Perspective string `json:"perspective"`
	Suppressed  bool   `json:"suppressed"`
	Members     *int   `json:"members,omitempty"`
	Towards     *int   `json:"towards,omitempty"`
	Away        *int   `json:"away,omitempty"`
	Across      *int   `json:"across,omitempty"`
	Unchanged   *int   `json:"unchanged,omitempty"`
}

// Attrition compares who rated in the previous round with who rated in this
// one (shared/ANALYSIS.md §4).
type Attrition struct {
	PreviousRoundID string `json:"previous_round_id"`
	// Previous rated or passed something in the previous round; Left did
	// not in this round; Joined rated now but not then.
	Previous int `json:"previous"`
	Left     int `json:"left"`
	Stayed   int `json:"stayed"`
	Joined   int `json:"joined"`
	// ByPerspective counts leavers, suppressed when the perspective had
	// fewer previous raters than the minimum cell size.
	ByPerspective []PerspectiveAttrition `json:"by_perspective"`
	// LeadingProposals are round 1's leading proposals (consensus for, or
	// else the three with the highest agree share) that define a member's
	// round-1 position.
	LeadingProposals []string  `json:"leading_proposals"`
	LeftByPosition   Positions `json:"left_by_position"`
	StayedByPosition Positions `json:"stayed_by_position"`
	// Warnings say in plain words when leavers are skewed.
	Warnings []string `json:"warnings"`
}

// PerspectiveAttrition is attrition within one perspective.
type PerspectiveAttrition struct {
	Perspective string `json:"perspective"`
	Suppressed  bool   `json:"suppressed"`
	Previous    *int   `json:"previous,omitempty"`
	Left        *int   `json:"left,omitempty"`
}

// Positions counts members by their round-1 position on the leading
// proposals: mostly agreed, mostly disagreed, neither, or not known (did not
// rate them in round 1).
type Positions struct {
	Agreed    int `json:"agreed"`
	Disagreed int `json:"disagreed"`
	Neutral   int `json:"neutral"`
	Unknown   int `json:"unknown"`
}
