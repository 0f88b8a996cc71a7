package frontend

import (
	"math"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/analysis"
)

// reportPage is the consensus report of a round as a page: the engine's
// report with its figures formatted and its charts drawn.
type reportPage struct {
	R     *engine.ConsensusReport
	Group *engine.GroupView
	Cards []reportCardView
	// Participation rows by perspective, small cells suppressed.
	Participation []reportParticipation
	MinCell       int
	Agreement     reportAgreementView
	Stability     reportStabilityView
	Attrition     *reportAttritionView
	OpinionGroups []reportOpinionGroupView
	Bridging      []reportBridgingView
	// GiveTimeTo names people by pseudonym or perspective only.
	GiveTimeTo []reportTimeView
	Flags      []reportFlagView
	Gini       string
	TopShare   string
}

// reportCardView is one proposal's card, formatted.
type reportCardView struct {
	C          *engine.ReportCard
	Anchor     string
	Author     string
	Dist       *chart
	Median     string
	Quartiles  string
	Agree      string
	AgreeRange string
	Disagree   string
	AgreementA string
	PerspRows  []reportPerspRow
	Change     *reportChangeView
	Dissent    *reportDissentView
	Bridging   string
}

// reportPerspRow is one perspective's verdict on a proposal.
type reportPerspRow struct {
	Perspective string
	Suppressed  bool
	Rated       int
	Agree       string
	Verdict     string
}

type reportChangeView struct {
	Baseline        int
	BaselineVerdict string
	DeltaMedian     string
	DeltaAgree      string
	DeltaReason     string
	Paired          int
	Up, Down, Same  int
	NetChange       string
	Settled         bool
	SettledReason   string
	Reasons         []reportReasonView
}

type reportDissentView struct {
	Zone          string
	Count         int
	ByPerspective []reportCount
	Reasons       []reportReasonView
	WithoutReason int
}

// reportReasonView is a reason with who gave it, as the reader may see.
type reportReasonView struct {
	Who    string
	Rating string
	From   string
	Reason string
	Change string
}

// reportCount is a count by perspective, or its suppression.
type reportCount struct {
	Perspective string
	Suppressed  bool
	Count       int
}

type reportParticipation struct {
	Perspective string
	Suppressed  bool
	Invited     int
	Responded   int
	Proposed    int
}

type reportAgreementView struct {
	KendallW, KendallP, KendallReason string
	KendallJudges                     int
	Alpha, AlphaReason                string
}

type reportStabilityView struct {
	Compared      int
	Settled       []engine.ReportRef
	MeanNetChange string
	Reason        string
	T             analysis.TrajectorySummary
}

type reportAttritionView struct {
	A             *engine.ReportAttrition
	ByPerspective []reportCount
}

type reportOpinionGroupView struct {
	Number         int
	Size           int
	ByPerspective  []reportCount
	Representative []reportRepView
}

type reportRepView struct {
	Ref       engine.ReportRef
	Direction string
	Rate      string
}

type reportBridgingView struct {
	Ref            engine.ReportRef
	Score          string
	MinPerspective string
}

type reportTimeView struct {
	Who       string
	Proposals []engine.ReportRef
	Why       string
}

type reportFlagView struct {
	Sentence  string
	Escalated bool
	Proposals []engine.ReportRef
}

// consensusReport shows a round's consensus report to its facilitators and
// evaluators; the engine refuses everyone else.
func (f *Frontend) consensusReport(c *fiber.Ctx) error {
	ctx, actor := c.UserContext(), actorOf(c)
	r, err := f.eng.ConsensusReport(ctx, actor, utils.CopyString(c.Params("rid")))
	if err != nil {
		return f.renderError(c, err)
	}
	g, err := f.eng.GetGroup(ctx, actor, r.Group.ID)
	if err != nil {
		return f.renderError(c, err)
	}
	cat := f.catalogue(c)
	return f.render(c, fiber.StatusOK, "report", &page{Title: cat.T("report.title", "number", r.Round.Number),
		BodyClass: "report-page", Data: buildReportPage(cat, g, r)})
}

