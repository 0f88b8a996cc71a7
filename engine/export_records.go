package engine

import (
	"context"

	"github.com/allvoice/allvoice/engine/analysis"
	"github.com/allvoice/allvoice/engine/export"
)

// records adds decisions, reflections, round metrics and the opinion
// groups of the latest analysed round.
func (x *exportRun) records(ctx context.Context, pkg *export.Package, reports []roundReport) error {
	ds, err := x.e.store.Decisions(ctx, x.g.ID)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if _, ok := x.propNum[d.ProposalID]; !ok {
			continue
		}
		ed := export.Decision{Round: x.roundNum[d.RoundID], Proposal: x.propNum[d.ProposalID], Outcome: d.Outcome,
			RuleVersion: d.Evidence.RuleVersion, Verdict: d.Evidence.Verdict, ReviewDate: d.ReviewDate, CreatedAt: d.CreatedAt}
		switch _, ok := x.exported[d.DecidedBy]; {
		case d.Rationale == "":
			ed.RationaleStatus = export.TextNone
		case !ok:
			ed.RationaleStatus = export.TextWithheldConsent
		default:
			ed.RationaleStatus, ed.Rationale = export.TextExported, d.Rationale
		}
		if !x.consentedOnly(d.RoundID, d.ProposalID) {
			n, dis := d.Evidence.NRated, d.Evidence.Dissenters
			ed.NRated, ed.Dissenters = &n, &dis
			if d.Evidence.PctAgree != nil {
				pct := *d.Evidence.PctAgree * 100
				ed.PctAgree = &pct
			}
		}
		pkg.Decisions = append(pkg.Decisions, ed)
	}
	rs, err := x.e.store.Reflections(ctx, x.g.ID)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if pseud, ok := x.exported[r.MemberID]; ok {
			pkg.Reflections = append(pkg.Reflections, export.Reflection{Round: x.roundNum[r.RoundID], MemberID: pseud, Text: r.Text, CreatedAt: r.CreatedAt})
		}
	}
	for _, rep := range reports {
		pkg.Metrics = append(pkg.Metrics, roundMetrics(rep.round.Number, rep.res)...)
	}
	if len(reports) > 0 {
		last := reports[len(reports)-1].res
		pkg.OpinionGroups = map[string]int{}
		exportedPseud := map[string]bool{}
		for _, p := range x.exported {
			exportedPseud[p] = true
		}
		for _, og := range last.OpinionGroups.Groups {
			for _, m := range og.Members {
				if exportedPseud[m] {
					pkg.OpinionGroups[m] = og.Number
				}
			}
		}
	}
	return nil
}

// metricRows collects one round's metrics.
type metricRows struct {
	round int
	rows  []export.Metric
}

func (m *metricRows) add(name string, v float64) {
	m.rows = append(m.rows, export.Metric{Round: m.round, Name: name, Scope: export.ScopeOverall, Value: &v})
}

func (m *metricRows) count(name string, v int) { m.add(name, float64(v)) }

// opt adds a statistic that may be undefined, with the analysis's reason.
func (m *metricRows) opt(name string, v *float64, reason string) {
	if v == nil {
		m.rows = append(m.rows, export.Metric{Round: m.round, Name: name, Scope: export.ScopeOverall, Note: reason})
		return
	}
	m.add(name, *v)
}

// perspective adds a count within a perspective, or its suppression.
func (m *metricRows) perspective(name, perspective string, suppressed bool, v *int) {
	row := export.Metric{Round: m.round, Name: name, Scope: export.ScopePerspective, Perspective: perspective, Suppressed: suppressed || v == nil}
	if !row.Suppressed {
		f := float64(*v)
		row.Value = &f
	}
	m.rows = append(m.rows, row)
}

