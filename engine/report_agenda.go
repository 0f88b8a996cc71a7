package engine

import (
	"fmt"
	"math"

	"github.com/allvoice/allvoice/engine/analysis"
)

// suggestAgenda proposes the next round's agenda from the cards and the
// under-heard flags. People are named only by pseudonym or perspective,
// and in the analysis's fixed flag order, never by score.
func (in *reportInput) suggestAgenda(cards []ReportCard, flags []analysis.Flag) SuggestedAgenda {
	sa := SuggestedAgenda{Decide: []AgendaSuggestion{}, Carry: []AgendaSuggestion{}, Revisit: []AgendaSuggestion{},
		GiveTimeTo: []TimeSuggestion{}, How: howAgenda}
	for _, c := range cards {
		if c.Withheld || c.State != ProposalVisible {
			continue // hidden or superseded: nothing to rate again
		}
		s := AgendaSuggestion{ReportRef: c.ReportRef}
		if d := c.Decision; d != nil {
			if d.Outcome == DecisionRevisit {
				s.Why = "The group decided to look at this again: " + d.Rationale
				sa.Revisit = append(sa.Revisit, s)
			}
			continue
		}
		switch c.Verdict {
		case VerdictConsensusFor, VerdictConsensusAgainst:
			word, zone, share := "for", "agree", c.Agree
			if c.Verdict == VerdictConsensusAgainst {
				word, zone, share = "against", "disagree", c.Disagree
			}
			if len(c.Divergences) > 0 {
				s.Why = fmt.Sprintf("Consensus %s overall, but one perspective stands apart: %s", word, c.Divergences[0])
				sa.Revisit = append(sa.Revisit, s)
				continue
			}
			s.Why = fmt.Sprintf("Consensus %s%s; no decision is recorded yet.", word, shareText(share, zone))
			sa.Decide = append(sa.Decide, s)
		default:
			switch {
			case c.Settled:
				s.Why = "Positions have stopped moving, so another round is unlikely to reach consensus; consider deciding or parking it."
				sa.Decide = append(sa.Decide, s)
				continue
			case c.Verdict == VerdictSplit:
				s.Why = "The group is split; hear the reasons on both sides before rating it again."
			case c.Verdict == VerdictTooFew:
				s.Why = fmt.Sprintf("Too few ratings to judge (%d rated); give more people the chance to rate it.", c.NRated)
			default:
				s.Why = fmt.Sprintf("No consensus yet%s; rate it again after discussing the reasons given.", shareText(c.Agree, "agree"))
			}
			sa.Carry = append(sa.Carry, s)
		}
	}
	for _, f := range flags {
		ts := TimeSuggestion{Proposals: in.refs(f.Proposals)}
		switch f.Kind {
		case analysis.FlagAttention:
			ts.Pseudonym = in.pseudonym(f.Member)
			ts.Why = "Proposals from this member were rated by fewer people than most; give them time to present them."
		case analysis.FlagUptake:
			ts.Pseudonym = in.pseudonym(f.Member)
			ts.Why = "Few of this member's decided proposals were adopted; consider revisiting one of them with the group."
		case analysis.FlagParticipation:
			ts.Pseudonym = in.pseudonym(f.Member)
			ts.Why = "This member has contributed less than others; ask for their view directly or offer another way to take part."
		case analysis.FlagPerspectiveUptake:
			ts.Perspective = f.Perspective
			ts.Why = fmt.Sprintf("Proposals from the %s perspective were adopted less often than others'; consider how the group weighs their ideas.", f.Perspective)
		case analysis.FlagRepresentation:
			ts.Perspective = f.Perspective
			ts.Why = fmt.Sprintf("The %s perspective is under-represented in %s; make room for their proposals and views.", f.Perspective, measureWords(f.Measure))
		case analysis.FlagUnrepresentedGroup:
			ts.OpinionGroup = f.OpinionGroup
			ts.Why = fmt.Sprintf("None of the proposals opinion group %d favours is adopted or at consensus; give time to them.", f.OpinionGroup)
		case analysis.FlagJustifiedRepresentation:
			ts.Why = "A sizeable set of members agree on this proposal, yet none of the adopted proposals reflects their view; consider giving it time."
		default:
			ts.Why = f.Sentence
		}
		if f.Escalated {
			ts.Why += " This was flagged in the previous round too."
		}
		sa.GiveTimeTo = append(sa.GiveTimeTo, ts)
	}
	return sa
}

// shareText is " (75% agree)" for a share, or "" when there is none.
func shareText(p *analysis.Proportion, word string) string {
	if p == nil {
		return ""
	}
	return fmt.Sprintf(" (%d%% %s)", int(math.Round(p.Proportion*100)), word)
}

// measureWords names a representation measure in plain words.
func measureWords(m string) string {
	switch m {
	case "proposals":
		return "the proposals made"
	case "ratings":
		return "the ratings given"
	case "adopted_authorship":
		return "the proposals adopted"
	case "adopted_support":
		return "the support behind adopted decisions"
	}
	return m
}
