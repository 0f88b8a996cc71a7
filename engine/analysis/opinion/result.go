package opinion

// Version identifies the algorithm and its fixed parameters. It changes
// whenever the same Matrix and Options could give a different Result, so a
// cached result is keyed by it.
const Version = "opinion/1"

// Reasons a Result has no opinion groups (Result.Reason).
const (
	ReasonNotClear     = "no clear opinion groups"
	ReasonNoVariation  = "no variation in ratings"
	ReasonTooFew       = "too few members rated enough proposals to form opinion groups"
	ReasonNoValidK     = "no number of groups gives groups of a meaningful size"
	ReasonInvalidInput = "invalid matrix"
)

// Result is the outcome of Analyse. Its JSON encoding is deterministic for
// the same Matrix and Options; undefined values are absent, with a reason.
type Result struct {
	Version string `json:"version"`
	Seed    uint64 `json:"seed"`
	// Clear is true when opinion groups were found; otherwise Reason says
	// why not (one of the Reason constants, possibly with detail).
	Clear  bool   `json:"clear"`
	Reason string `json:"reason,omitempty"`

	NMembers   int `json:"n_members"`
	NProposals int `json:"n_proposals"`
	NRatings   int `json:"n_ratings"`
	// MinRated is the number of ratings a member needs to be clustered.
	MinRated int `json:"min_rated"`
	// NClustered is the number of members with at least MinRated ratings.
	NClustered int `json:"n_clustered"`
	// MinGroupSize is the smallest group a candidate k may produce:
	// max(3, ⌈5 % of NClustered⌉), so a group is never one loud member.
	MinGroupSize int `json:"min_group_size"`
	// MaxK is the largest number of groups tried (0 when none could be).
	MaxK int `json:"max_k"`

	// K is the number of opinion groups (0 when not Clear).
	K int `json:"k"`
	// Silhouette is the mean silhouette of the chosen k, or of the best
	// candidate when none was clear enough; absent when no k was usable.
	Silhouette *float64 `json:"silhouette,omitempty"`
	// SilhouetteSampled is true when the silhouette was estimated on a
	// seeded sample of members rather than all of them.
	SilhouetteSampled bool `json:"silhouette_sampled,omitempty"`
	// KeptPreviousK is true when Options.PreviousK was kept although another
	// k scored slightly higher.
	KeptPreviousK bool `json:"kept_previous_k,omitempty"`
	// Candidates lists every k tried, with its silhouette or why it was
	// unusable.
	Candidates []Candidate `json:"candidates,omitempty"`

	// Components are the two principal components; absent when the ratings
	// have no variation.
	Components *Components `json:"components,omitempty"`
	// Coordinates holds every member's position on the two components
	// (sparsity-aware scaling); members without ratings are at the origin.
	// Absent when Components is.
	Coordinates [][2]float64 `json:"coordinates,omitempty"`
	// Assignment holds every member's group ID, or −1 for a member not in a
	// group: one who rated fewer than MinRated proposals, or everyone when
	// there are no clear groups.
	Assignment []int `json:"assignment"`
	// Groups are the opinion groups, largest first (ID = index).
	Groups []Group `json:"groups"`
	// Proposals holds the bridging statistics of every proposal; absent
	// when there are no groups.
	Proposals []ProposalBridging `json:"proposals,omitempty"`
}

// Candidate is one number of groups tried.
type Candidate struct {
	K int `json:"k"`
	// Silhouette is the mean silhouette of the k-means partition; absent
	// with Reason when the partition is unusable.
	Silhouette *float64 `json:"silhouette,omitempty"`
	// Sizes are the group sizes, largest first.
	Sizes  []int  `json:"sizes,omitempty"`
	Reason string `json:"reason,omitempty"`
	// NullMean and NullMax (on the chosen k only) summarise the silhouettes
	// the same choice of k reaches on NullReplicates copies of the ratings
	// shuffled within each proposal (no structure, same marginals); groups
	// are clear only above NullMax.
	NullMean       *float64 `json:"null_mean,omitempty"`
	NullMax        *float64 `json:"null_max,omitempty"`
	NullReplicates int      `json:"null_replicates,omitempty"`
}

// Components are the top two principal components of the column-centred
// agreement matrix (missing cells imputed with the column mean).
type Components struct {
	// PC1 and PC2 are unit loading vectors over proposals, each with its
	// largest-|loading| entry positive; PC2 is orthogonal to PC1 (all zeros
	// when there is a single proposal).
	PC1 []float64 `json:"pc1"`
	PC2 []float64 `json:"pc2"`
	// Center is the column mean of observed ratings per proposal (0 for an
	// unrated proposal).
	Center []float64 `json:"center"`
	// Variance is each component's variance s²/(n − 1) over the n members
	// with at least one rating (0 when n < 2).
	Variance [2]float64 `json:"variance"`
	// ExplainedRatio is each component's share of the total variance.
	ExplainedRatio [2]float64 `json:"explained_ratio"`
	// Iterations and Converged report the power iteration.
	Iterations int  `json:"iterations"`
	Converged  bool `json:"converged"`
}

// Group is one opinion group.
type Group struct {
	ID   int `json:"id"`
	Size int `json:"size"`
	// Members are member indices, ascending.
	Members []int `json:"members"`
	// Centre is the group's mean position on the two components.
	Centre [2]float64 `json:"centre"`
	// Representative lists up to 5 proposals that distinguish the group
	// (Polis repness), agrees first.
	Representative []Representative `json:"representative"`
	// Agree, Disagree and Seen count, per proposal, the group's ratings > 0,
	// < 0 and all (passes included).
	Agree    []int `json:"agree"`
	Disagree []int `json:"disagree"`
	Seen     []int `json:"seen"`
}

// ProposalBridging says how far one proposal is supported across opinion
// groups.
type ProposalBridging struct {
	Proposal int `json:"proposal"`
	// GroupInformedConsensus is Π_g (agree_g + 1)/(seen_g + 2); it shrinks as
	// the number of groups grows, so compare it only at equal K.
	GroupInformedConsensus float64 `json:"group_informed_consensus"`
	// GroupInformedConsensusNormalised is its geometric mean over groups,
	// GAC^(1/K), comparable across different K.
	GroupInformedConsensusNormalised float64 `json:"group_informed_consensus_normalised"`
	// MinGroupAgree is the smallest agree rate agree_g/seen_g over groups;
	// absent (with MinGroupAgreeReason) when some group has not rated the
	// proposal.
	MinGroupAgree       *float64 `json:"min_group_agree,omitempty"`
	MinGroupAgreeReason string   `json:"min_group_agree_reason,omitempty"`
	// MinGroupAgreeGroup is the group with the smallest agree rate (the
	// lowest ID on ties), −1 when MinGroupAgree is absent.
	MinGroupAgreeGroup int `json:"min_group_agree_group"`
}
