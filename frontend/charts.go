package frontend

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Charts are drawn on the server as SVG: no script, no inline style (the
// CSP forbids it), colours as presentation attributes, a <title> and a
// <desc> that say what the chart shows in words, and the same numbers in
// a table beside it, so nobody depends on seeing the bars.

// Bar colours, each at least 3:1 against white (WCAG 1.4.11); bars also
// carry their label and number as text, so colour is never the only cue.
const (
	fillAgree    = "#1d70b8"
	fillDisagree = "#a3190c"
	fillNeutral  = "#505a5f"
	fillPass     = "#6f777b"
	fillBefore   = "#6f777b"
	textColour   = "#0b0c0c"
)

// chart geometry, in viewBox units. Each row has its label and numbers
// on one line and its bars below, at full width; the viewBox is about a
// phone's width, so text stays near its real size there.
const (
	chartWidth   = 360.0
	chartLabelH  = 22.0
	chartBarH    = 18.0
	chartRowGap  = 12.0
	chartBarMax  = 352.0
	chartPadding = 4.0
)

// chart is a horizontal bar chart and its data table.
type chart struct {
	ID      string
	Title   string
	Desc    string
	Width   string
	Height  string
	Rows    []chartRow
	Legend  []chartLegend
	Caption string
	// Columns head the data table: the row label, then one per value.
	Columns []string
	Note    string
}

// chartRow is one row of bars (one bar, or two when comparing rounds).
type chartRow struct {
	Label string
	// Heading is the text above the bars, the label and its numbers, on
	// one line or, when long, two.
	Heading []chartLine
	Bars    []chartBar
	// Cells are the table cells after the label; Span, when set, is one
	// cell across all the value columns instead (a suppressed row).
	Cells []string
	Span  string
}

// chartLine is one line of text in a chart.
type chartLine struct {
	Y    string
	Text string
}

// chartLineChars is about how many characters fit on a line of the chart.
const chartLineChars = 40

// chartBar is one bar.
type chartBar struct {
	Y, W, H string
	Fill    string
	// Empty marks a bar with nothing to draw (suppressed or zero).
	Empty bool
}

// chartLegend is one entry of a comparison chart's legend.
type chartLegend struct {
	X, Y, TextX, TextY string
	Fill               string
	Label              string
}

// num formats a coordinate.
func num(x float64) string { return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64) }

// pct formats a share 0..1 as a whole percentage.
func pct(p float64) string { return strconv.Itoa(int(math.Round(p*100))) + "%" }

// barSeries is one value of a row for layout: its length is value/max of
// the chart's longest bar.
type barSeries struct {
	Value float64
	Fill  string
	Empty bool
}

// layout places rows of bars; every bar is scaled to fullScale, or when
// that is 0 to the largest value in the chart, so lengths compare across
// rows.
func layout(c *chart, labels, headings []string, series [][]barSeries, top, fullScale float64) {
	maxV := fullScale
	for _, row := range series {
		for _, b := range row {
			if fullScale == 0 {
				maxV = math.Max(maxV, b.Value)
			}
		}
	}
	y := top
	for i, row := range series {
		cr := &c.Rows[i]
		cr.Label = labels[i]
		lines := []string{headings[i]}
		if len([]rune(headings[i])) > chartLineChars {
			if k := strings.Index(headings[i], ": "); k > 0 {
				lines = []string{headings[i][:k+1], headings[i][k+2:]}
			}
		}
		for _, l := range lines {
			cr.Heading = append(cr.Heading, chartLine{Y: num(y + chartLabelH - 6), Text: l})
			y += chartLabelH
		}
		for _, b := range row {
			w := 0.0
			if maxV > 0 && !b.Empty {
				w = chartBarMax * b.Value / maxV
			}
			if w > 0 && w < 2 {
				w = 2 // a count of one stays visible
			}
			empty := b.Empty || w == 0
			if !empty || !b.Empty {
				// A zero still takes its line, so rows stay aligned.
				cr.Bars = append(cr.Bars, chartBar{Y: num(y), W: num(w), H: num(chartBarH), Fill: b.Fill, Empty: empty})
				y += chartBarH + 2
			}
		}
		y += chartRowGap
	}
	c.Width = num(chartWidth)
	c.Height = num(y + chartPadding)
}