// buildReportPage formats the report for the page.
func buildReportPage(cat *Catalogue, g *engine.GroupView, r *engine.ConsensusReport) *reportPage {
	p := &reportPage{R: r, Group: g, MinCell: r.Basis.MinCellSize}
	for _, pp := range r.Participation.ByPerspective {
		row := reportParticipation{Perspective: pp.Perspective, Suppressed: pp.Suppressed}
		if !pp.Suppressed {
			row.Invited, row.Responded, row.Proposed = reportDeref(pp.Invited), reportDeref(pp.Responded), reportDeref(pp.Proposed)
		}
		p.Participation = append(p.Participation, row)
	}
	for i := range r.Proposals {
		p.Cards = append(p.Cards, reportCard(cat, g, r, &r.Proposals[i]))
	}
	ag := r.Agreement
	p.Agreement = reportAgreementView{KendallW: reportOptNum(ag.KendallW, 2), KendallP: reportOptP(ag.KendallP), KendallJudges: ag.KendallJudges,
		KendallReason: ag.KendallReason, Alpha: reportOptNum(ag.KrippendorffAlpha, 2), AlphaReason: ag.KrippendorffReason}
	p.Stability = reportStabilityView{Compared: r.Stability.Compared, Settled: r.Stability.Settled,
		MeanNetChange: reportOptPct(r.Stability.MeanNetChange), Reason: r.Stability.Reason, T: r.Stability.Trajectories}
	if a := r.Attrition; a != nil {
		av := &reportAttritionView{A: a}
		for _, pa := range a.ByPerspective {
			av.ByPerspective = append(av.ByPerspective, reportCount{Perspective: pa.Perspective, Suppressed: pa.Suppressed, Count: reportDeref(pa.Left)})
		}
		p.Attrition = av
	}
	for _, og := range r.OpinionGroups.Groups {
		ov := reportOpinionGroupView{Number: og.Number, Size: og.Size, ByPerspective: reportCounts(og.ByPerspective)}
		for _, rp := range og.Representative {
			ov.Representative = append(ov.Representative, reportRepView{Ref: rp.ReportRef, Direction: rp.Direction, Rate: pct(rp.Rate)})
		}
		p.OpinionGroups = append(p.OpinionGroups, ov)
	}
	for _, b := range r.Bridging {
		p.Bridging = append(p.Bridging, reportBridgingView{Ref: b.ReportRef, Score: reportOptPct(b.Score), MinPerspective: b.MinPerspective})
	}
	for _, ts := range r.Agenda.GiveTimeTo {
		tv := reportTimeView{Proposals: ts.Proposals, Why: ts.Why}
		switch {
		case ts.Pseudonym != "":
			tv.Who = cat.T("report.who_pseudonym", "id", ts.Pseudonym)
		case ts.Perspective != "":
			tv.Who = cat.T("report.who_perspective", "perspective", ts.Perspective)
		case ts.OpinionGroup > 0:
			tv.Who = cat.T("report.who_opinion_group", "n", ts.OpinionGroup)
		default:
			tv.Who = cat.T("report.who_members")
		}
		p.GiveTimeTo = append(p.GiveTimeTo, tv)
	}
	for _, fl := range r.UnderHeard.Flags {
		p.Flags = append(p.Flags, reportFlagView{Sentence: fl.Sentence, Escalated: fl.Escalated, Proposals: fl.Proposals})
	}
	p.Gini, p.TopShare = reportOptNum(r.UnderHeard.Gini, 2), reportOptPct(r.UnderHeard.TopShare)
	return p
}

