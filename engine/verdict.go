package engine

// Consensus verdicts, as judged by a group's declared rule (ANALYSIS.md §1).
const (
	VerdictConsensusFor     = "consensus_for"
	VerdictConsensusAgainst = "consensus_against"
	VerdictNoConsensus      = "no_consensus"
	VerdictSplit            = "split"
	VerdictTooFew           = "too_few"
)

// proposalSummary is what decisions and carry-forward need from a round's
// analysis of one proposal.
type proposalSummary struct {
	Verdict    string
	NRated     int
	PctAgree   *float64
	Dissenters int
}