// zoneFill colours a scale value by the zone it lies in.
func zoneFill(v int, agreeMin, agreeMax, disagreeMin, disagreeMax int) string {
	switch {
	case v >= agreeMin && v <= agreeMax:
		return fillAgree
	case v >= disagreeMin && v <= disagreeMax:
		return fillDisagree
	}
	return fillNeutral
}

// scaleZones are a scale's agree and disagree zones, for colouring.
type scaleZones struct{ AgreeMin, AgreeMax, DisagreeMin, DisagreeMax int }

// distributionChart draws how many people chose each point of the scale,
// and how many passed.
func distributionChart(cat *Catalogue, id, title, scale string, z scaleZones, values, dist []int, nPassed int, agree *float64) *chart {
	c := &chart{ID: id, Title: title, Caption: title,
		Columns: []string{cat.T("chart.col_rating"), cat.T("chart.col_people"), cat.T("chart.col_share")}}
	nRated := 0
	for _, n := range dist {
		nRated += n
	}
	labels := make([]string, 0, len(values)+1)
	heads := make([]string, 0, len(values)+1)
	series := make([][]barSeries, 0, len(values)+1)
	best, bestN := -1, 0
	for i, v := range values {
		n := 0
		if i < len(dist) {
			n = dist[i]
		}
		if n > bestN {
			best, bestN = i, n
		}
		labels = append(labels, scaleLabel(cat, scale, v))
		heads = append(heads, cat.T("chart.row", "label", scaleLabel(cat, scale, v), "value", cat.N("chart.people", n)))
		share := "–"
		if nRated > 0 {
			share = pct(float64(n) / float64(nRated))
		}
		series = append(series, []barSeries{{Value: float64(n), Fill: zoneFill(v, z.AgreeMin, z.AgreeMax, z.DisagreeMin, z.DisagreeMax)}})
		c.Rows = append(c.Rows, chartRow{Cells: []string{strconv.Itoa(n), share}})
	}
	labels = append(labels, cat.T("rate.pass"))
	heads = append(heads, cat.T("chart.row", "label", cat.T("rate.pass"), "value", cat.N("chart.people", nPassed)))
	series = append(series, []barSeries{{Value: float64(nPassed), Fill: fillPass}})
	c.Rows = append(c.Rows, chartRow{Cells: []string{strconv.Itoa(nPassed), cat.T("chart.pass_share")}})
	layout(c, labels, heads, series, chartPadding, 0)

	desc := cat.T("chart.dist_desc", "rated", cat.N("chart.people", nRated), "passed", cat.N("chart.people", nPassed))
	if best >= 0 {
		desc += " " + cat.T("chart.dist_most", "label", labels[best], "people", cat.N("chart.people", bestN))
	}
	if agree != nil {
		desc += " " + cat.T("chart.dist_agree", "pct", pct(*agree))
	}
	c.Desc = desc
	c.Note = cat.T("chart.pass_note")
	return c
}

// perspectiveBar is one perspective's agreement, or its suppression.
type perspectiveBar struct {
	Perspective string
	Suppressed  bool
	NRated      int
	Agree       *float64
}

