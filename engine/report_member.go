package engine

import (
	"context"
	"time"

	"github.com/allvoice/allvoice/engine/analysis"
)

// How many of the people who rated agreed, in words an Easy Read summary
// can use ("Most people agreed").
const (
	AmountEveryone       = "everyone"
	AmountAlmostEveryone = "almost_everyone"
	AmountMost           = "most"
	AmountAboutHalf      = "about_half"
	AmountSome           = "some"
	AmountFew            = "few"
	AmountNobody         = "nobody"
)

// AmountOf puts agreed out of rated into words: everyone, almost everyone
// (at least 90 %), most (over 55 %), about half (45–55 %), some (25–45 %),
// few (under 25 %) or nobody; "" when nobody rated.
func AmountOf(agreed, rated int) string {
	switch {
	case rated <= 0:
		return ""
	case agreed >= rated:
		return AmountEveryone
	case agreed <= 0:
		return AmountNobody
	}
	share := float64(agreed) / float64(rated)
	switch {
	case share >= 0.9:
		return AmountAlmostEveryone
	case share > 0.55:
		return AmountMost
	case share >= 0.45:
		return AmountAboutHalf
	case share >= 0.25:
		return AmountSome
	}
	return AmountFew
}

// EasyReadSummary is the outcome of a closed round for members, as plain
// facts an Easy Read page puts into short sentences: how many people took
// part, and for each idea how many agreed and what the group decided.
type EasyReadSummary struct {
	GroupID     string     `json:"group_id"`
	GroupName   string     `json:"group_name"`
	RoundID     string     `json:"round_id"`
	RoundNumber int        `json:"round_number"`
	Prompt      string     `json:"prompt"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
	ScaleKind   string     `json:"scale_kind"`
	// Invited could rate; TookPart rated or passed at least one idea.
	Invited  int `json:"invited"`
	TookPart int `json:"took_part"`
	// ResultsShown is false when the group never shows members how the
	// group rated; the ideas then carry decisions only.
	ResultsShown bool           `json:"results_shown"`
	Ideas        []EasyReadIdea `json:"ideas"`
	// AgreedFor counts ideas with consensus for, AgreedAgainst with
	// consensus against, NotAgreed the rest (when results are shown).
	AgreedFor     int            `json:"agreed_for"`
	AgreedAgainst int            `json:"agreed_against"`
	NotAgreed     int            `json:"not_agreed"`
	Decisions     DecisionCounts `json:"decisions"`
}

// EasyReadIdea is one idea of the round in an Easy Read summary.
type EasyReadIdea struct {
	ProposalID  string `json:"proposal_id"`
	Number      int    `json:"number"`
	Text        string `json:"text"`
	EasyRead    string `json:"easy_read,omitempty"`
	YouProposed bool   `json:"you_proposed"`
	// Shown is false when the reveal policy hides the group's ratings.
	Shown bool `json:"shown"`
	// Rated gave a rating; Agreed, Middle and Disagreed split them by the
	// scale's zones; Passed chose "can't say".
	Rated     int `json:"rated"`
	Agreed    int `json:"agreed"`
	Middle    int `json:"middle"`
	Disagreed int `json:"disagreed"`
	Passed    int `json:"passed"`
	// Amount is how many of those who rated agreed, in words (AmountOf).
	Amount    string `json:"amount,omitempty"`
	Verdict   string `json:"verdict,omitempty"`
	Decision  string `json:"decision,omitempty"`
	Rationale string `json:"rationale,omitempty"`
}

// EasyReadSummary returns the Easy Read summary of a closed round for
// anyone who may see the round's results, as far as the reveal policy
// allows.
func (e *Engine) EasyReadSummary(ctx context.Context, actor Actor, roundID string) (*EasyReadSummary, error) {
	rd, a, err := e.authorizeRound(ctx, e.store, actor, roundID, PermViewResults)
	if err != nil {
		return nil, err
	}
	if rd.State != RoundClosed {
		return nil, &Error{Code: ECONFLICT, Message: "The Easy Read summary is ready when the round closes.",
			Fields: []FieldError{{Field: "round_id", Rule: "must be a closed round"}}}
	}
	results, err := e.RoundResults(ctx, actor, rd.ID)
	if err != nil {
		return nil, err
	}
	res, err := e.analyse(ctx, a.group, rd, true)
	if err != nil {
		return nil, err
	}
	agenda, err := e.store.Agenda(ctx, rd.ID)
	if err != nil {
		return nil, err
	}
	proposals, err := e.store.Proposals(ctx, a.group.ID)
	if err != nil {
		return nil, err
	}
	decisions, err := e.store.Decisions(ctx, a.group.ID)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*Proposal, len(proposals))
	for _, p := range proposals {
		byID[p.ID] = p
	}
	decided := map[string]*Decision{}
	for _, d := range decisions {
		if d.RoundID == rd.ID {
			decided[d.ProposalID] = d
		}
	}
	shown := map[string]*ProposalResults{}
	for i := range results {
		if results[i].Visible {
			shown[results[i].ProposalID] = &results[i]
		}
	}
	scale := a.group.Settings.AnalysisScale()
	s := &EasyReadSummary{GroupID: a.group.ID, GroupName: a.group.Name, RoundID: rd.ID, RoundNumber: rd.Number, Prompt: rd.Prompt,
		ClosedAt: rd.ClosedAt, ScaleKind: a.group.Settings.Scale, Invited: res.Round.Participation.Invited,
		TookPart: res.Round.Participation.Responded, ResultsShown: len(shown) > 0 || len(agenda) == 0, Ideas: []EasyReadIdea{}}
	for _, it := range agenda {
		p := byID[it.ProposalID]
		if p == nil {
			continue
		}
		pv := e.proposalView(a, rd.ID, p, nil)
		if pv == nil || pv.State != ProposalVisible {
			continue // hidden, or replaced by a rewording that carries its ratings
		}
		idea := EasyReadIdea{ProposalID: p.ID, Number: len(s.Ideas) + 1, Text: pv.Text, EasyRead: pv.EasyRead, YouProposed: pv.YouProposed}
		if pr := shown[p.ID]; pr != nil {
			idea.Shown, idea.Rated, idea.Passed, idea.Verdict = true, pr.NRated, pr.NPassed, pr.Verdict
			for i, v := range pr.Values {
				n := 0
				if i < len(pr.Distribution) {
					n = pr.Distribution[i]
				}
				switch {
				case v >= scale.AgreeMin && v <= scale.AgreeMax:
					idea.Agreed += n
				case v >= scale.DisagreeMin && v <= scale.DisagreeMax:
					idea.Disagreed += n
				default:
					idea.Middle += n
				}
			}
			idea.Amount = AmountOf(idea.Agreed, idea.Rated)
			switch idea.Verdict {
			case VerdictConsensusFor:
				s.AgreedFor++
			case VerdictConsensusAgainst:
				s.AgreedAgainst++
			default:
				s.NotAgreed++
			}
		}
		if d := decided[p.ID]; d != nil {
			idea.Decision, idea.Rationale = d.Outcome, d.Rationale
			s.Decisions.add(d.Outcome)
		}
		s.Ideas = append(s.Ideas, idea)
	}
	return s, nil
}

// MyPath is a member's own rating path on one proposal across rounds
// (SPEC C8 "what happened to my input"): each rating they gave it, or the
// proposals it came from, with their reasons.
type MyPath struct {
	// ProposalID is the proposal the path ends at (the latest of its
	// lineage that the member's ratings reach).
	ProposalID string        `json:"proposal_id"`
	Points     []MyPathPoint `json:"points"`
}

// MyPathPoint is one rating on a member's path.
type MyPathPoint struct {
	RoundID     string `json:"round_id"`
	RoundNumber int    `json:"round_number"`
	// ProposalID is the proposal rated: an earlier one of the lineage
	// before a rewording or merge.
	ProposalID     string `json:"proposal_id"`
	Value          *int   `json:"value,omitempty"`
	Pass           bool   `json:"pass"`
	Reason         string `json:"reason,omitempty"`
	ChangeCategory string `json:"change_category,omitempty"`
}

// MyPaths returns the actor's own rating paths on every proposal they
// rated in the group, oldest path end first: the analysis's member
// trajectories (ANALYSIS.md §4) of every round, each path kept once, at
// the last round it reaches.
func (e *Engine) MyPaths(ctx context.Context, actor Actor, groupID string) ([]MyPath, error) {
	a, err := e.authorize(ctx, e.store, actor, groupID, PermViewGroup)
	if err != nil {
		return nil, err
	}
	all, err := e.store.Rounds(ctx, groupID)
	if err != nil {
		return nil, err
	}
	var rounds []*Round
	for _, r := range all {
		if r.State != RoundDraft {
			rounds = append(rounds, r)
		}
	}
	if len(rounds) == 0 {
		return []MyPath{}, nil
	}
	in, err := e.loadSnapshot(ctx, a.group, rounds)
	if err != nil {
		return nil, err
	}
	member := -1
	for i, m := range in.members {
		if m.ID == a.member.ID {
			member = i
		}
	}
	if member < 0 {
		return []MyPath{}, nil
	}
	numbers := map[string]int{}
	for _, r := range rounds {
		numbers[r.ID] = r.Number
	}
	perRound := make([][]analysis.TrajectoryPath, len(rounds))
	for r := range rounds {
		sub := *in
		sub.rounds, sub.agendas, sub.ratings = in.rounds[:r+1], in.agendas[:r+1], in.ratings[:r+1]
		paths, err := analysis.MemberTrajectory(*sub.snapshot(a.group, false), member)
		if err != nil {
			return nil, &Error{Code: EINTERNAL, Message: "Your ratings could not be put together.", Err: err}
		}
		perRound[r] = paths
	}
	// A path continued in a later round is kept only there, where it is
	// longest.
	covered := map[string]bool{}
	kept := make([][]MyPath, len(rounds))
	for r := len(rounds) - 1; r >= 0; r-- {
		for _, tp := range perRound[r] {
			if covered[tp.Proposal] {
				continue
			}
			mp := MyPath{ProposalID: tp.Proposal, Points: make([]MyPathPoint, 0, len(tp.Points))}
			covered[tp.Proposal] = true
			for _, pt := range tp.Points {
				covered[pt.Proposal] = true
				mp.Points = append(mp.Points, MyPathPoint{RoundID: pt.RoundID, RoundNumber: numbers[pt.RoundID], ProposalID: pt.Proposal,
					Value: pt.Value, Pass: pt.Pass, Reason: pt.Reason, ChangeCategory: pt.ChangeCategory})
			}
			kept[r] = append(kept[r], mp)
		}
	}
	out := []MyPath{}
	for _, ps := range kept {
		out = append(out, ps...)
	}
	return out, nil
}
