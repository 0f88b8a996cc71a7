package engine

import (
	"context"

	"github.com/allvoice/allvoice/engine/analysis"
)

// ProposalResults is the group's distribution on one proposal, as a member
// or observer may see it.
type ProposalResults struct {
	ProposalID string `json:"proposal_id"`
	// Visible is false while the reveal policy holds the distribution
	// back; Hidden says why.
	Visible bool   `json:"visible"`
	Hidden  string `json:"hidden,omitempty"`
	// Values are the scale points; Distribution counts ratings on each.
	Values       []int    `json:"values,omitempty"`
	Distribution []int    `json:"distribution,omitempty"`
	NRated       int      `json:"n_rated"`
	NPassed      int      `json:"n_passed"`
	Median       *float64 `json:"median,omitempty"`
	PctAgree     *float64 `json:"pct_agree,omitempty"`
	Verdict      string   `json:"verdict,omitempty"`
	// ByPerspective is shown only where at least the group's minimum cell
	// size of members rated.
	ByPerspective []analysis.PerspectiveResult `json:"by_perspective,omitempty"`
}

// RoundResults returns the distribution of every agenda proposal in a
// round as far as the actor may see it: facilitators and evaluators always;
// members and observers by the group's reveal policy (never; after rating
// the proposal themselves; after the round closes).
func (e *Engine) RoundResults(ctx context.Context, actor Actor, roundID string) ([]ProposalResults, error) {
	rd, a, err := e.authorizeRound(ctx, e.store, actor, roundID, PermViewResults)
	if err != nil {
		return nil, err
	}
	res, err := e.analyse(ctx, a.group, rd, true)
	if err != nil {
		return nil, err
	}
	privileged := a.can(rd.ID, PermViewFlags) || a.can(rd.ID, PermExport)
	rated := map[string]bool{}
	if !privileged && a.group.Settings.RevealPolicy == RevealAfterOwnRating {
		evs, err := e.store.MemberCurrentRatings(ctx, rd.ID, a.member.ID)
		if err != nil {
			return nil, err
		}
		for _, ev := range evs {
			rated[ev.ProposalID] = true
		}
	}
	out := make([]ProposalResults, 0, len(res.Proposals))
	for _, p := range res.Proposals {
		pr := ProposalResults{ProposalID: p.ID, Visible: true}
		if !privileged {
			switch a.group.Settings.RevealPolicy {
			case RevealNever:
				pr.Visible, pr.Hidden = false, "This group does not show the group's ratings to members."
			case RevealAfterClose:
				if rd.State != RoundClosed {
					pr.Visible, pr.Hidden = false, "You will see how the group rated this when the round closes."
				}
			case RevealAfterOwnRating:
				if !rated[p.ID] && rd.State != RoundClosed {
					pr.Visible, pr.Hidden = false, "You will see how the group rated this after you rate it or pass."
				}
			}
		}
		if pr.Visible {
			pr.Values, pr.Distribution, pr.NRated, pr.NPassed = res.Scale.Values, p.Distribution, p.NRated, p.NPassed
			pr.Median, pr.Verdict, pr.ByPerspective = p.Median, string(p.Verdict), p.ByPerspective
			if p.Agree != nil {
				pct := p.Agree.Proportion
				pr.PctAgree = &pct
			}
		}
		out = append(out, pr)
	}
	return out, nil
}

// MyRating is a member's position on one agenda item, with the baseline
// Delphi feedback for carried and revisited items.
type MyRating struct {
	ProposalID string       `json:"proposal_id"`
	Current    *RatingEvent `json:"current,omitempty"`
	// Previous is the member's own rating of this proposal (or of the
	// proposals it came from) in the baseline round.
	Previous        *RatingEvent `json:"previous,omitempty"`
	BaselineRoundID string       `json:"baseline_round_id,omitempty"`
	// PreviousResults is the group's distribution in the baseline round,
	// when the reveal policy lets the member see it.
	PreviousResults *ProposalResults `json:"previous_results,omitempty"`
}

// MyRatings returns the actor's ratings on a round's agenda and, for items
// carried forward or revisited, their own previous rating and reason next
// to the group's previous distribution (SPEC C2).
func (e *Engine) MyRatings(ctx context.Context, actor Actor, roundID string) ([]MyRating, error) {
	rd, a, err := e.authorizeRound(ctx, e.store, actor, roundID, PermViewGroup)
	if err != nil {
		return nil, err
	}
	agenda, err := e.store.Agenda(ctx, rd.ID)
	if err != nil {
		return nil, err
	}
	current, err := e.store.MemberCurrentRatings(ctx, rd.ID, a.member.ID)
	if err != nil {
		return nil, err
	}
	mine := map[string]*RatingEvent{}
	for _, ev := range current {
		mine[ev.ProposalID] = ev
	}
	var proposals []*Proposal
	baselines := map[string]map[string]*RatingEvent{} // baseline round → proposal → own event
	baselineResults := map[string]map[string]ProposalResults{}
	out := make([]MyRating, 0, len(agenda))
	for _, it := range agenda {
		mr := MyRating{ProposalID: it.ProposalID, Current: mine[it.ProposalID], BaselineRoundID: it.BaselineRoundID}
		if it.BaselineRoundID != "" {
			if proposals == nil {
				if proposals, err = e.store.Proposals(ctx, rd.GroupID); err != nil {
					return nil, err
				}
			}
			if baselines[it.BaselineRoundID] == nil {
				evs, err := e.store.MemberCurrentRatings(ctx, it.BaselineRoundID, a.member.ID)
				if err != nil {
					return nil, err
				}
				own := map[string]*RatingEvent{}
				for _, ev := range evs {
					own[ev.ProposalID] = ev
				}
				baselines[it.BaselineRoundID] = own
				results, err := e.RoundResults(ctx, actor, it.BaselineRoundID)
				if err != nil {
					return nil, err
				}
				byID := map[string]ProposalResults{}
				for _, r := range results {
					byID[r.ProposalID] = r
				}
				baselineResults[it.BaselineRoundID] = byID
			}
			for _, id := range lineageOf(proposals, it.ProposalID) {
				if ev := baselines[it.BaselineRoundID][id]; ev != nil && mr.Previous == nil {
					mr.Previous = ev
				}
				if r, ok := baselineResults[it.BaselineRoundID][id]; ok && r.Visible && mr.PreviousResults == nil {
					mr.PreviousResults = &r
				}
			}
		}
		out = append(out, mr)
	}
	return out, nil
}

// lineageOf returns a proposal's id followed by its ancestors' ids,
// nearest first.
func lineageOf(ps []*Proposal, id string) []string {
	parents := map[string][]string{}
	for _, p := range ps {
		for _, l := range p.Parents {
			parents[p.ID] = append(parents[p.ID], l.ParentID)
		}
	}
	out := []string{id}
	for i := 0; i < len(out) && i < 256; i++ {
		for _, par := range parents[out[i]] {
			out = append(out, par)
		}
	}
	return out
}