// perspectiveChart draws the share agreeing within each perspective. A
// perspective with fewer raters than the group's minimum cell size gets no
// bar and no number, only the reason, so no small group can be singled out.
func perspectiveChart(cat *Catalogue, id, title string, rows []perspectiveBar, minCell int) *chart {
	c := &chart{ID: id, Title: title, Caption: title,
		Columns: []string{cat.T("chart.col_perspective"), cat.T("chart.col_rated"), cat.T("chart.col_agree")}}
	labels := make([]string, 0, len(rows))
	heads := make([]string, 0, len(rows))
	series := make([][]barSeries, 0, len(rows))
	var parts []string
	for _, r := range rows {
		labels = append(labels, r.Perspective)
		switch {
		case r.Suppressed:
			txt := cat.T("chart.suppressed", "n", minCell)
			heads = append(heads, cat.T("chart.row", "label", r.Perspective, "value", txt))
			series = append(series, []barSeries{{Empty: true}})
			c.Rows = append(c.Rows, chartRow{Span: txt})
			parts = append(parts, cat.T("chart.persp_desc_suppressed", "perspective", r.Perspective))
		case r.Agree == nil:
			txt := cat.T("chart.no_ratings")
			heads = append(heads, cat.T("chart.row", "label", r.Perspective, "value", txt))
			series = append(series, []barSeries{{Empty: true}})
			c.Rows = append(c.Rows, chartRow{Cells: []string{strconv.Itoa(r.NRated), "–"}})
			parts = append(parts, cat.T("chart.persp_desc_none", "perspective", r.Perspective))
		default:
			heads = append(heads, cat.T("chart.row", "label", r.Perspective, "value",
				cat.T("chart.agree_of", "pct", pct(*r.Agree), "people", cat.N("chart.people", r.NRated))))
			series = append(series, []barSeries{{Value: *r.Agree, Fill: fillAgree}})
			c.Rows = append(c.Rows, chartRow{Cells: []string{strconv.Itoa(r.NRated), pct(*r.Agree)}})
			parts = append(parts, cat.T("chart.persp_desc", "perspective", r.Perspective, "pct", pct(*r.Agree)))
		}
	}
	// Agreement is a share: bars are drawn on 0..100 %, not on the largest.
	layout(c, labels, heads, series, chartPadding, 1)
	c.Desc = joinSentences(parts)
	return c
}

// changeChart compares a proposal's distribution with its baseline round:
// two bars per scale point, the earlier one grey.
func changeChart(cat *Catalogue, id, title, scale string, z scaleZones, values, before, after []int, beforeLabel, afterLabel string) *chart {
	c := &chart{ID: id, Title: title, Caption: title,
		Columns: []string{cat.T("chart.col_rating"), beforeLabel, afterLabel}}
	legendY := chartPadding
	c.Legend = []chartLegend{
		{X: "0", Y: num(legendY), TextX: "24", TextY: num(legendY + 15), Fill: fillBefore, Label: beforeLabel},
		{X: "180", Y: num(legendY), TextX: "204", TextY: num(legendY + 15), Fill: fillAgree, Label: afterLabel},
	}
	labels := make([]string, 0, len(values))
	heads := make([]string, 0, len(values))
	series := make([][]barSeries, 0, len(values))
	var moved []string
	for i, v := range values {
		b, a := at(before, i), at(after, i)
		labels = append(labels, scaleLabel(cat, scale, v))
		heads = append(heads, cat.T("chart.row", "label", scaleLabel(cat, scale, v), "value", cat.T("chart.change_value", "from", b, "to", a)))
		series = append(series, []barSeries{
			{Value: float64(b), Fill: fillBefore},
			{Value: float64(a), Fill: zoneFill(v, z.AgreeMin, z.AgreeMax, z.DisagreeMin, z.DisagreeMax)},
		})
		c.Rows = append(c.Rows, chartRow{Cells: []string{strconv.Itoa(b), strconv.Itoa(a)}})
		if a != b {
			moved = append(moved, cat.T("chart.change_desc_row", "label", scaleLabel(cat, scale, v), "from", b, "to", a))
		}
	}
	layout(c, labels, heads, series, chartPadding+28, 0)
	if len(moved) == 0 {
		c.Desc = cat.T("chart.change_desc_same", "before", beforeLabel, "after", afterLabel)
	} else {
		c.Desc = cat.T("chart.change_desc", "before", beforeLabel, "after", afterLabel) + " " + joinSentences(moved)
	}
	return c
}

func at(xs []int, i int) int {
	if i < len(xs) {
		return xs[i]
	}
	return 0
}

// joinSentences joins short sentences with spaces.
func joinSentences(parts []string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += " "
		}
		out += p
	}
	return out
}

// chartID makes an id for a chart's title and description elements.
func chartID(kind, id string) string { return fmt.Sprintf("chart-%s-%s", kind, id) }