// reportCard formats one card and draws its charts.
func reportCard(cat *Catalogue, g *engine.GroupView, r *engine.ConsensusReport, c *engine.ReportCard) reportCardView {
	cv := reportCardView{C: c, Anchor: "proposal-" + strconv.Itoa(c.Number), Median: reportOptNum(c.Median, 2), AgreementA: reportOptNum(c.AgreementA, 2),
		Bridging: reportOptPct(c.BridgingScore)}
	if c.Author != nil {
		cv.Author = c.Author.Name
		if cv.Author == "" {
			cv.Author = cat.T("report.who_pseudonym", "id", c.Author.ID)
		}
	}
	if c.Q1 != nil && c.Q3 != nil {
		cv.Quartiles = cat.T("report.quartiles", "q1", reportNum(*c.Q1), "q3", reportNum(*c.Q3), "iqr", reportNum(*c.IQR))
	}
	if c.Agree != nil {
		cv.Agree = cat.T("report.share_of", "pct", pct(c.Agree.Proportion), "count", c.Agree.Count, "n", c.Agree.N)
		cv.AgreeRange = cat.T("report.range", "lo", pct(c.Agree.Lower), "hi", pct(c.Agree.Upper))
	}
	if c.Disagree != nil {
		cv.Disagree = cat.T("report.share_of", "pct", pct(c.Disagree.Proportion), "count", c.Disagree.Count, "n", c.Disagree.N)
	}
	var agree *float64
	if c.Agree != nil {
		a := c.Agree.Proportion
		agree = &a
	}
	cv.Dist = distributionChart(cat, chartID("dist", c.ID), cat.T("report.dist_title", "n", c.Number), g.Settings.Scale, zonesOf(g),
		c.Values, c.Distribution, c.NPassed, agree)
	for _, pp := range c.ByPerspective {
		row := reportPerspRow{Perspective: pp.Perspective, Suppressed: pp.Suppressed, Rated: pp.NRated, Verdict: pp.Verdict}
		if pp.Agree != nil {
			row.Agree = pct(pp.Agree.Proportion)
		}
		cv.PerspRows = append(cv.PerspRows, row)
	}
	if ch := c.Change; ch != nil {
		v := &reportChangeView{Baseline: ch.BaselineRound, BaselineVerdict: ch.BaselineVerdict, DeltaMedian: reportOptSigned(ch.DeltaMedian),
			DeltaReason: ch.DeltaReason, Paired: ch.Paired, Up: ch.MovedUp, Down: ch.MovedDown, Same: ch.Unchanged,
			NetChange: reportOptPct(ch.NetChange), Settled: ch.Settled, SettledReason: ch.SettledReason}
		if ch.DeltaAgree != nil {
			v.DeltaAgree = cat.T("report.points", "n", reportSigned(math.Round(*ch.DeltaAgree*100)))
		}
		for _, rr := range ch.Reasons {
			v.Reasons = append(v.Reasons, reportReasonOf(cat, g.Settings.Scale, rr))
		}
		cv.Change = v
	}
	if d := c.Dissent; d != nil {
		dv := &reportDissentView{Zone: d.Zone, Count: d.Count, ByPerspective: reportCounts(d.ByPerspective), WithoutReason: d.WithoutReason}
		for _, rr := range d.Reasons {
			dv.Reasons = append(dv.Reasons, reportReasonOf(cat, g.Settings.Scale, rr))
		}
		cv.Dissent = dv
	}
	return cv
}

// reasonView says who gave a reason the way the reader may see them.
func reportReasonOf(cat *Catalogue, scale string, rr engine.ReportReason) reportReasonView {
	v := reportReasonView{Rating: scaleLabel(cat, scale, rr.Value), Reason: rr.Reason}
	switch {
	case rr.Member.Name != "":
		v.Who = rr.Member.Name
	case rr.Member.Erased:
		v.Who = cat.T("report.who_left")
	default:
		v.Who = cat.T("report.who_pseudonym", "id", rr.Member.ID)
	}
	if rr.From != nil {
		v.From = scaleLabel(cat, scale, *rr.From)
	}
	if rr.ChangeCategory != "" {
		v.Change = cat.T("change." + rr.ChangeCategory)
	}
	return v
}

func reportCounts(pcs []analysis.PerspectiveCount) []reportCount {
	out := make([]reportCount, 0, len(pcs))
	for _, pc := range pcs {
		out = append(out, reportCount{Perspective: pc.Perspective, Suppressed: pc.Suppressed, Count: reportDeref(pc.Count)})
	}
	return out
}

func reportDeref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// num2 formats a number with at most two decimals.
func reportNum(x float64) string {
	s := strconv.FormatFloat(math.Round(x*100)/100, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return s
}

func reportOptNum(p *float64, _ int) string {
	if p == nil {
		return ""
	}
	return reportNum(*p)
}

func reportOptPct(p *float64) string {
	if p == nil {
		return ""
	}
	return pct(*p)
}

// optP formats a p-value, small ones as "< 0.001".
func reportOptP(p *float64) string {
	switch {
	case p == nil:
		return ""
	case *p < 0.001:
		return "< 0.001"
	}
	return strconv.FormatFloat(*p, 'f', 3, 64)
}

// signed writes a change with its sign: "+1", "−0.5", "0".
func reportSigned(x float64) string {
	switch {
	case x > 0:
		return "+" + reportNum(x)
	case x < 0:
		return "−" + reportNum(-x)
	}
	return "0"
}

func reportOptSigned(p *float64) string {
	if p == nil {
		return ""
	}
	return reportSigned(*p)
}
