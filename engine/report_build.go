package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/allvoice/allvoice/engine/analysis"
)

// reportInput is what a report adds to the analysis: texts, names,
// consents and decisions, as the reader may see them.
type reportInput struct {
	g          *Group
	rd         *Round
	identities bool
	// roundNumbers maps round ids to numbers, for baselines.
	roundNumbers map[string]int
	agenda       []AgendaItem
	position     map[string]int           // proposal id → agenda position, 1-based
	views        map[string]*ProposalView // proposals the reader may see
	people       map[string]reportMember  // analysis member id → person
	decisions    map[string]*Decision     // proposal id → decision in this round
}

// reportMember is a member as the analysis refers to them.
type reportMember struct {
	person    ReportPerson
	pseudonym string
	// consent: the member agreed to their reasons being shared.
	consent bool
}

// loadReportInput reads what the report needs beyond the analysis: five
// queries, whatever the size of the round.
func (e *Engine) loadReportInput(ctx context.Context, a *access, rd *Round, identities bool) (*reportInput, error) {
	g := a.group
	in := &reportInput{g: g, rd: rd, identities: identities, roundNumbers: map[string]int{}, position: map[string]int{},
		views: map[string]*ProposalView{}, people: map[string]reportMember{}, decisions: map[string]*Decision{}}
	rounds, err := e.store.Rounds(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range rounds {
		in.roundNumbers[r.ID] = r.Number
	}
	if in.agenda, err = e.store.Agenda(ctx, rd.ID); err != nil {
		return nil, err
	}
	for i, it := range in.agenda {
		in.position[it.ProposalID] = i + 1
	}
	members, err := e.store.Members(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(members))
	for _, m := range members {
		pseudonym := Pseudonym(g, m.ID)
		rm := reportMember{pseudonym: pseudonym, consent: m.ReasonsConsent, person: ReportPerson{ID: pseudonym, Erased: m.ErasedAt != nil}}
		if identities {
			rm.person.ID = m.ID
			if m.ErasedAt == nil {
				rm.person.Name = m.DisplayName
			}
		}
		if m.ErasedAt == nil {
			names[m.ID] = m.DisplayName
		}
		in.people[rm.person.ID] = rm
		if !identities {
			// A facilitator of an anonymous group reads raters under
			// labels (unlinkRaters).
			label := raterLabel(g, pseudonym)
			in.people[label] = reportMember{pseudonym: label, consent: m.ReasonsConsent, person: ReportPerson{ID: label, Erased: m.ErasedAt != nil}}
		}
	}
	proposals, err := e.store.Proposals(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	for _, p := range proposals {
		if pv := e.proposalView(a, rd.ID, p, names); pv != nil {
			in.views[p.ID] = pv
		}
	}
	decisions, err := e.store.Decisions(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	for _, d := range decisions {
		if d.RoundID == rd.ID {
			in.decisions[d.ProposalID] = d
		}
	}
	return in, nil
}

// ref points to a proposal with the text the reader may see.
func (in *reportInput) ref(id string) ReportRef {
	r := ReportRef{ID: id, Number: in.position[id]}
	if pv := in.views[id]; pv != nil {
		r.Text = pv.Text
	}
	return r
}

func (in *reportInput) refs(ids []string) []ReportRef {
	out := make([]ReportRef, 0, len(ids))
	for _, id := range ids {
		out = append(out, in.ref(id))
	}
	return out
}

// readable puts "proposal 3" in a sentence of the analysis where it names
// a proposal by its id.
func (in *reportInput) readable(sentence, proposalID string) string {
	name := "this proposal"
	if n := in.position[proposalID]; n > 0 {
		name = fmt.Sprintf("proposal %d", n)
	}
	return strings.ReplaceAll(sentence, proposalID, name)
}

// person returns a member the analysis refers to, as the reader may see
// them.
func (in *reportInput) person(id string) ReportPerson {
	if rm, ok := in.people[id]; ok {
		return rm.person
	}
	return ReportPerson{ID: id}
}

// consented reports whether the member agreed to share their reasons.
func (in *reportInput) consented(id string) bool { return in.people[id].consent }

// pseudonym returns the pseudonym of a member the analysis refers to.
func (in *reportInput) pseudonym(id string) string {
	if rm, ok := in.people[id]; ok {
		return rm.pseudonym
	}
	return id
}

// buildConsensusReport assembles the report from the analysis. It only
// rearranges, filters and explains the analysis's figures; it computes no
// statistic of its own.
func buildConsensusReport(in *reportInput, res *analysis.Result) *ConsensusReport {
	g, rd := in.g, in.rd
	r := &ConsensusReport{
		Basis: ReportBasis{AnalysisVersion: res.AnalysisVersion, RuleVersion: res.RuleVersion, RoundRuleVersion: rd.RuleVersion,
			Rule: res.Rule, RuleText: ruleText(res.Rule, res.Scale, g.Settings.Scale, res.MinCellSize), ScaleKind: g.Settings.Scale,
			Scale: res.Scale, QuantileType: res.QuantileType, MinCellSize: res.MinCellSize},
		Group: ReportGroup{ID: g.ID, Name: g.Name, Perspectives: slices.Clone(g.Settings.Perspectives)},
		Round: ReportRound{ID: rd.ID, Number: rd.Number, Prompt: rd.Prompt, State: rd.State, OpenedAt: rd.OpenedAt,
			ClosedAt: rd.ClosedAt, AgendaLen: len(res.Proposals)},
		Identities:    in.identities,
		Participation: res.Round.Participation,
	}
	if r.Group.Perspectives == nil {
		r.Group.Perspectives = []string{}
	}
	if rd.RuleVersion != 0 && rd.RuleVersion != res.RuleVersion {
		r.Basis.RuleNote = fmt.Sprintf("This round opened under version %d of the consensus rule; the group has since changed it, and these verdicts use version %d.",
			rd.RuleVersion, res.RuleVersion)
	}
	settled := make(map[string]bool, len(res.Round.Stability.Settled))
	for _, id := range res.Round.Stability.Settled {
		settled[id] = true
	}
	divergences := map[string][]string{}
	for _, d := range res.UnderHeard.Divergences {
		divergences[d.Proposal] = append(divergences[d.Proposal], in.readable(d.Sentence, d.Proposal))
	}
	r.Proposals = make([]ReportCard, 0, len(res.Proposals))
	for i := range res.Proposals {
		r.Proposals = append(r.Proposals, in.card(res, &res.Proposals[i], settled[res.Proposals[i].ID], divergences[res.Proposals[i].ID]))
	}
	v := res.Round.Verdicts
	r.Headline = ReportHeadline{Proposals: len(res.Proposals), ConsensusFor: v.ConsensusFor, ConsensusAgainst: v.ConsensusAgainst,
		Undecided: v.NoConsensus + v.TooFew, TooFew: v.TooFew, Split: v.Split, Settled: len(res.Round.Stability.Settled),
		How: howHeadline}
	for _, c := range r.Proposals {
		if c.Decision != nil {
			r.Headline.Decided++
		}
	}
	r.Agreement = agreementOf(res)
	r.Stability = ReportStability{Compared: res.Round.Stability.Compared, Settled: in.refs(res.Round.Stability.Settled),
		MeanNetChange: res.Round.Stability.MeanNetChange, Reason: res.Round.Stability.MeanNetChangeReason,
		Trajectories: res.Trajectories, How: howStability}
	r.OpinionGroups = in.opinionGroups(res)
	r.Bridging = []ReportBridging{}
	for _, id := range res.BridgingProposals {
		b := ReportBridging{ReportRef: in.ref(id)}
		if p := reportProposal(res, id); p != nil && p.Bridging != nil {
			b.Score, b.MinPerspective = p.Bridging.Score, p.Bridging.MinPerspective
		}
		r.Bridging = append(r.Bridging, b)
	}
	r.BridgingHow = howBridging
	r.UnderHeard = in.underHeard(res)
	if at := res.Attrition; at != nil {
		r.Attrition = &ReportAttrition{PreviousRound: in.roundNumbers[at.PreviousRoundID], Previous: at.Previous, Left: at.Left,
			Stayed: at.Stayed, Joined: at.Joined, ByPerspective: at.ByPerspective, LeftByPosition: at.LeftByPosition,
			StayedByPosition: at.StayedByPosition, Warnings: reportNonNil(at.Warnings), How: howAttrition}
	} else {
		r.AttritionNote = res.AttritionReason
	}
	r.Agenda = in.suggestAgenda(r.Proposals, res.UnderHeard.Flags)
	r.HowToRead = howToRead(r)
	return r
}

// card turns one proposal's analysis into its report card.
func (in *reportInput) card(res *analysis.Result, p *analysis.ProposalResult, settled bool, divergences []string) ReportCard {
	c := ReportCard{ReportRef: in.ref(p.ID), NRated: p.NRated, NPassed: p.NPassed, NNotResponded: p.NNotResponded,
		Values: res.Scale.Values, Distribution: p.Distribution, Median: p.Median, Q1: p.Q1, Q3: p.Q3, IQR: p.IQR,
		QuantilesReason: p.QuantilesReason, Agree: p.Agree, Disagree: p.Disagree, ProportionReason: p.ProportionReason,
		AgreementA: p.AgreementA, Verdict: string(p.Verdict), VerdictExplanation: p.VerdictExplanation, Settled: settled,
		Divergences: divergences, RuleVersion: res.RuleVersion, AnalysisVersion: res.AnalysisVersion}
	if pv := in.views[p.ID]; pv != nil {
		c.EasyRead, c.State = pv.EasyRead, pv.State
		if pv.AuthorID != "" {
			c.Author = &ReportPerson{ID: pv.AuthorID, Name: pv.AuthorName}
		}
	} else {
		c.State, c.Withheld = ProposalHidden, true
	}
	c.Source = AgendaNew
	if i := in.position[p.ID]; i > 0 {
		c.Source = in.agenda[i-1].Source
	}
	c.ByPerspective = make([]ReportPerspective, 0, len(p.ByPerspective))
	for _, pp := range p.ByPerspective {
		rp := ReportPerspective{Perspective: pp.Perspective, Suppressed: pp.Suppressed || pp.Cell == nil}
		if !rp.Suppressed {
			cell := pp.Cell
			rp.NRated, rp.Distribution, rp.Median, rp.Agree = cell.NRated, cell.Distribution, cell.Median, cell.Agree
			rp.Verdict, rp.VerdictExplanation = string(cell.Verdict), cell.VerdictExplanation
		}
		c.ByPerspective = append(c.ByPerspective, rp)
	}
	if d := in.decisions[p.ID]; d != nil {
		c.Decision = &ReportDecision{Outcome: d.Outcome, Rationale: d.Rationale, ReviewDate: d.ReviewDate}
	}
	if ch := p.Change; ch != nil {
		rc := &ReportChange{BaselineRound: in.roundNumbers[ch.BaselineRoundID], ViaLineage: ch.ViaLineage,
			BaselineVerdict: string(ch.BaselineVerdict), BaselineNRated: ch.BaselineNRated, DeltaMedian: ch.DeltaMedian,
			DeltaIQR: ch.DeltaIQR, DeltaAgree: ch.DeltaAgree, DeltaReason: ch.DeltaReason, Paired: ch.Paired,
			MovedUp: ch.MovedUp, MovedDown: ch.MovedDown, Unchanged: ch.Unchanged, NetChange: ch.Stability.NetChange,
			Settled: ch.Stability.Settled, SettledReason: ch.Stability.SettledReason, Reasons: []ReportReason{}}
		if w := ch.Stability.Wilcoxon; w != nil {
			p := w.PTwoSided
			rc.WilcoxonP = &p
		}
		for _, m := range ch.Movers {
			if m.Reason == "" || !in.consented(m.Member) {
				continue
			}
			from := m.From
			rc.Reasons = append(rc.Reasons, ReportReason{Member: in.person(m.Member), Value: m.To, From: &from,
				Reason: m.Reason, ChangeCategory: m.ChangeCategory})
		}
		c.Change = rc
	} else {
		c.ChangeReason = p.ChangeReason
	}
	if d := p.Dissent; d != nil {
		rd := &ReportDissent{Zone: d.Zone, Count: d.Count, ByPerspective: d.ByPerspective, Reasons: []ReportReason{}}
		for _, m := range d.Members {
			if m.Reason == "" || !in.consented(m.Member) {
				continue
			}
			rd.Reasons = append(rd.Reasons, ReportReason{Member: in.person(m.Member), Value: m.Value, Reason: m.Reason})
		}
		rd.WithoutReason = d.Count - len(rd.Reasons)
		c.Dissent = rd
	}
	if b := p.Bridging; b != nil {
		c.BridgingScore = b.Score
	}
	return c
}

// agreementOf copies the round-wide agreement statistics.
func agreementOf(res *analysis.Result) ReportAgreement {
	ag := ReportAgreement{KendallJudges: 0, KendallReason: res.Round.KendallReason,
		KrippendorffReason: res.Round.KrippendorffReason, How: howAgreement}
	if k := res.Round.Kendall; k != nil {
		w, p := k.W, k.P
		ag.KendallW, ag.KendallP, ag.KendallJudges = &w, &p, k.Judges
	}
	if k := res.Round.Krippendorff; k != nil {
		a := k.Alpha
		ag.KrippendorffAlpha = &a
	}
	return ag
}

// opinionGroups copies the opinion groups without their members.
func (in *reportInput) opinionGroups(res *analysis.Result) ReportOpinionGroups {
	og := res.OpinionGroups
	out := ReportOpinionGroups{Clear: og.Clear, Reason: og.Reason, K: og.K, Silhouette: og.Silhouette, Clustered: og.Clustered,
		Groups: make([]ReportOpinionGroup, 0, len(og.Groups)), How: howOpinionGroups}
	for _, grp := range og.Groups {
		rg := ReportOpinionGroup{Number: grp.Number, Size: grp.Size, ByPerspective: grp.ByPerspective,
			Representative: make([]ReportRepresentative, 0, len(grp.Representative))}
		for _, rp := range grp.Representative {
			rg.Representative = append(rg.Representative, ReportRepresentative{ReportRef: in.ref(rp.Proposal), Direction: rp.Direction, Rate: rp.Rate})
		}
		out.Groups = append(out.Groups, rg)
	}
	return out
}

// underHeard copies the under-heard panel in the analysis's fixed order
// (kind, then member or perspective), never ranked by score.
func (in *reportInput) underHeard(res *analysis.Result) ReportUnderHeard {
	uh := res.UnderHeard
	out := ReportUnderHeard{Flags: make([]ReportFlag, 0, len(uh.Flags)), Divergences: make([]ReportNote, 0, len(uh.Divergences)),
		MinorityPositions: make([]ReportNote, 0, len(uh.MinorityPositions)), GiniReason: uh.Inequality.RoundReason, How: howUnderHeard}
	for _, f := range uh.Flags {
		rf := ReportFlag{Kind: f.Kind, Sentence: f.Sentence, Escalated: f.Escalated, Perspective: f.Perspective,
			OpinionGroup: f.OpinionGroup, Proposals: in.refs(f.Proposals)}
		if f.Member != "" {
			p := in.person(f.Member)
			rf.Member = &p
		}
		out.Flags = append(out.Flags, rf)
	}
	for _, d := range uh.Divergences {
		ref := in.ref(d.Proposal)
		out.Divergences = append(out.Divergences, ReportNote{Sentence: in.readable(d.Sentence, d.Proposal), Proposal: &ref})
	}
	for _, m := range uh.MinorityPositions {
		p := in.person(m.Member)
		out.MinorityPositions = append(out.MinorityPositions, ReportNote{Sentence: m.Sentence, Member: &p})
	}
	if q := uh.Inequality.Round; q != nil {
		gini, top := q.GiniNormalised, q.TopShare
		out.Gini, out.TopShare = &gini, &top
	}
	return out
}

// proposalResult finds a proposal in the analysis.
func reportProposal(res *analysis.Result, id string) *analysis.ProposalResult {
	for i := range res.Proposals {
		if res.Proposals[i].ID == id {
			return &res.Proposals[i]
		}
	}
	return nil
}

func reportNonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
