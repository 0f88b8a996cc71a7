package frontend

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
)

const polisDir = "/work/shared/data/polis-open-data"

// polisCounts counts, straight from a Polis votes.csv, each comment's
// latest votes: disagree (-1), agree (1) and pass (0).
func polisCounts(t *testing.T, conversation string) map[string][3]int {
	t.Helper()
	f, err := os.Open(filepath.Join(polisDir, conversation, "votes.csv"))
	if err != nil {
		t.Skipf("Polis open data not available: %v", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	type key struct{ comment, voter string }
	latest := map[key][2]int64{} // timestamp, vote
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ts, _ := strconv.ParseInt(rec[col["timestamp"]], 10, 64)
		v, _ := strconv.ParseInt(rec[col["vote"]], 10, 64)
		k := key{rec[col["comment-id"]], rec[col["voter-id"]]}
		if old, ok := latest[k]; !ok || ts >= old[0] {
			latest[k] = [2]int64{ts, v}
		}
	}
	out := map[string][3]int{}
	for k, tv := range latest {
		c := out[k.comment]
		c[tv[1]+1]++
		out[k.comment] = c
	}
	return out
}

func testCatalogue(t *testing.T) *Catalogue {
	t.Helper()
	cats, err := LoadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	return cats[DefaultLanguage]
}

// renderChart renders a chart with the page templates.
func renderChart(t *testing.T, c *chart) string {
	t.Helper()
	cats, _ := LoadCatalogues()
	as, _ := loadAssets()
	vs, err := loadViews(cats, as)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := vs.pages[DefaultLanguage]["dashboard"].ExecuteTemplate(&buf, "chart", c); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

var rectWidth = regexp.MustCompile(`<rect class="bar" x="0" y="[^"]+" width="([^"]+)"`)

// TestDistributionChartOnPolisData draws the distribution of every comment
// of a real Polis conversation and checks the table holds the counts and
// the bars are proportional to them.
func TestDistributionChartOnPolisData(t *testing.T) {
	cat := testCatalogue(t)
	counts := polisCounts(t, "brexit-consensus")
	if len(counts) < 40 {
		t.Fatalf("only %d comments counted", len(counts))
	}
	z := scaleZones{AgreeMin: 1, AgreeMax: 1, DisagreeMin: -1, DisagreeMax: -1}
	for comment, n := range counts {
		disagree, pass, agree := n[0], n[1], n[2]
		c := distributionChart(cat, "c"+comment, "Comment "+comment, engine.ScaleAgreeDisagree, z, []int{-1, 1}, []int{disagree, agree}, pass, nil)
		if len(c.Rows) != 3 {
			t.Fatalf("comment %s: %d rows", comment, len(c.Rows))
		}
		want := [][]string{{"Disagree", strconv.Itoa(disagree)}, {"Agree", strconv.Itoa(agree)}, {"Pass", strconv.Itoa(pass)}}
		for i, w := range want {
			if c.Rows[i].Label != w[0] || c.Rows[i].Cells[0] != w[1] {
				t.Errorf("comment %s row %d: %q %v, want %v", comment, i, c.Rows[i].Label, c.Rows[i].Cells, w)
			}
		}
		if rated := disagree + agree; rated > 0 {
			wantShare := strconv.Itoa(int(float64(agree)/float64(rated)*100+0.5)) + "%"
			if c.Rows[1].Cells[1] != wantShare {
				t.Errorf("comment %s: agree share %s, want %s", comment, c.Rows[1].Cells[1], wantShare)
			}
		}
		top := max(disagree, agree, pass)
		for i, v := range []int{disagree, agree, pass} {
			w, _ := strconv.ParseFloat(c.Rows[i].Bars[0].W, 64)
			exp := chartBarMax * float64(v) / float64(top)
			if v > 0 && exp < 2 {
				exp = 2
			}
			if d := w - exp; d > 0.06 || d < -0.06 {
				t.Errorf("comment %s row %d: bar %.1f, want %.1f", comment, i, w, exp)
			}
		}
		if !strings.Contains(c.Desc, cat.N("chart.people", disagree+agree)+" rated this idea") {
			t.Errorf("comment %s: description %q lacks the number who rated", comment, c.Desc)
		}
	}
	// One rendered chart: an image with a title and a description, and
	// no inline style.
	c := distributionChart(cat, "x", "Comment 36", engine.ScaleAgreeDisagree, z, []int{-1, 1}, []int{counts["36"][0], counts["36"][2]}, counts["36"][1], nil)
	html := renderChart(t, c)
	for _, want := range []string{`role="img"`, `aria-labelledby="x-title x-desc"`, `<title id="x-title">Comment 36</title>`, `<desc id="x-desc">`, "<caption>Comment 36</caption>"} {
		if !strings.Contains(html, want) {
			t.Errorf("rendered chart lacks %q", want)
		}
	}
	if strings.Contains(html, "style=") {
		t.Error("charts must not use inline styles (the CSP forbids them)")
	}
	if got := len(rectWidth.FindAllString(html, -1)); got != 3 && counts["36"][0]*counts["36"][1]*counts["36"][2] != 0 {
		t.Errorf("want 3 bars, got %d", got)
	}
}

// TestPerspectiveChartSuppressesSmallCells checks that a perspective below
// the minimum cell size gets no bar and no number.
func TestPerspectiveChartSuppressesSmallCells(t *testing.T) {
	cat := testCatalogue(t)
	a, b := 0.8, 0.25
	rows := []perspectiveBar{
		{Perspective: "Lived experience", NRated: 10, Agree: &a},
		{Perspective: "Carer", Suppressed: true},
		{Perspective: "Practitioner", NRated: 8, Agree: &b},
		{Perspective: "Commissioner", NRated: 0},
	}
	c := perspectiveChart(cat, "p", "Idea 1, by perspective", rows, 5)
	html := renderChart(t, c)
	widths := rectWidth.FindAllStringSubmatch(html, -1)
	if len(widths) != 2 {
		t.Fatalf("want 2 bars (suppressed and empty cells get none), got %d", len(widths))
	}
	// Bars are on a 0–100 % scale.
	for i, want := range []float64{0.8 * chartBarMax, 0.25 * chartBarMax} {
		w, _ := strconv.ParseFloat(widths[i][1], 64)
		if d := w - want; d > 0.06 || d < -0.06 {
			t.Errorf("bar %d: %v, want %v", i, w, want)
		}
	}
	if c.Rows[1].Span != "Fewer than 5 people rated: not shown" || len(c.Rows[1].Cells) != 0 || len(c.Rows[1].Bars) != 0 {
		t.Errorf("suppressed row shows %v / %q / %d bars", c.Rows[1].Cells, c.Rows[1].Span, len(c.Rows[1].Bars))
	}
	if !strings.Contains(html, `<td colspan="2">Fewer than 5 people rated: not shown</td>`) {
		t.Error("the suppressed row's table cell should span the value columns")
	}
	for _, want := range []string{"Lived experience: 80% agree.", "Carer: too few people to show.", "Practitioner: 25% agree.", "Commissioner: no ratings yet."} {
		if !strings.Contains(c.Desc, want) {
			t.Errorf("description %q lacks %q", c.Desc, want)
		}
	}
}

// TestChangeChart compares two rounds' distributions.
func TestChangeChart(t *testing.T) {
	cat := testCatalogue(t)
	z := scaleZones{AgreeMin: 4, AgreeMax: 5, DisagreeMin: 1, DisagreeMax: 2}
	c := changeChart(cat, "ch", "Idea 2: last round and now", engine.ScaleLikert5, z, []int{1, 2, 3, 4, 5},
		[]int{3, 2, 4, 1, 0}, []int{1, 1, 3, 4, 1}, "Last round", "Now")
	if len(c.Rows) != 5 || len(c.Rows[0].Bars) != 2 {
		t.Fatalf("rows %d, bars %d", len(c.Rows), len(c.Rows[0].Bars))
	}
	if c.Rows[3].Cells[0] != "1" || c.Rows[3].Cells[1] != "4" {
		t.Errorf("row 4 cells %v", c.Rows[3].Cells)
	}
	if !strings.Contains(c.Desc, "4 – Agree: 1 then, 4 now.") || strings.Contains(c.Desc, "3 – Neither agree nor disagree: 4 then, 3 now") == false {
		t.Errorf("description %q", c.Desc)
	}
	same := changeChart(cat, "s", "t", engine.ScaleLikert5, z, []int{1, 2, 3, 4, 5}, []int{1, 1, 1, 1, 1}, []int{1, 1, 1, 1, 1}, "Last round", "Now")
	if same.Desc != "Ratings are the same in Last round and Now." {
		t.Errorf("unchanged description %q", same.Desc)
	}
	html := renderChart(t, c)
	if !strings.Contains(html, ">Last round</text>") || !strings.Contains(html, ">Now</text>") || !strings.Contains(html, ">4 – Agree: 1 then, 4 now</text>") {
		t.Error("comparison chart lacks its legend or row text")
	}
}

// TestDashboardOnImportedPolis imports a real Polis conversation through
// the engine and checks the dashboard's tables against counts made
// directly from votes.csv.
func TestDashboardOnImportedPolis(t *testing.T) {
	counts := polisCounts(t, "brexit-consensus")
	h := newHarness(t)
	ctx := context.Background()
	_, tok, err := h.eng.SignUp(ctx, engine.SignUpInput{Email: "imp@example.org", Name: "Importer", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	actor, _ := h.eng.Authenticate(ctx, tok)
	cf, _ := os.Open(filepath.Join(polisDir, "brexit-consensus", "comments.csv"))
	vf, _ := os.Open(filepath.Join(polisDir, "brexit-consensus", "votes.csv"))
	defer cf.Close()
	defer vf.Close()
	res, err := h.eng.ImportPolis(ctx, actor, engine.PolisImport{Name: "Brexit consensus", Comments: cf, Votes: vf})
	if err != nil {
		t.Fatal(err)
	}
	c := h.client().signedIn(tok)
	r := c.get("/rounds/" + res.RoundID + "/dashboard")
	mustStatus(t, r, http.StatusOK)
	rv, err := h.eng.GetRound(ctx, actor, res.RoundID)
	if err != nil {
		t.Fatal(err)
	}
	// The comments file gives each comment's text; the agenda gives the
	// order of the charts ("Ratings of idea N").
	cf2, _ := os.Open(filepath.Join(polisDir, "brexit-consensus", "comments.csv"))
	defer cf2.Close()
	recs, _ := csv.NewReader(cf2).ReadAll()
	idOf := map[string]string{}
	for _, rec := range recs[1:] {
		idOf[strings.TrimSpace(rec[7])] = rec[2]
	}
	checked := 0
	for i, e := range rv.Agenda {
		cid, ok := idOf[e.Proposal.Text]
		if !ok {
			continue
		}
		n := counts[cid]
		table := regexp.MustCompile(`(?s)<caption>Ratings of idea ` + strconv.Itoa(i+1) + `</caption>.*?</table>`).FindString(r.Body)
		for j, label := range []string{"Disagree", "Agree", "Pass"} {
			want := []int{n[0], n[2], n[1]}[j]
			row := regexp.MustCompile(`<th scope="row">` + label + `</th><td class="num">(\d+)</td>`).FindStringSubmatch(table)
			if row == nil || row[1] != strconv.Itoa(want) {
				t.Errorf("idea %d (comment %s) %s: got %v, want %d", i+1, cid, label, row, want)
			}
		}
		checked++
	}
	if checked < 40 {
		t.Fatalf("checked only %d ideas against votes.csv", checked)
	}
}
