package frontend

import (
	"context"
	"html"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
	"github.com/allvoice/allvoice/engine/demo"
)

// reportDemo is the demo group served by a harness, with the
// facilitator's session and the engine's own reports to compare with.
type reportDemo struct {
	h      *harness
	eng    *engine.Engine
	seeded *demo.Result
	fac    string
	actor  engine.Actor
}

func newReportDemo(t *testing.T) *reportDemo {
	t.Helper()
	ctx := context.Background()
	store := bunstore.NewStore(bunstoretest.SQLite(t))
	seeded, err := demo.Seed(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(engine.Config{Store: store, Events: engine.NewHub()})
	h := newHarness(t, func(c *Config) { c.Engine = eng })
	_, fac, err := eng.LogIn(ctx, demo.FacilitatorEmail, demo.FacilitatorPassword)
	if err != nil {
		t.Fatal(err)
	}
	actor, err := eng.Authenticate(ctx, fac)
	if err != nil {
		t.Fatal(err)
	}
	return &reportDemo{h: h, eng: eng, seeded: seeded, fac: fac, actor: actor}
}

// TestReportPages serves the consensus report of every demo round, the
// methods report (page and Markdown), the Easy Read summary and a
// member's paths over HTTP without JavaScript, and checks what each
// person may open and what each page says.
func TestReportPages(t *testing.T) {
	d := newReportDemo(t)
	ctx := context.Background()
	fac := d.h.client().signedIn(d.fac)
	amara := d.h.client().signedIn(d.seeded.MemberTokens["Amara"])
	gid := d.seeded.GroupID

	for i, rid := range d.seeded.RoundIDs {
		want, err := d.eng.ConsensusReport(ctx, d.actor, rid)
		if err != nil {
			t.Fatal(err)
		}
		r := fac.get("/rounds/" + rid + "/report")
		mustStatus(t, r, 200)
		body := html.UnescapeString(r.Body)
		for _, s := range []string{"Consensus report: round " + string(rune('1'+i)), "Judged by consensus rule version 1", "How to read this report",
			"Suggested agenda for the next round", "Under-heard voices", `role="img"`, "Idea 1: ratings", want.HowToRead[0].Text} {
			if !strings.Contains(body, s) {
				t.Errorf("round %d report lacks %q", i+1, s)
			}
		}
		for _, c := range want.Proposals {
			if !strings.Contains(body, c.Text) || !strings.Contains(body, c.VerdictExplanation) {
				t.Errorf("round %d report lacks the card of %q", i+1, c.Text)
			}
		}
		for _, f := range want.UnderHeard.Flags {
			if !strings.Contains(body, f.Sentence) {
				t.Errorf("round %d report lacks the flag %q", i+1, f.Sentence)
			}
		}
		for _, g := range want.Agenda.GiveTimeTo {
			if !strings.Contains(body, "Member "+g.Pseudonym) {
				t.Errorf("round %d report does not give time to %s", i+1, g.Pseudonym)
			}
		}
		if strings.Contains(body, "Sam explained why a quiet room matters.") {
			t.Errorf("round %d report shows a reason Ivan did not consent to share", i+1)
		}
		mustStatus(t, amara.get("/rounds/"+rid+"/report"), 403)
		if round := fac.get("/rounds/" + rid); !strings.Contains(round.Body, `href="/rounds/`+rid+`/report"`) {
			t.Errorf("round %d page does not link the facilitator to the report", i+1)
		}
	}

	// The member's round pages link to the Easy Read summary once closed.
	if r := amara.get("/rounds/" + d.seeded.RoundIDs[0]); !strings.Contains(r.Body, `href="/rounds/`+d.seeded.RoundIDs[0]+`/easy-read"`) ||
		strings.Contains(r.Body, "/report\"") {
		t.Error("closed round page: no Easy Read link for the member, or a report link")
	}
	if r := amara.get("/rounds/" + d.seeded.RoundIDs[2]); strings.Contains(r.Body, "/easy-read") {
		t.Error("open round page links to an Easy Read summary")
	}
	er := amara.get("/rounds/" + d.seeded.RoundIDs[0] + "/easy-read")
	mustStatus(t, er, 200)
	body := html.UnescapeString(er.Body)
	for _, s := range []string{"What happened in round 1", "Everyone took part. That is 12 people.", "The group looked at 13 ideas.",
		"out of 12 people agreed.", "The group decided:", "The group will do this.", "Your idea", "Idea 1: how people answered"} {
		if !strings.Contains(body, s) {
			t.Errorf("Easy Read lacks %q", s)
		}
	}
	mustStatus(t, amara.get("/rounds/"+d.seeded.RoundIDs[2]+"/easy-read"), 409)

	// The methods report.
	mp := fac.get("/groups/" + gid + "/methods")
	mustStatus(t, mp, 200)
	body = html.UnescapeString(mp.Body)
	for _, s := range []string{"Methods report", "Members who rate: 12.", "Members by perspective", "How consensus was defined",
		"/groups/" + gid + "/methods.md", "Response in round 2, by perspective", "This round is still open"} {
		if !strings.Contains(body, s) {
			t.Errorf("methods page lacks %q", s)
		}
	}
	md := fac.get("/groups/" + gid + "/methods.md")
	mustStatus(t, md, 200)
	if ct, cd := md.Header.Get("Content-Type"), md.Header.Get("Content-Disposition"); ct != "text/markdown; charset=utf-8" ||
		cd != `attachment; filename="methods-report-`+gid+`.md"` || md.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Markdown download: Content-Type %q, Content-Disposition %q", ct, cd)
	}
	if !strings.HasPrefix(md.Body, "# Methods report: Riverside drop-in") || !strings.Contains(md.Body, "| lived experience | 4 |") {
		t.Errorf("Markdown:\n%s", md.Body)
	}
	mustStatus(t, amara.get("/groups/"+gid+"/methods"), 403)
	mustStatus(t, amara.get("/groups/"+gid+"/methods.md"), 403)
	if g := fac.get("/groups/" + gid); !strings.Contains(g.Body, `href="/groups/`+gid+`/methods"`) {
		t.Error("group page does not link the facilitator to the methods report")
	}

	// A member's own paths, linked from "what happened to my input".
	if mi := amara.get("/groups/" + gid + "/my-input"); !strings.Contains(mi.Body, `href="/groups/`+gid+`/my-input/paths"`) {
		t.Error("my input does not link to the paths")
	}
	gareth := d.h.client().signedIn(d.seeded.MemberTokens["Gareth"])
	pp := gareth.get("/groups/" + gid + "/my-input/paths")
	mustStatus(t, pp, 200)
	body = html.UnescapeString(pp.Body)
	for _, s := range []string{"How your ratings changed", "Round 1:", "Round 2:", "You changed your rating",
		"What changed your mind: Talking it through with the group", "Your reason: Hearing Ben describe waiting weeks for a referral."} {
		if !strings.Contains(body, s) {
			t.Errorf("Gareth's paths lack %q", s)
		}
	}
	mustStatus(t, d.h.client().get("/groups/"+gid+"/my-input/paths"), 303)
}
