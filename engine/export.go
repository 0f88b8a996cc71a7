package engine

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/allvoice/allvoice/engine/analysis"
	"github.com/allvoice/allvoice/engine/export"
)

// exportPageSize is how many rating events one store read returns while
// an export streams them.
const exportPageSize = 2000

// ExportGroup writes a group's evaluator data package to w: a zip holding
// a Frictionless Data Package (v2) of tidy CSV tables with a codebook, the
// consensus rules as JSON, a Polis-compatible view and SPSS syntax (see
// package export). Evaluators and facilitators of the group may export it.
//
// Everything is pseudonymised: members appear under their group
// pseudonyms, and only members who consented to research use (and were
// not erased) appear in row-level tables; reasons only with the reasons
// consent; free text of anyone else is withheld; display names never
// appear. Aggregates come from the engine's own analysis over every
// member, as in the reports, with every perspective cell below the
// group's minimum cell size suppressed, and with consented-only figures
// wherever fewer than that many unexported members rated, so that no one's
// withheld ratings can be worked out by subtraction.
//
// Authorisation and the analyses happen before the first byte is written,
// so an error before that leaves w untouched. Rating events are then read
// page by page while they are written; progress, when not nil, is called
// with the rows streamed so far and their total.
func (e *Engine) ExportGroup(ctx context.Context, actor Actor, groupID string, w io.Writer, progress func(done, total int)) error {
	a, err := e.authorize(ctx, e.store, actor, groupID, PermExport)
	if err != nil {
		return err
	}
	x := &exportRun{e: e, g: a.group, cutoff: e.Now()}
	pkg, err := x.gather(ctx)
	if err != nil {
		return err
	}
	err = e.store.InTx(ctx, func(tx Tx) error {
		return e.audit(ctx, tx, groupID, a.member.ID, "group.exported", "group", groupID)
	})
	if err != nil {
		return err
	}
	if err := export.Write(w, pkg, progress); err != nil {
		var ee *Error
		if errors.As(err, &ee) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return &Error{Code: EINTERNAL, Message: "The export could not be written.", Err: err}
	}
	return nil
}

// exportRun carries one export: what was loaded and how internal ids map
// to the export's numbers and pseudonyms.
type exportRun struct {
	e      *Engine
	g      *Group
	cutoff time.Time

	members   map[string]*Member
	exported  map[string]string // member id → pseudonym, consented members only
	polisID   map[string]int    // member id → Polis participant number
	rounds    []*Round
	roundNum  map[string]int
	agendas   map[string][]AgendaItem
	proposals []*Proposal
	propNum   map[string]int

	// superseded holds the exported events that a later exported event
	// replaced; unexported counts, per (round, proposal), the raters absent
	// from the row-level tables within each perspective (index + 1; 0 for
	// none).
	superseded map[string]bool
	unexported map[[2]string][]int
	nEvents    int
}

// exportable reports whether m's rows may appear in an export.
func exportable(m *Member) bool { return m.ResearchConsent && m.ErasedAt == nil }

