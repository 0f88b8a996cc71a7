package engine

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/allvoice/allvoice/engine/analysis"
)

// MethodsReport describes how a group reached its decisions, for a
// methods section in the style of ACCORD and COS-STAR (reporting guidance
// for consensus studies): who took part, by perspective; the rounds and
// their dates; response and attrition per round; the consensus definition
// and every change to it; and what changed between rounds. It holds only
// aggregates, never a person, and every count by perspective below the
// group's minimum cell size is suppressed.
type MethodsReport struct {
	AnalysisVersion string              `json:"analysis_version"`
	Group           MethodsGroup        `json:"group"`
	Panel           PanelComposition    `json:"panel"`
	Rounds          []MethodsRound      `json:"rounds"`
	Consensus       ConsensusDefinition `json:"consensus"`
	Decisions       DecisionCounts      `json:"decisions"`
	// Methods says how the figures are computed.
	Methods []ReportParagraph `json:"methods"`
}

// MethodsGroup is the group and the settings its results depend on.
type MethodsGroup struct {
	ID           string         `json:"id"`
	Name         string         `json:"name"`
	Description  string         `json:"description,omitempty"`
	CreatedAt    time.Time      `json:"created_at"`
	ScaleKind    string         `json:"scale_kind"`
	Scale        analysis.Scale `json:"scale"`
	Perspectives []string       `json:"perspectives"`
	RevealPolicy string         `json:"reveal_policy"`
	Anonymous    bool           `json:"anonymous"`
	MinCellSize  int            `json:"min_cell_size"`
	QuantileType int            `json:"quantile_type"`
}

// PanelComposition counts the group's members who rate, by perspective.
type PanelComposition struct {
	// Members counts current members with the member role; Erased those
	// who left and asked for their details to be erased.
	Members int `json:"members"`
	Erased  int `json:"erased"`
	// ByPerspective is suppressed where fewer than the minimum cell size;
	// NoPerspective counts members who gave none (suppressed likewise).
	ByPerspective []analysis.PerspectiveCount `json:"by_perspective"`
	NoPerspective analysis.PerspectiveCount   `json:"no_perspective"`
	// Roles counts people in the other roles (facilitators, observers,
	// evaluators, safeguarding leads), which hold no ratings.
	Roles []RoleCount `json:"roles"`
}

// RoleCount is the number of members holding a role group-wide.
type RoleCount struct {
	Role  string `json:"role"`
	Count int    `json:"count"`
}

// MethodsRound is one round of the process.
type MethodsRound struct {
	Number    int        `json:"number"`
	ID        string     `json:"id"`
	Prompt    string     `json:"prompt"`
	State     string     `json:"state"`
	CreatedAt time.Time  `json:"created_at"`
	OpenedAt  *time.Time `json:"opened_at,omitempty"`
	ClosedAt  *time.Time `json:"closed_at,omitempty"`
	// RuleVersion is fixed when the round opens; JudgedBy is the version
	// the analysis judged it by (they differ when the rule changed later).
	RuleVersion int          `json:"rule_version"`
	JudgedBy    int          `json:"judged_by,omitempty"`
	Agenda      AgendaCounts `json:"agenda"`
	// Participation, Verdicts and the rest are absent for a round that has
	// not started.
	Participation *analysis.Participation     `json:"participation,omitempty"`
	ResponseRate  *float64                    `json:"response_rate,omitempty"`
	Attrition     *MethodsAttrition           `json:"attrition,omitempty"`
	Verdicts      *analysis.VerdictCounts     `json:"verdicts,omitempty"`
	Stability     *analysis.RoundStability    `json:"stability,omitempty"`
	Trajectories  *analysis.TrajectorySummary `json:"trajectories,omitempty"`
	Decisions     DecisionCounts              `json:"decisions"`
	// Changes say in plain words what changed since the previous round.
	Changes []string `json:"changes"`
}

// AgendaCounts counts a round's agenda by how each proposal came onto it.
type AgendaCounts struct {
	New     int `json:"new"`
	Carried int `json:"carried"`
	Revisit int `json:"revisit"`
}

