package frontend

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/allvoice/allvoice/engine"
)

// methodsPage is the methods report of a group's whole process.
type methodsPage struct {
	M       *engine.MethodsReport
	MinCell int
	Panel   []reportCount
	Rounds  []methodsRoundView
}

// methodsRoundView is one round of the methods report, formatted.
type methodsRoundView struct {
	R    engine.MethodsRound
	Rate string
	Rows []methodsPerspRow
}

// methodsPerspRow is one perspective's response in a round; Left is "–"
// in the first round.
type methodsPerspRow struct {
	Perspective string
	Suppressed  bool
	Invited     int
	Responded   int
	Proposed    int
	Left        string
}

func (f *Frontend) methodsReport(c *fiber.Ctx) error {
	m, err := f.eng.MethodsReport(c.UserContext(), actorOf(c), utils.CopyString(c.Params("gid")))
	if err != nil {
		return f.renderError(c, err)
	}
	cat := f.catalogue(c)
	p := &methodsPage{M: m, MinCell: m.Group.MinCellSize, Panel: reportCounts(m.Panel.ByPerspective)}
	for _, rd := range m.Rounds {
		rv := methodsRoundView{R: rd, Rate: reportOptPct(rd.ResponseRate)}
		if rd.Participation != nil {
			for i, pp := range rd.Participation.ByPerspective {
				row := methodsPerspRow{Perspective: pp.Perspective, Suppressed: pp.Suppressed, Left: "–"}
				if !pp.Suppressed {
					row.Invited, row.Responded, row.Proposed = reportDeref(pp.Invited), reportDeref(pp.Responded), reportDeref(pp.Proposed)
				}
				if rd.Attrition != nil && i < len(rd.Attrition.ByPerspective) {
					if pa := rd.Attrition.ByPerspective[i]; pa.Suppressed {
						row.Left = cat.T("report.too_few_to_show")
					} else {
						row.Left = strconv.Itoa(reportDeref(pa.Left))
					}
				}
				rv.Rows = append(rv.Rows, row)
			}
		}
		p.Rounds = append(p.Rounds, rv)
	}
	return f.render(c, fiber.StatusOK, "methods", &page{Title: cat.T("methods.title"), BodyClass: "report-page", Data: p})
}

// methodsMarkdown downloads the methods report as a Markdown file.
func (f *Frontend) methodsMarkdown(c *fiber.Ctx) error {
	m, err := f.eng.MethodsReport(c.UserContext(), actorOf(c), utils.CopyString(c.Params("gid")))
	if err != nil {
		return f.renderError(c, err)
	}
	setPageHeaders(c)
	c.Set(fiber.HeaderContentType, "text/markdown; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="methods-report-`+m.Group.ID+`.md"`)
	return c.SendString(m.Markdown())
}