// roundMetrics turns a round's analysis into metrics.csv rows.
func roundMetrics(round int, res *analysis.Result) []export.Metric {
	m := &metricRows{round: round}
	rr := &res.Round
	pa := rr.Participation
	m.count(export.MetricInvited, pa.Invited)
	m.count(export.MetricActive, pa.Active)
	m.count(export.MetricResponded, pa.Responded)
	m.count(export.MetricProposed, pa.Proposed)
	for _, pp := range pa.ByPerspective {
		m.perspective(export.MetricInvited, pp.Perspective, pp.Suppressed, pp.Invited)
		m.perspective(export.MetricActive, pp.Perspective, pp.Suppressed, pp.Active)
		m.perspective(export.MetricResponded, pp.Perspective, pp.Suppressed, pp.Responded)
		m.perspective(export.MetricProposed, pp.Perspective, pp.Suppressed, pp.Proposed)
	}
	m.count(export.MetricAgendaSize, len(res.Proposals))
	v := rr.Verdicts
	m.count(export.MetricConsensusFor, v.ConsensusFor)
	m.count(export.MetricConsensusAgainst, v.ConsensusAgainst)
	m.count(export.MetricNoConsensus, v.NoConsensus)
	m.count(export.MetricSplit, v.Split)
	m.count(export.MetricTooFew, v.TooFew)
	if k := rr.Kendall; k != nil {
		m.add(export.MetricKendallW, k.W)
		m.add(export.MetricKendallWUncorrected, k.WUncorrected)
		m.add(export.MetricKendallChi2, k.ChiSquared)
		m.count(export.MetricKendallDF, k.DF)
		m.add(export.MetricKendallP, k.P)
		m.count(export.MetricKendallJudges, k.Judges)
	} else {
		for _, name := range []string{export.MetricKendallW, export.MetricKendallWUncorrected, export.MetricKendallChi2,
			export.MetricKendallDF, export.MetricKendallP, export.MetricKendallJudges} {
			m.opt(name, nil, rr.KendallReason)
		}
	}
	m.count(export.MetricKendallExcluded, rr.KendallExcluded)
	if k := rr.Krippendorff; k != nil {
		m.add(export.MetricAlpha, k.Alpha)
		m.count(export.MetricAlphaPairable, k.Pairable)
		m.count(export.MetricAlphaUnits, k.Units)
	} else {
		for _, name := range []string{export.MetricAlpha, export.MetricAlphaPairable, export.MetricAlphaUnits} {
			m.opt(name, nil, rr.KrippendorffReason)
		}
	}
	m.count(export.MetricCompared, rr.Stability.Compared)
	m.count(export.MetricSettled, len(rr.Stability.Settled))
	m.opt(export.MetricMeanNetChange, rr.Stability.MeanNetChange, rr.Stability.MeanNetChangeReason)
	og := res.OpinionGroups
	m.count(export.MetricOpinionGroups, len(og.Groups))
	clear := 0
	if og.Clear {
		clear = 1
	}
	m.count(export.MetricOpinionClear, clear)
	m.opt(export.MetricSilhouette, og.Silhouette, og.Reason)
	m.count(export.MetricClustered, og.Clustered)
	m.count(export.MetricBridging, len(res.BridgingProposals))
	tr := res.Trajectories
	m.count(export.MetricMovedPairs, tr.Pairs)
	m.count(export.MetricMovedTowards, tr.Towards)
	m.count(export.MetricMovedAway, tr.Away)
	m.count(export.MetricMovedAcross, tr.Across)
	m.count(export.MetricUnchanged, tr.Unchanged)
	for _, pm := range tr.ByPerspective {
		m.perspective(export.MetricMovedPairs, pm.Perspective, pm.Suppressed, pm.Members)
		m.perspective(export.MetricMovedTowards, pm.Perspective, pm.Suppressed, pm.Towards)
		m.perspective(export.MetricMovedAway, pm.Perspective, pm.Suppressed, pm.Away)
		m.perspective(export.MetricMovedAcross, pm.Perspective, pm.Suppressed, pm.Across)
		m.perspective(export.MetricUnchanged, pm.Perspective, pm.Suppressed, pm.Unchanged)
	}
	if at := res.Attrition; at != nil {
		m.count(export.MetricAttritionPrevious, at.Previous)
		m.count(export.MetricAttritionLeft, at.Left)
		m.count(export.MetricAttritionStayed, at.Stayed)
		m.count(export.MetricAttritionJoined, at.Joined)
		for _, pa := range at.ByPerspective {
			m.perspective(export.MetricAttritionPrevious, pa.Perspective, pa.Suppressed, pa.Previous)
			m.perspective(export.MetricAttritionLeft, pa.Perspective, pa.Suppressed, pa.Left)
		}
	}
	if in := res.UnderHeard.Inequality.Round; in != nil {
		m.add(export.MetricGini, in.GiniNormalised)
	} else {
		m.opt(export.MetricGini, nil, res.UnderHeard.Inequality.RoundReason)
	}
	return m.rows
}

