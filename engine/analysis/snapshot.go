package analysis

// DefaultMinCellSize is the minimum number of members behind any aggregate
// reported by perspective when a Snapshot leaves MinCellSize at 0.
const DefaultMinCellSize = 5

// Snapshot is a frozen, self-contained view of one group's history up to and
// including the round analysed, the last of Rounds. Everything is referenced
// by index into the Snapshot's own slices; members appear in results only by
// Member.ID. The engine builds it from the store; Analyse validates it.
type Snapshot struct {
	Scale Scale         `json:"scale"`
	Rule  ConsensusRule `json:"rule"`
	// MinCellSize suppresses every aggregate by perspective over fewer
	// members (0 → DefaultMinCellSize).
	MinCellSize int `json:"min_cell_size"`
	// Perspectives are the group's perspective names; Member.Perspective
	// indexes them.
	Perspectives []string `json:"perspectives"`
	// QuantileType is the Hyndman–Fan type for medians and quartiles:
	// 7 (default when 0) or 6.
	QuantileType int `json:"quantile_type"`
	// Seed drives every random step (opinion-group clustering).
	Seed uint64 `json:"seed"`
	// PreviousOpinionK is the number of opinion groups reported for the
	// previous round (0 for none); it keeps the number of groups stable
	// unless a new one wins clearly.
	PreviousOpinionK int `json:"previous_opinion_k"`
	// PolisModeratedOut is, for a conversation imported from Polis, the
	// number of comments Polis's moderators rejected. Polis keeps them in
	// its matrix as passes by everyone, which changes its projection
	// scaling; passing the count reproduces Polis's opinion map
	// (opinion.Options.ModeratedOut). Zero for Allvoice's own groups.
	PolisModeratedOut int `json:"polis_moderated_out,omitempty"`

	Members   []Member   `json:"members"`
	Proposals []Proposal `json:"proposals"`
	// Rounds are chronological; the last one is analysed.
	Rounds []Round `json:"rounds"`
}

// Member is a person in the group.
type Member struct {
	// ID is opaque and may already be a pseudonym; results use only it.
	ID string `json:"id"`
	// Name is used in plain-language sentences for facilitators (ID when
	// empty).
	Name string `json:"name,omitempty"`
	// Perspective indexes Snapshot.Perspectives, −1 for none.
	Perspective int `json:"perspective"`
}

// Proposal is an idea or candidate decision.
type Proposal struct {
	ID string `json:"id"`
	// Author indexes Members, −1 for none (e.g. imported or facilitator
	// seed proposals not credited to a member).
	Author int `json:"author"`
	// Round indexes Rounds: the round in which it was first proposed.
	Round int `json:"round"`
	// Supersedes lists the proposals it was reworded, merged or split from
	// (its lineage); their ratings are its baseline.
	Supersedes []int `json:"supersedes,omitempty"`
}

// Decision outcomes (SPEC.md §2).
const (
	OutcomeAdopted    = "adopted"
	OutcomeNotAdopted = "not_adopted"
	OutcomeRevisit    = "revisit"
	OutcomeParked     = "parked"
)

// Decision is recorded when a round closes.
type Decision struct {
	// Proposal indexes Proposals; it must be on the round's agenda.
	Proposal int    `json:"proposal"`
	Outcome  string `json:"outcome"`
}

// Round is one iteration of the group.
type Round struct {
	ID string `json:"id"`
	// Invited lists the members (indices) in the group for this round.
	Invited []int `json:"invited"`
	// Agenda lists the proposals (indices) members were asked to rate.
	Agenda []int `json:"agenda"`
	// Ratings are the round's current ratings, one per (member, proposal).
	Ratings Ratings `json:"ratings"`
	// Reflections holds the member index of each reflection or comment
	// written in the round (one entry per contribution); they count as
	// contributions for participation equality.
	Reflections []int32 `json:"reflections,omitempty"`
	// Decisions are the decisions recorded when the round closed.
	Decisions []Decision `json:"decisions,omitempty"`
}

// Ratings are a round's current ratings in columnar form: entry i says member
// Member[i] gave proposal Proposal[i] the value Value[i], or passed when
// Pass[i]. Member, Proposal and Value have equal length; Pass, Reason and
// ChangeCategory are either empty (no passes, no reasons) or of the same
// length. Value is ignored for a pass.
type Ratings struct {
	Member   []int32 `json:"member"`
	Proposal []int32 `json:"proposal"`
	Value    []int8  `json:"value"`
	Pass     []bool  `json:"pass,omitempty"`
	// Reason is the member's optional reason; ChangeCategory is the "what
	// changed your mind?" category given when the rating was changed.
	Reason         []string `json:"reason,omitempty"`
	ChangeCategory []string `json:"change_category,omitempty"`
}

// Len returns the number of ratings.
func (r Ratings) Len() int { return len(r.Member) }

func (r Ratings) pass(i int) bool { return len(r.Pass) > 0 && r.Pass[i] }

func (r Ratings) reason(i int) string {
	if len(r.Reason) == 0 {
		return ""
	}
	return r.Reason[i]
}

func (r Ratings) changeCategory(i int) string {
	if len(r.ChangeCategory) == 0 {
		return ""
	}
	return r.ChangeCategory[i]
}

// minCellSize returns the effective minimum cell size.
func (s *Snapshot) minCellSize() int {
	if s.MinCellSize <= 0 {
		return DefaultMinCellSize
	}
	return s.MinCellSize
}

// quantileType returns the effective quantile type.
func (s *Snapshot) quantileType() int {
	if s.QuantileType == 0 {
		return QuantileType7
	}
	return s.QuantileType
}

// memberName returns the name used in sentences.
func (s *Snapshot) memberName(i int) string {
	if s.Members[i].Name != "" {
		return s.Members[i].Name
	}
	return s.Members[i].ID
}