// gather loads the group, runs the analyses and builds the package.
func (x *exportRun) gather(ctx context.Context) (*export.Package, error) {
	s, g := x.e.store, x.g
	ms, err := s.Members(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	x.members, x.exported, x.polisID = map[string]*Member{}, map[string]string{}, map[string]int{}
	var consented []*Member
	for _, m := range ms {
		x.members[m.ID] = m
		if exportable(m) {
			x.exported[m.ID] = Pseudonym(g, m.ID)
			consented = append(consented, m)
		}
	}
	// Polis numbers follow the pseudonyms, so they reveal nothing of the
	// order people joined in.
	slices.SortFunc(consented, func(a, b *Member) int { return strings.Compare(x.exported[a.ID], x.exported[b.ID]) })
	pkg := &export.Package{Meta: x.meta()}
	for i, m := range consented {
		x.polisID[m.ID] = i + 1
		var joined *time.Time
		if !g.Settings.Anonymous {
			joined = &m.CreatedAt
		}
		pkg.Members = append(pkg.Members, export.Member{ID: x.exported[m.ID], PolisID: i + 1, Perspective: m.Perspective,
			Role: m.Role, JoinedAt: joined, ReasonsConsent: m.ReasonsConsent})
	}
	if x.rounds, err = s.Rounds(ctx, g.ID); err != nil {
		return nil, err
	}
	x.roundNum = map[string]int{}
	for _, r := range x.rounds {
		x.roundNum[r.ID] = r.Number
	}
	x.agendas = map[string][]AgendaItem{}
	for _, r := range x.rounds {
		if x.agendas[r.ID], err = s.Agenda(ctx, r.ID); err != nil {
			return nil, err
		}
	}
	if x.proposals, err = s.Proposals(ctx, g.ID); err != nil {
		return nil, err
	}
	x.orderProposals()
	x.propNum = map[string]int{}
	for i, p := range x.proposals {
		x.propNum[p.ID] = i + 1
	}
	if err := x.structure(ctx, pkg); err != nil {
		return nil, err
	}
	reports, err := x.reports(ctx)
	if err != nil {
		return nil, err
	}
	if err := x.scanEvents(ctx); err != nil {
		return nil, err
	}
	if err := x.evaluations(ctx, pkg, reports); err != nil {
		return nil, err
	}
	if err := x.records(ctx, pkg, reports); err != nil {
		return nil, err
	}
	if err := x.checkIns(ctx, pkg); err != nil {
		return nil, err
	}
	pkg.NEvents = x.nEvents
	pkg.Events = x.eventSource(ctx, false)
	pkg.Current = x.eventSource(ctx, true)
	return pkg, nil
}

// meta describes the group and its rules.
func (x *exportRun) meta() export.Meta {
	g := x.g
	sc := g.Settings.AnalysisScale()
	return export.Meta{Name: exportName(g.Name, x.cutoff), Title: g.Name, Created: x.cutoff, AnalysisVersion: analysis.Version,
		Scale: export.Scale{Kind: g.Settings.Scale, Values: sc.Values, AgreeMin: sc.AgreeMin, AgreeMax: sc.AgreeMax,
			DisagreeMin: sc.DisagreeMin, DisagreeMax: sc.DisagreeMax},
		QuantileType: g.Settings.QuantileType, MinCellSize: g.Settings.MinCellSize, Perspectives: g.Settings.Perspectives,
		Anonymous: g.Settings.Anonymous, CurrentRuleVersion: g.Settings.ConsensusRule.Version}
}

// exportName is the package name: lower-case letters, digits and '-'.
func exportName(groupName string, at time.Time) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(groupName) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 48 {
			break
		}
	}
	slug := strings.Trim(b.String(), "-")
	if slug == "" {
		slug = "group"
	}
	return "allvoice-" + slug + "-" + at.UTC().Format("20060102")
}

