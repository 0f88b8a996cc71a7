package frontend

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// pdfPage matches a page object in a PDF (not the /Pages tree).
var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// TestBrowserReportPages opens the reports of the demo group in Chromium,
// with JavaScript on and off: the consensus report of every round, the
// methods report, and a member's Easy Read summary and paths. axe-core
// checks each page; the report's print styles must hide the navigation,
// start each idea on a new page, and print to a PDF.
func TestBrowserReportPages(t *testing.T) {
	d := newReportDemo(t)
	for _, jsOff := range []bool{false, true} {
		name := "reports"
		if jsOff {
			name = "reports-nojs"
		}
		t.Run(name, func(t *testing.T) {
			b := newTab(t, d.h, name, jsOff)
			signIn(b, d.fac)
			for i, rid := range d.seeded.RoundIDs {
				b.visit("/rounds/"+rid+"/report", "Consensus report: round "+strconv.Itoa(i+1))
				b.check("consensus report, round " + strconv.Itoa(i+1))
				b.mustSee("Suggested agenda for the next round", "How to read this report", "Idea 1")
				if !jsOff && i == 1 {
					b.screenshot("report-round-2")
				}
			}
			// Keyboard: the contents list leads to the agenda.
			b.tabTo(`main a[href="#agenda"]`)
			b.do(enterKey)
			b.waitFor(`location.hash === "#agenda"`, "the agenda section")

			// Print: navigation and controls go, each card starts a page.
			media := func(m string) {
				if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m}); err != nil {
					t.Fatal(err)
				}
			}
			media("print")
			if hidden := eval[bool](b, `getComputedStyle(document.querySelector(".site-header")).display === "none" &&
				getComputedStyle(document.querySelector(".report__contents")).display === "none" &&
				getComputedStyle(document.querySelector(".back-link")).display === "none"`); !hidden {
				t.Error("the printed report shows the header, the contents list or the back link")
			}
			if brk := eval[string](b, `getComputedStyle(document.querySelector(".report-card")).breakBefore`); brk != "page" {
				t.Errorf("printed cards break before %q, want page", brk)
			}
			media("")
			if !jsOff {
				res, err := chromedp.Call(b.ctx, cdppage.PrintToPDF, cdppage.PrintToPDFParams{})
				if err != nil {
					t.Fatal(err)
				}
				cards := eval[int](b, `document.querySelectorAll(".report-card").length`)
				pages := len(pdfPage.FindAll(res.Data, -1))
				if !bytes.HasPrefix(res.Data, []byte("%PDF")) || pages <= cards {
					t.Errorf("printing the report gave %d bytes, %d pages for %d cards", len(res.Data), pages, cards)
				}
				if dir := os.Getenv(envScreenshots); dir != "" {
					if err := os.WriteFile(filepath.Join(dir, "report-round-3.pdf"), res.Data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}

			b.visit("/groups/"+d.seeded.GroupID+"/methods", "Methods report")
			b.check("methods report")
			b.mustSee("Members by perspective", "How consensus was defined", "Download as Markdown")
			if !jsOff {
				b.screenshot("methods-report")
			}

			m := newTab(t, d.h, name+"-member", jsOff)
			signIn(m, d.seeded.MemberTokens["Amara"])
			m.visit("/rounds/"+d.seeded.RoundIDs[0], "Round 1")
			m.activate(fmt.Sprintf(`main a[href="/rounds/%s/easy-read"]`, d.seeded.RoundIDs[0]))
			m.waitPage(`^/rounds/[0-9a-f-]+/easy-read$`, "What happened in round 1")
			m.check("Easy Read summary")
			m.mustSee("Everyone took part. That is 12 people.", "out of 12 people agreed.", "Your idea")
			if !jsOff {
				m.screenshot("easy-read-round-1")
			}
			m.visit("/groups/"+d.seeded.GroupID+"/my-input", "What happened to your input")
			m.activate(fmt.Sprintf(`main a[href="/groups/%s/my-input/paths"]`, d.seeded.GroupID))
			m.waitPage(`^/groups/[0-9a-f-]+/my-input/paths$`, "How your ratings changed")
			m.check("my paths")
			m.mustSee("Round 1:", "Round 2:")
		})
	}
}