// MethodsAttrition is attrition since the previous round.
type MethodsAttrition struct {
	Previous      int                             `json:"previous"`
	Left          int                             `json:"left"`
	Stayed        int                             `json:"stayed"`
	Joined        int                             `json:"joined"`
	ByPerspective []analysis.PerspectiveAttrition `json:"by_perspective"`
	Warnings      []string                        `json:"warnings"`
}

// DecisionCounts counts decisions by outcome.
type DecisionCounts struct {
	Adopted    int `json:"adopted"`
	NotAdopted int `json:"not_adopted"`
	Revisit    int `json:"revisit"`
	Parked     int `json:"parked"`
}

func (d *DecisionCounts) add(outcome string) {
	switch outcome {
	case DecisionAdopted:
		d.Adopted++
	case DecisionNotAdopted:
		d.NotAdopted++
	case DecisionRevisit:
		d.Revisit++
	case DecisionParked:
		d.Parked++
	}
}

// Total is the number of decisions.
func (d DecisionCounts) Total() int { return d.Adopted + d.NotAdopted + d.Revisit + d.Parked }

// ConsensusDefinition is the group's consensus rule now and every version
// it had.
type ConsensusDefinition struct {
	Current  MethodsRuleVersion   `json:"current"`
	Versions []MethodsRuleVersion `json:"versions"`
}

// MethodsRuleVersion is one version of the consensus rule, in words, with
// the rounds it judged.
type MethodsRuleVersion struct {
	Version   int                    `json:"version"`
	Rule      analysis.ConsensusRule `json:"rule"`
	Text      string                 `json:"text"`
	CreatedAt time.Time              `json:"created_at"`
	// Rounds are the numbers of the rounds that opened under it.
	Rounds []int `json:"rounds"`
}

