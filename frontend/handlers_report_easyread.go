package frontend

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/allvoice/allvoice/engine"
)

// easyReadPage is the Easy Read summary of a closed round: short
// sentences, one idea per line, numbers as "8 out of 12 people".
type easyReadPage struct {
	S     *engine.EasyReadSummary
	Lines []string
	Ideas []easyReadIdeaView
}

// easyReadIdeaView is one idea in Easy Read.
type easyReadIdeaView struct {
	I      engine.EasyReadIdea
	Text   string
	Amount string
	OutOf  string
	Passed string
	Chart  *chart
}

func (f *Frontend) easyRead(c *fiber.Ctx) error {
	s, err := f.eng.EasyReadSummary(c.UserContext(), actorOf(c), utils.CopyString(c.Params("rid")))
	if err != nil {
		return f.renderError(c, err)
	}
	cat := f.catalogue(c)
	return f.render(c, fiber.StatusOK, "easyread", &page{Title: cat.T("easyread.title", "number", s.RoundNumber),
		Data: buildEasyRead(cat, s)})
}

// buildEasyRead puts the summary into short sentences.
func buildEasyRead(cat *Catalogue, s *engine.EasyReadSummary) *easyReadPage {
	p := &easyReadPage{S: s}
	if s.TookPart == s.Invited && s.Invited > 0 {
		p.Lines = append(p.Lines, cat.N("easyread.everyone_took_part", s.Invited))
	} else {
		p.Lines = append(p.Lines, cat.N("easyread.took_part", s.Invited, "took", s.TookPart))
	}
	p.Lines = append(p.Lines, cat.N("easyread.ideas", len(s.Ideas)))
	if s.ResultsShown {
		p.Lines = append(p.Lines, cat.N("easyread.agreed_for", s.AgreedFor))
		if s.AgreedAgainst > 0 {
			p.Lines = append(p.Lines, cat.N("easyread.agreed_against", s.AgreedAgainst))
		}
		if s.NotAgreed > 0 {
			p.Lines = append(p.Lines, cat.N("easyread.not_agreed", s.NotAgreed))
		}
	} else {
		p.Lines = append(p.Lines, cat.T("easyread.no_results"))
	}
	if n := s.Decisions.Total(); n > 0 {
		p.Lines = append(p.Lines, cat.N("easyread.decisions", n))
	}
	for _, idea := range s.Ideas {
		v := easyReadIdeaView{I: idea, Text: idea.Text}
		if idea.EasyRead != "" {
			v.Text = idea.EasyRead
		}
		if idea.Shown {
			v.Amount = amountSentence(cat, idea.Amount)
			if idea.Rated > 0 {
				v.OutOf = cat.N("easyread.out_of", idea.Rated, "agreed", idea.Agreed)
			}
			if idea.Passed > 0 {
				v.Passed = cat.N("easyread.passed", idea.Passed)
			}
			v.Chart = easyReadChart(cat, "idea-"+idea.ProposalID, cat.T("easyread.chart_title", "n", idea.Number),
				s.ScaleKind != engine.ScaleAgreeDisagree, idea)
		}
		p.Ideas = append(p.Ideas, v)
	}
	return p
}

// amountSentence says how many agreed in words.
func amountSentence(cat *Catalogue, amount string) string {
	switch amount {
	case engine.AmountEveryone:
		return cat.T("easyread.amount_everyone")
	case engine.AmountAlmostEveryone:
		return cat.T("easyread.amount_almost_everyone")
	case engine.AmountMost:
		return cat.T("easyread.amount_most")
	case engine.AmountAboutHalf:
		return cat.T("easyread.amount_about_half")
	case engine.AmountSome:
		return cat.T("easyread.amount_some")
	case engine.AmountFew:
		return cat.T("easyread.amount_few")
	case engine.AmountNobody:
		return cat.T("easyread.amount_nobody")
	}
	return cat.T("easyread.amount_no_ratings")
}

// easyReadChart draws an idea's answers as three or four plain bars:
// agreed, not sure (on scales with a middle), disagreed, can't say.
func easyReadChart(cat *Catalogue, key, title string, middle bool, idea engine.EasyReadIdea) *chart {
	c := &chart{ID: chartID("easy", key), Title: title, Caption: title,
		Columns: []string{cat.T("easyread.col_answer"), cat.T("chart.col_people")}}
	type row struct {
		label string
		n     int
		fill  string
	}
	rows := []row{{cat.T("easyread.chart_agreed"), idea.Agreed, fillAgree}}
	if middle {
		rows = append(rows, row{cat.T("easyread.chart_middle"), idea.Middle, fillNeutral})
	}
	rows = append(rows, row{cat.T("easyread.chart_disagreed"), idea.Disagreed, fillDisagree}, row{cat.T("easyread.chart_passed"), idea.Passed, fillPass})
	labels := make([]string, 0, len(rows))
	heads := make([]string, 0, len(rows))
	series := make([][]barSeries, 0, len(rows))
	var parts []string
	for _, r := range rows {
		people := cat.N("chart.people", r.n)
		labels = append(labels, r.label)
		heads = append(heads, cat.T("chart.row", "label", r.label, "value", people))
		series = append(series, []barSeries{{Value: float64(r.n), Fill: r.fill}})
		c.Rows = append(c.Rows, chartRow{Cells: []string{strconv.Itoa(r.n)}})
		parts = append(parts, cat.T("chart.row", "label", r.label, "value", people)+".")
	}
	layout(c, labels, heads, series, chartPadding, 0)
	c.Desc = joinSentences(parts)
	return c
}