// orderProposals puts proposals in the order members met them: by the
// round first proposed in, then by position on that round's agenda, then
// by creation. Ids alone would not do: ids made in the same millisecond
// (an import) are in random order.
func (x *exportRun) orderProposals() {
	pos := map[string]int{}
	for _, p := range x.proposals {
		pos[p.ID] = math.MaxInt
		for _, it := range x.agendas[p.RoundID] {
			if it.ProposalID == p.ID {
				pos[p.ID] = it.Position
			}
		}
	}
	slices.SortStableFunc(x.proposals, func(a, b *Proposal) int {
		return cmp.Or(cmp.Compare(x.roundNum[a.RoundID], x.roundNum[b.RoundID]), cmp.Compare(pos[a.ID], pos[b.ID]),
			a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
}

// structure adds rounds, agenda, proposals and lineage.
func (x *exportRun) structure(ctx context.Context, pkg *export.Package) error {
	for _, r := range x.rounds {
		agenda := x.agendas[r.ID]
		pkg.Rounds = append(pkg.Rounds, export.Round{Number: r.Number, Prompt: r.Prompt, State: r.State, Combined: r.Combined,
			RuleVersion: r.RuleVersion, CreatedAt: r.CreatedAt, OpenedAt: r.OpenedAt, ClosedAt: r.ClosedAt, AgendaSize: len(agenda)})
		for _, it := range agenda {
			if _, ok := x.propNum[it.ProposalID]; !ok {
				continue
			}
			pkg.Agenda = append(pkg.Agenda, export.AgendaItem{Round: r.Number, Proposal: x.propNum[it.ProposalID],
				Position: it.Position, Source: it.Source, BaselineRound: x.roundNum[it.BaselineRoundID]})
		}
	}
	for _, p := range x.proposals {
		ep := export.Proposal{Number: x.propNum[p.ID], Round: x.roundNum[p.RoundID], State: p.State, CreatedAt: p.CreatedAt}
		author := p.AuthorID
		switch pseud, ok := x.exported[author]; {
		case author == "":
			ep.AuthorStatus = export.AuthorNone
		case x.g.Settings.Anonymous:
			ep.AuthorStatus = export.AuthorWithheldAnonymous
		case ok:
			ep.AuthorStatus, ep.AuthorID = export.AuthorExported, pseud
		default:
			ep.AuthorStatus = export.AuthorNotExported
		}
		// Text belongs to its credited author, or to whoever entered an
		// uncredited proposal.
		writer := author
		if writer == "" {
			writer = p.CreatedBy
		}
		_, consented := x.exported[writer]
		switch {
		case p.State == ProposalHidden:
			ep.TextStatus = export.TextWithheldHidden
		case !consented:
			ep.TextStatus = export.TextWithheldConsent
		case p.Text == "":
			ep.TextStatus = export.TextNone
		default:
			ep.TextStatus, ep.Text, ep.EasyRead = export.TextExported, p.Text, p.EasyRead
		}
		for _, l := range p.Parents {
			if parent, ok := x.propNum[l.ParentID]; ok {
				pkg.Lineage = append(pkg.Lineage, export.LineageLink{Proposal: ep.Number, Parent: parent, Kind: l.Kind})
				ep.LineageKind = l.Kind
			}
		}
		pkg.Proposals = append(pkg.Proposals, ep)
	}
	return nil
}

// roundReport is the report of one analysed round.
type roundReport struct {
	round *Round
	res   *analysis.Result
}

// reports analyses every round that has opened, as RoundAnalysis does for
// an evaluator (pseudonymous, current rule); the cached analysis of the
// reports is reused.
func (x *exportRun) reports(ctx context.Context) ([]roundReport, error) {
	var out []roundReport
	for _, r := range x.rounds {
		if r.State == RoundDraft {
			continue
		}
		res, err := x.e.analyse(ctx, x.g, r, true)
		if err != nil {
			return nil, err
		}
		out = append(out, roundReport{round: r, res: res})
	}
	return out, nil
}

// eachEvent calls fn for every rating event of the group created up to
// the export's cutoff, reading the store page by page.
func (x *exportRun) eachEvent(ctx context.Context, fn func(*RatingEvent) error) error {
	var at time.Time
	var id string
	for {
		page, err := x.e.store.RatingEventsPage(ctx, x.g.ID, at, id, exportPageSize)
		if err != nil {
			return err
		}
		for _, ev := range page {
			if ev.CreatedAt.After(x.cutoff) {
				return nil
			}
			if err := fn(ev); err != nil {
				return err
			}
		}
		if len(page) < exportPageSize {
			return nil
		}
		last := page[len(page)-1]
		at, id = last.CreatedAt, last.ID
	}
}

// scanEvents is the first pass over the events: it counts the exported
// ones, notes which of them were replaced, and counts by perspective the
// unexported members who rated each proposal in each round.
func (x *exportRun) scanEvents(ctx context.Context) error {
	x.superseded, x.unexported = map[string]bool{}, map[[2]string][]int{}
	seen := map[[3]string]bool{}
	return x.eachEvent(ctx, func(ev *RatingEvent) error {
		if _, ok := x.exported[ev.MemberID]; ok {
			x.nEvents++
			if ev.PreviousEventID != "" {
				x.superseded[ev.PreviousEventID] = true
			}
			return nil
		}
		key := [3]string{ev.RoundID, ev.ProposalID, ev.MemberID}
		if seen[key] {
			return nil
		}
		seen[key] = true
		cell := [2]string{ev.RoundID, ev.ProposalID}
		counts := x.unexported[cell]
		if counts == nil {
			counts = make([]int, 1+len(x.g.Settings.Perspectives))
			x.unexported[cell] = counts
		}
		p := 0
		if m := x.members[ev.MemberID]; m != nil {
			p = slices.Index(x.g.Settings.Perspectives, m.Perspective) + 1
		}
		counts[p]++
		return nil
	})
}

// consentedOnly reports whether a proposal's figures in a round must come
// from consented members alone: some perspective (or the members without
// one) holds between 1 and min cell size − 1 unexported raters, whose
// ratings subtracting the exported ones from the whole would reveal.
func (x *exportRun) consentedOnly(roundID, proposalID string) bool {
	for _, n := range x.unexported[[2]string{roundID, proposalID}] {
		if n > 0 && n < x.g.Settings.MinCellSize {
			return true
		}
	}
	return false
}

// unexportedRaters is the number of unexported raters of a proposal.
func (x *exportRun) unexportedRaters(roundID, proposalID string) int {
	n := 0
	for _, c := range x.unexported[[2]string{roundID, proposalID}] {
		n += c
	}
	return n
}

// ruleVersions are the group's rule versions, the current one included.
func (x *exportRun) ruleVersions(ctx context.Context) ([]RuleVersion, error) {
	rvs, err := x.e.store.RuleVersions(ctx, x.g.ID)
	if err != nil {
		return nil, err
	}
	cur := x.g.Settings.ConsensusRule
	if !slices.ContainsFunc(rvs, func(rv RuleVersion) bool { return rv.Version == cur.Version }) {
		rvs = append(rvs, RuleVersion{GroupID: x.g.ID, Version: cur.Version, Rule: cur, CreatedAt: x.g.UpdatedAt})
	}
	slices.SortFunc(rvs, func(a, b RuleVersion) int { return a.Version - b.Version })
	return rvs, nil
}

// evaluations fills rule_evaluations.csv: every analysed round under every
// rule version, overall and by perspective, from the report's analysis or,
// where consentedOnly says so, from an analysis of consented members'
// ratings alone.
func (x *exportRun) evaluations(ctx context.Context, pkg *export.Package, reports []roundReport) error {
	rvs, err := x.ruleVersions(ctx)
	if err != nil {
		return err
	}
	for _, rv := range rvs {
		raw, err := json.Marshal(rv.Rule)
		if err != nil {
			return err
		}
		pkg.Meta.Rules = append(pkg.Meta.Rules, export.Rule{Version: rv.Version, CreatedAt: rv.CreatedAt, JSON: raw, Words: ruleWords(rv.Rule)})
	}
	current := x.g.Settings.ConsensusRule.Version
	for _, rep := range reports {
		rd := rep.round
		needConsented := false
		for _, p := range rep.res.Proposals {
			needConsented = needConsented || x.consentedOnly(rd.ID, p.ID)
		}
		var in *snapshotInput
		if needConsented || len(rvs) > 1 {
			rounds, _, err := x.e.snapshotVersion(ctx, x.g, rd)
			if err != nil {
				return err
			}
			if in, err = x.e.loadSnapshot(ctx, x.g, rounds); err != nil {
				return err
			}
		}
		for _, rv := range rvs {
			all := rep.res
			if rv.Version != current {
				if all = x.rejudge(in, rv.Rule, false); all == nil {
					continue // the version cannot judge this scale any more
				}
			}
			var consented *analysis.Result
			if needConsented {
				consented = x.rejudge(in, rv.Rule, true)
			}
			for i := range all.Proposals {
				p := &all.Proposals[i]
				row := x.evaluation(rd, p, rv.Version, rv.Version == current)
				if x.consentedOnly(rd.ID, p.ID) {
					if consented == nil || i >= len(consented.Proposals) {
						continue
					}
					p = &consented.Proposals[i]
					row.Population, row.NUnexported = export.PopulationConsented, nil
				}
				fillEvaluation(&row, p)
				pkg.RuleEvaluations = append(pkg.RuleEvaluations, row)
				for _, pp := range p.ByPerspective {
					prow := x.evaluation(rd, p, rv.Version, rv.Version == current)
					prow.Scope, prow.Perspective, prow.Population, prow.NUnexported = export.ScopePerspective, pp.Perspective, row.Population, nil
					if pp.Suppressed || pp.Cell == nil {
						prow.Suppressed = true
					} else {
						fillCell(&prow, pp.Cell)
					}
					pkg.RuleEvaluations = append(pkg.RuleEvaluations, prow)
				}
			}
		}
	}
	return nil
}

// rejudge analyses a loaded round again under another rule, optionally
// with consented members' ratings only. It returns nil when the rule does
// not fit the group's scale.
func (x *exportRun) rejudge(in *snapshotInput, rule analysis.ConsensusRule, consentedOnly bool) *analysis.Result {
	s := in.snapshot(x.g, true)
	s.Rule = rule
	if consentedOnly {
		keep := make([]bool, len(in.members))
		for i, m := range in.members {
			_, keep[i] = x.exported[m.ID]
		}
		for r := range s.Rounds {
			s.Rounds[r].Ratings = keepRatings(s.Rounds[r].Ratings, keep)
		}
	}
	res, err := analysis.Analyse(*s)
	if err != nil {
		return nil
	}
	return res
}

// keepRatings keeps the ratings of the members marked in keep.
func keepRatings(rt analysis.Ratings, keep []bool) analysis.Ratings {
	var out analysis.Ratings
	for i, m := range rt.Member {
		if !keep[m] {
			continue
		}
		out.Member = append(out.Member, m)
		out.Proposal = append(out.Proposal, rt.Proposal[i])
		out.Value = append(out.Value, rt.Value[i])
		if len(rt.Pass) > 0 {
			out.Pass = append(out.Pass, rt.Pass[i])
		}
		if len(rt.Reason) > 0 {
			out.Reason = append(out.Reason, rt.Reason[i])
		}
		if len(rt.ChangeCategory) > 0 {
			out.ChangeCategory = append(out.ChangeCategory, rt.ChangeCategory[i])
		}
	}
	return out
}

// evaluation starts a rule-evaluation row.
func (x *exportRun) evaluation(rd *Round, p *analysis.ProposalResult, version int, current bool) export.RuleEvaluation {
	n := x.unexportedRaters(rd.ID, p.ID)
	return export.RuleEvaluation{Round: rd.Number, Proposal: x.propNum[p.ID], RuleVersion: version, Current: current,
		RoundRule: rd.RuleVersion == version, Scope: export.ScopeOverall, Population: export.PopulationAll, NUnexported: &n}
}

func fillEvaluation(row *export.RuleEvaluation, p *analysis.ProposalResult) {
	nr, np := p.NRated, p.NPassed
	row.NRated, row.NPassed = &nr, &np
	row.Median, row.Q1, row.Q3, row.IQR, row.AgreementA = p.Median, p.Q1, p.Q3, p.IQR, p.AgreementA
	if p.Agree != nil {
		c, pct, lo, hi := p.Agree.Count, p.Agree.Proportion*100, p.Agree.Lower*100, p.Agree.Upper*100
		row.NAgree, row.PctAgree, row.PctAgreeLower, row.PctAgreeUpper = &c, &pct, &lo, &hi
	}
	if p.Disagree != nil {
		c, pct := p.Disagree.Count, p.Disagree.Proportion*100
		row.NDisagree, row.PctDisagree = &c, &pct
	}
	row.Verdict = string(p.Verdict)
}

func fillCell(row *export.RuleEvaluation, c *analysis.PerspectiveCell) {
	nr, np := c.NRated, c.NPassed
	row.NRated, row.NPassed, row.Median = &nr, &np, c.Median
	if c.Agree != nil {
		n, pct := c.Agree.Count, c.Agree.Proportion*100
		row.NAgree, row.PctAgree = &n, &pct
	}
	if c.Disagree != nil {
		n, pct := c.Disagree.Count, c.Disagree.Proportion*100
		row.NDisagree, row.PctDisagree = &n, &pct
	}
	row.Verdict = string(c.Verdict)
}

// ruleWords says a rule in plain words.
func ruleWords(r analysis.ConsensusRule) string {
	var parts []string
	if r.MinPercentAgree != nil {
		parts = append(parts, fmt.Sprintf("at least %g %% of ratings in the agree zone", *r.MinPercentAgree))
	}
	if r.MaxPercentOpposite != nil {
		parts = append(parts, fmt.Sprintf("under %g %% in the opposite zone", *r.MaxPercentOpposite))
	}
	if r.MaxIQR != nil {
		parts = append(parts, fmt.Sprintf("an interquartile range of at most %g", *r.MaxIQR))
	}
	if r.MinAgreementA != nil {
		parts = append(parts, fmt.Sprintf("van der Eijk's agreement A of at least %g", *r.MinAgreementA))
	}
	parts = append(parts, fmt.Sprintf("at least %d ratings", r.MinRaters))
	w := "Consensus needs " + strings.Join(parts, ", ")
	if r.WithinEveryPerspective {
		w += ", within every perspective with at least the minimum cell size of raters as well"
	}
	return w + "."
}