// eventSource streams the exported rating events (or, with current, only
// those still current) as export rows. Each call reads the store again
// from the start up to the export's cutoff and numbers the events the
// same way.
func (x *exportRun) eventSource(ctx context.Context, current bool) export.EventSource {
	return func(fn func(*export.RatingEvent) error) error {
		seq := 0
		seqOf := map[string]int{} // replaced events seen so far → their numbers
		var row export.RatingEvent
		return x.eachEvent(ctx, func(ev *RatingEvent) error {
			pseud, ok := x.exported[ev.MemberID]
			if !ok {
				return nil
			}
			seq++
			if x.superseded[ev.ID] {
				seqOf[ev.ID] = seq
				if current {
					return nil
				}
			}
			round, ok1 := x.roundNum[ev.RoundID]
			prop, ok2 := x.propNum[ev.ProposalID]
			if !ok1 || !ok2 {
				return nil
			}
			m := x.members[ev.MemberID]
			row = export.RatingEvent{Seq: seq, Round: round, Proposal: prop, MemberID: pseud, PolisID: x.polisID[ev.MemberID],
				Value: ev.Value, Pass: ev.Pass, Mode: ev.Mode, ChangeCategory: ev.ChangeCategory,
				PreviousSeq: seqOf[ev.PreviousEventID], CreatedAt: ev.CreatedAt, ReasonStatus: export.TextNone}
			switch {
			case ev.Reason == "":
			case m.ReasonsConsent:
				row.Reason, row.ReasonStatus = ev.Reason, export.TextExported
			default:
				row.ReasonStatus = export.TextWithheldConsent
			}
			row.EnteredBySelf = ev.EnteredBy == "" || ev.EnteredBy == ev.MemberID
			if !row.EnteredBySelf {
				row.EnteredBy = x.exported[ev.EnteredBy]
			}
			return fn(&row)
		})
	}
}

// checkIns counts each opened round's check-ins per zone, overall and by
// perspective, with the suppression rule of RoundCheckIns (a whole cell
// under the minimum cell size, or a zone count from 1 to the minimum − 1).
// Who checked in how is never exported, and counts include every member:
// they are aggregates.
func (x *exportRun) checkIns(ctx context.Context, pkg *export.Package) error {
	pkg.Meta.CheckInsRecorded = true
	minCell := x.g.Settings.MinCellSize
	add := func(round int, scope, perspective string, cis []*CheckIn) {
		counts := map[string]int{}
		for _, ci := range cis {
			counts[ci.Zone]++
		}
		zones, _ := suppressCounts(CheckInZones, counts, len(cis), minCell)
		for _, z := range zones {
			pkg.CheckIns = append(pkg.CheckIns, export.CheckInCount{Round: round, Zone: z.Zone, Scope: scope, Perspective: perspective,
				N: z.Count, Suppressed: z.Suppressed})
		}
	}
	for _, r := range x.rounds {
		if r.State == RoundDraft {
			continue
		}
		cis, err := x.e.store.CheckIns(ctx, r.ID)
		if err != nil {
			return err
		}
		add(r.Number, export.ScopeOverall, "", cis)
		for _, p := range x.g.Settings.Perspectives {
			var in []*CheckIn
			for _, ci := range cis {
				if m := x.members[ci.MemberID]; m != nil && m.Perspective == p {
					in = append(in, ci)
				}
			}
			add(r.Number, export.ScopePerspective, p, in)
		}
	}
	return nil
}