// MethodsReport returns the methods report of a group for its
// facilitators and evaluators.
func (e *Engine) MethodsReport(ctx context.Context, actor Actor, groupID string) (*MethodsReport, error) {
	a, err := e.authorize(ctx, e.store, actor, groupID, PermExport)
	if err != nil {
		return nil, err
	}
	g := a.group
	s := g.Settings
	scale := s.AnalysisScale()
	r := &MethodsReport{AnalysisVersion: analysis.Version,
		Group: MethodsGroup{ID: g.ID, Name: g.Name, Description: g.Description, CreatedAt: g.CreatedAt, ScaleKind: s.Scale,
			Scale: scale, Perspectives: reportNonNil(slices.Clone(s.Perspectives)), RevealPolicy: s.RevealPolicy,
			Anonymous: s.Anonymous, MinCellSize: s.MinCellSize, QuantileType: s.QuantileType}}
	members, err := e.store.Members(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	r.Panel = panelOf(g, members)
	rounds, err := e.store.Rounds(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	decisions, err := e.store.Decisions(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	versions, err := e.store.RuleVersions(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	r.Rounds = make([]MethodsRound, 0, len(rounds))
	var prev *MethodsRound
	for _, rd := range rounds {
		mr := MethodsRound{Number: rd.Number, ID: rd.ID, Prompt: rd.Prompt, State: rd.State, CreatedAt: rd.CreatedAt,
			OpenedAt: rd.OpenedAt, ClosedAt: rd.ClosedAt, RuleVersion: rd.RuleVersion, Changes: []string{}}
		agenda, err := e.store.Agenda(ctx, rd.ID)
		if err != nil {
			return nil, err
		}
		for _, it := range agenda {
			switch it.Source {
			case AgendaCarried:
				mr.Agenda.Carried++
			case AgendaRevisit:
				mr.Agenda.Revisit++
			default:
				mr.Agenda.New++
			}
		}
		for _, d := range decisions {
			if d.RoundID == rd.ID {
				mr.Decisions.add(d.Outcome)
				r.Decisions.add(d.Outcome)
			}
		}
		var res *analysis.Result
		if rd.State != RoundDraft {
			if res, err = e.analyse(ctx, g, rd, true); err != nil {
				return nil, err
			}
			fillMethodsRound(&mr, res)
		}
		mr.Changes = changesSince(prev, &mr, res)
		r.Rounds = append(r.Rounds, mr)
		prev = &r.Rounds[len(r.Rounds)-1]
	}
	r.Consensus = consensusDefinition(s, scale, versions, rounds)
	r.Methods = methodsText(r)
	return r, nil
}

// panelOf counts the panel by perspective, suppressing small cells.
func panelOf(g *Group, members []*Member) PanelComposition {
	p := PanelComposition{ByPerspective: make([]analysis.PerspectiveCount, 0, len(g.Settings.Perspectives)), Roles: []RoleCount{}}
	byPersp := map[string]int{}
	roles := map[string]int{}
	for _, m := range members {
		switch {
		case m.ErasedAt != nil:
			p.Erased++
		case m.Role == RoleMember:
			p.Members++
			byPersp[m.Perspective]++
		default:
			roles[m.Role]++
		}
	}
	cell := func(name string, n int) analysis.PerspectiveCount {
		pc := analysis.PerspectiveCount{Perspective: name}
		if n < g.Settings.MinCellSize {
			pc.Suppressed = true
		} else {
			pc.Count = &n
		}
		return pc
	}
	for _, name := range g.Settings.Perspectives {
		p.ByPerspective = append(p.ByPerspective, cell(name, byPersp[name]))
	}
	p.NoPerspective = cell("", byPersp[""])
	if byPersp[""] == 0 {
		zero := 0
		p.NoPerspective = analysis.PerspectiveCount{Count: &zero} // none is not a small cell
	}
	for _, role := range Roles {
		if role != RoleMember && roles[role] > 0 {
			p.Roles = append(p.Roles, RoleCount{Role: role, Count: roles[role]})
		}
	}
	return p
}

// fillMethodsRound copies a round's aggregates from its analysis.
func fillMethodsRound(mr *MethodsRound, res *analysis.Result) {
	part := res.Round.Participation
	mr.JudgedBy = res.RuleVersion
	mr.Participation = &part
	if part.Invited > 0 {
		rate := float64(part.Responded) / float64(part.Invited)
		mr.ResponseRate = &rate
	}
	v := res.Round.Verdicts
	mr.Verdicts = &v
	st := res.Round.Stability
	mr.Stability = &st
	tr := res.Trajectories
	mr.Trajectories = &tr
	if at := res.Attrition; at != nil {
		mr.Attrition = &MethodsAttrition{Previous: at.Previous, Left: at.Left, Stayed: at.Stayed, Joined: at.Joined,
			ByPerspective: at.ByPerspective, Warnings: reportNonNil(at.Warnings)}
	}
}

// changesSince says in plain words what changed from the previous round
// to this one.
func changesSince(prev, mr *MethodsRound, res *analysis.Result) []string {
	out := []string{}
	if prev == nil {
		return out
	}
	if mr.Agenda.Carried+mr.Agenda.Revisit > 0 || mr.Agenda.New > 0 {
		out = append(out, fmt.Sprintf("The agenda had %s: %d new, %d carried forward and %d brought back to revisit.",
			reportPlural(mr.Agenda.New+mr.Agenda.Carried+mr.Agenda.Revisit, "proposal", "proposals"),
			mr.Agenda.New, mr.Agenda.Carried, mr.Agenda.Revisit))
	}
	if n := prev.Decisions.Total(); n > 0 {
		out = append(out, fmt.Sprintf("Round %d ended with %s: %d adopted, %d not adopted, %d to revisit and %d parked.",
			prev.Number, reportPlural(n, "decision", "decisions"), prev.Decisions.Adopted, prev.Decisions.NotAdopted,
			prev.Decisions.Revisit, prev.Decisions.Parked))
	}
	if prev.RuleVersion != 0 && mr.RuleVersion != 0 && prev.RuleVersion != mr.RuleVersion {
		out = append(out, fmt.Sprintf("The consensus rule changed from version %d to version %d.", prev.RuleVersion, mr.RuleVersion))
	}
	if res == nil {
		return out
	}
	gained, lost, held, compared := 0, 0, 0, 0
	for _, p := range res.Proposals {
		if p.Change == nil {
			continue
		}
		compared++
		was, is := p.Change.BaselineVerdict, p.Verdict
		isConsensus := is == analysis.VerdictConsensusFor || is == analysis.VerdictConsensusAgainst
		wasConsensus := was == analysis.VerdictConsensusFor || was == analysis.VerdictConsensusAgainst
		switch {
		case was == is:
			held++
		case isConsensus:
			gained++
		case wasConsensus:
			lost++
		}
	}
	if compared > 0 {
		out = append(out, fmt.Sprintf("Of %s rated before, %d kept the same verdict, %d reached consensus and %d lost it.",
			reportPlural(compared, "proposal", "proposals"), held, gained, lost))
	}
	if t := res.Trajectories; t.Pairs > 0 {
		out = append(out, fmt.Sprintf("Of %s by the same member on the same proposal, %d moved towards the earlier median, %d away from it, %d across it and %d did not change.",
			reportPlural(t.Pairs, "pair of ratings", "pairs of ratings"), t.Towards, t.Away, t.Across, t.Unchanged))
	}
	if at := mr.Attrition; at != nil {
		if mr.State == RoundClosed {
			out = append(out, fmt.Sprintf("%s who rated in round %d did not rate in this round; %s rated for the first time.",
				reportPlural(at.Left, "member", "members"), prev.Number, reportPlural(at.Joined, "member", "members")))
		} else {
			out = append(out, fmt.Sprintf("This round is still open: so far, %d of the %d members who rated in round %d have not rated in it, and %s rated for the first time.",
				at.Left, at.Previous, prev.Number, reportPlural(at.Joined, "member", "members")))
		}
		out = append(out, at.Warnings...)
	}
	return out
}

// consensusDefinition lists the rule's versions with the rounds each
// judged.
func consensusDefinition(s GroupSettings, scale analysis.Scale, versions []RuleVersion, rounds []*Round) ConsensusDefinition {
	cd := ConsensusDefinition{Versions: make([]MethodsRuleVersion, 0, len(versions))}
	for _, v := range versions {
		mv := MethodsRuleVersion{Version: v.Version, Rule: v.Rule, Text: ruleText(v.Rule, scale, s.Scale, s.MinCellSize),
			CreatedAt: v.CreatedAt, Rounds: []int{}}
		for _, rd := range rounds {
			if rd.RuleVersion == v.Version && rd.State != RoundDraft {
				mv.Rounds = append(mv.Rounds, rd.Number)
			}
		}
		cd.Versions = append(cd.Versions, mv)
		if v.Version == s.ConsensusRule.Version {
			cd.Current = mv
		}
	}
	if cd.Current.Version == 0 {
		cd.Current = MethodsRuleVersion{Version: s.ConsensusRule.Version, Rule: s.ConsensusRule,
			Text: ruleText(s.ConsensusRule, scale, s.Scale, s.MinCellSize), Rounds: []int{}}
	}
	return cd
}

// methodsText says how the methods report's figures are computed.
func methodsText(r *MethodsReport) []ReportParagraph {
	return []ReportParagraph{
		{Heading: "Panel and small cells", Text: fmt.Sprintf("The panel is the group's members who rate. Every count by "+
			"perspective over fewer than %s is suppressed, so that nobody can be singled out.",
			reportPlural(r.Group.MinCellSize, "member", "members"))},
		{Heading: "Response", Text: "Invited members could rate in the round; those who responded rated or passed at least " +
			"one proposal; active members also include those who only proposed or wrote a reflection. The response " +
			"rate is responded over invited."},
		{Heading: "Attrition", Text: howAttrition},
		{Heading: "Verdicts", Text: "Each proposal is judged in each round by the consensus rule in force, stated with its " +
			"version; the versions and the rounds they judged are listed above."},
		{Heading: "Stability", Text: howStability},
		{Heading: "Reproducibility", Text: fmt.Sprintf("All figures come from analysis version %s on a frozen copy of each "+
			"round; the same data always gives the same figures. Medians and quartiles use Hyndman and Fan's "+
			"definition %d.", r.AnalysisVersion, r.Group.QuantileType)},
	}
}
