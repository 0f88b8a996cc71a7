package engine

import "github.com/allvoice/allvoice/engine/analysis"

// Consensus verdicts, as judged by a group's declared rule (ANALYSIS.md §1).
const (
	VerdictConsensusFor     = string(analysis.VerdictConsensusFor)
	VerdictConsensusAgainst = string(analysis.VerdictConsensusAgainst)
	VerdictNoConsensus      = string(analysis.VerdictNoConsensus)
	VerdictSplit            = string(analysis.VerdictSplit)
	VerdictTooFew           = string(analysis.VerdictTooFew)
)

// proposalSummary is what decisions and carry-forward need from a round's
// analysis of one proposal.
type proposalSummary struct {
	Verdict    string
	NRated     int
	PctAgree   *float64
	Dissenters int
}
