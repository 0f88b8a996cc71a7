package frontend

import (
	"context"

	"github.com/allvoice/allvoice/engine"
)

// zonesOf returns a group's agree and disagree zones for colouring charts.
func zonesOf(g *engine.GroupView) scaleZones {
	s := g.Settings.AnalysisScale()
	return scaleZones{AgreeMin: s.AgreeMin, AgreeMax: s.AgreeMax, DisagreeMin: s.DisagreeMin, DisagreeMax: s.DisagreeMax}
}

// resultView is one proposal's results drawn for a page.
type resultView struct {
	Visible      bool
	NRated       int
	NPassed      int
	Agree        *float64
	Verdict      string
	Distribution *chart
	Perspectives *chart
	// AllSuppressed: every perspective is below the minimum cell size, so
	// a sentence says so instead of an empty chart.
	AllSuppressed bool
}

// resultCharts draws a proposal's results, as far as they are visible to
// the reader. key makes the chart ids unique on the page.
func resultCharts(cat *Catalogue, g *engine.GroupView, key string, title string, pr *engine.ProposalResults) *resultView {
	rv := &resultView{Visible: pr.Visible}
	if !pr.Visible {
		return rv
	}
	rv.NRated, rv.NPassed, rv.Agree, rv.Verdict = pr.NRated, pr.NPassed, pr.PctAgree, pr.Verdict
	rv.Distribution = distributionChart(cat, chartID("dist", key), title, g.Settings.Scale, zonesOf(g),
		pr.Values, pr.Distribution, pr.NPassed, pr.PctAgree)
	if len(pr.ByPerspective) > 0 {
		var rows []perspectiveBar
		shown := 0
		for _, p := range pr.ByPerspective {
			if !p.Suppressed {
				shown++
			}
			row := perspectiveBar{Perspective: p.Perspective, Suppressed: p.Suppressed}
			if p.Cell != nil {
				row.NRated = p.Cell.NRated
				if p.Cell.Agree != nil {
					a := p.Cell.Agree.Proportion
					row.Agree = &a
				}
			}
			rows = append(rows, row)
		}
		if shown == 0 {
			rv.AllSuppressed = true
		} else {
			rv.Perspectives = perspectiveChart(cat, chartID("persp", key), cat.T("chart.persp_title", "title", title), rows, g.Settings.MinCellSize)
		}
	}
	return rv
}

// myRatings maps proposal ids to the actor's ratings in a round. Members
// who do not rate (observers) have none; that is not an error.
func (f *Frontend) myRatings(ctx context.Context, actor engine.Actor, roundID string) (map[string]*engine.MyRating, error) {
	mrs, err := f.eng.MyRatings(ctx, actor, roundID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*engine.MyRating, len(mrs))
	for i := range mrs {
		out[mrs[i].ProposalID] = &mrs[i]
	}
	return out, nil
}

// resultFor finds one proposal in a round's results.
func resultFor(rs []engine.ProposalResults, pid string) *engine.ProposalResults {
	for i := range rs {
		if rs[i].ProposalID == pid {
			return &rs[i]
		}
	}
	return nil
}

// ratingText is how a rating reads on a page: its scale label, or pass.
func ratingText(cat *Catalogue, scale string, ev *engine.RatingEvent) string {
	if ev == nil {
		return ""
	}
	if ev.Pass || ev.Value == nil {
		return cat.T("rate.pass")
	}
	return scaleLabel(cat, scale, *ev.Value)
}
