package frontend

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/allvoice/allvoice/engine"
)

// TestBrowserAxeFindsProblems checks the accessibility check itself: on a
// page with an unlabelled field and an image without a text alternative,
// axe-core must report both, so "no violations" on the real pages means
// something.
func TestBrowserAxeFindsProblems(t *testing.T) {
	h := newHarness(t)
	b := newTab(t, h, "axe self-test", false)
	b.visit("/login", "Sign in")
	eval[bool](b, `document.querySelector("main").insertAdjacentHTML("beforeend", '<input type="text" name="x"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'); true`)
	if !eval[bool](b, `typeof window.axe !== "undefined"`) {
		eval[bool](b, b.axe+";true")
	}
	raw := eval[string](b, `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a","wcag2aa","wcag21a","wcag21aa","wcag22aa"]}}).then(r => JSON.stringify(r.violations.map(v => v.id)))`)
	var ids []string
	if err := json.Unmarshal([]byte(raw), &ids); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"label", "image-alt"} {
		found := false
		for _, id := range ids {
			found = found || id == want
		}
		if !found {
			t.Errorf("axe did not report %q on a broken page; it reported %v", want, ids)
		}
	}
}

// TestBrowserLiveDashboard checks that an idea a member shares appears on
// an open dashboard and projector without a reload (Server-Sent Events
// swapped in by htmx), and that without JavaScript the dashboard is a plain
// page with a refresh link that shows the change.
func TestBrowserLiveDashboard(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld(engine.TransitionOpen, engine.GroupSettings{})
	ctx := context.Background()
	_, mtok, err := h.eng.Join(ctx, engine.Actor{}, engine.JoinInput{Token: w.inviteToken, DisplayName: "Mo", Perspective: "Carer"})
	if err != nil {
		t.Fatal(err)
	}
	mo, _ := h.eng.Authenticate(ctx, mtok)

	for _, view := range []string{"dashboard", "projector"} {
		b := newTab(t, h, "live "+view, false)
		signIn(b, w.facilitatorTok)
		heading := "Live dashboard: round 1"
		if view == "projector" {
			heading = "Round 1"
		}
		b.visit("/rounds/"+w.round.ID+"/"+view, heading)
		b.check("live " + view)
		eval[bool](b, `window.__notReloaded = true`)
		deadline := time.Now().Add(10 * time.Second)
		for h.hub.Subscribers(w.round.ID) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the page did not connect to the event stream", view)
			}
			time.Sleep(20 * time.Millisecond)
		}
		text := "Free tea and coffee, seen on the " + view
		if _, err := h.eng.AddProposal(ctx, mo, w.round.ID, engine.ProposalInput{Text: text}); err != nil {
			t.Fatal(err)
		}
		b.waitFor(fmt.Sprintf(`document.getElementById("live").innerText.includes(%q)`, text), "the new idea on the "+view)
		if !eval[bool](b, `window.__notReloaded === true`) {
			t.Errorf("%s: the page reloaded instead of updating in place", view)
		}
		if view == "projector" && strings.Contains(b.text(), "Mo") {
			t.Error("the projector view shows a member's name")
		}
		b.check("live " + view + " after an update")
		if view == "dashboard" {
			b.screenshot("facilitator-10-dashboard-live")
		} else {
			b.screenshot("facilitator-11-projector-live")
		}
		b.do(chromedp.Navigate("about:blank"))
	}

	// Without JavaScript: no stream, a refresh link that shows the change.
	b := newTab(t, h, "dashboard without javascript", true)
	signIn(b, w.facilitatorTok)
	b.visit("/rounds/"+w.round.ID+"/dashboard", "Live dashboard: round 1")
	b.check("dashboard without javascript")
	if _, err := h.eng.AddProposal(ctx, mo, w.round.ID, engine.ProposalInput{Text: "A garden to sit in"}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.text(), "A garden to sit in") {
		t.Fatal("without JavaScript the page cannot have updated by itself")
	}
	b.activate(`main a[href$="/dashboard"]:not(.back-link)`)
	b.waitFor(`document.querySelector("main").innerText.includes("A garden to sit in")`, "the refreshed dashboard")
}

// signIn gives a tab a session cookie, as signing in would.
func signIn(b *tab, token string) {
	b.t.Helper()
	b.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		return setCookie(ctx, t, b.h.base, SessionCookie, token)
	}))
}

// TestBrowserPageWeight loads every member page afresh and checks the
// heaviest (HTML, CSS, scripts) is under 100 KB uncompressed, and that no
// page asks another origin for anything.
func TestBrowserPageWeight(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld(engine.TransitionOpen, engine.GroupSettings{GroundRules: strings.Repeat("Listen to each other and take turns. ", 20)})
	ctx := context.Background()
	_, mtok, err := h.eng.Join(ctx, engine.Actor{}, engine.JoinInput{Token: w.inviteToken, DisplayName: "Mo", Perspective: "Carer"})
	if err != nil {
		t.Fatal(err)
	}
	mo, _ := h.eng.Authenticate(ctx, mtok)
	// A round of a dozen ideas, each with an Easy Read version, all rated
	// with a reason: a busy co-design round.
	var pids []string
	for i := range 12 {
		p, err := h.eng.AddProposal(ctx, w.facilitator, w.round.ID, engine.ProposalInput{
			Text:     fmt.Sprintf("Idea %d: %s", i+1, strings.Repeat("a longer description of what we could do ", 4)),
			EasyRead: "An easy read version of the idea."})
		if err != nil {
			t.Fatal(err)
		}
		pids = append(pids, p.ID)
	}
	if _, err := h.eng.TransitionRound(ctx, w.facilitator, w.round.ID, engine.TransitionRating); err != nil {
		t.Fatal(err)
	}
	v := 4
	for _, pid := range pids {
		if _, err := h.eng.SubmitRating(ctx, mo, engine.RatingInput{RoundID: w.round.ID, ProposalID: pid, Value: &v, Reason: "Because."}); err != nil {
			t.Fatal(err)
		}
	}
	pages := []string{"/join/" + w.inviteToken, "/groups/" + w.group.ID, "/rounds/" + w.round.ID,
		"/rounds/" + w.round.ID + "/propose", "/rounds/" + w.round.ID + "/proposals/" + pids[0] + "/rate",
		"/rounds/" + w.round.ID + "/proposals/" + pids[0] + "/rated", "/groups/" + w.group.ID + "/my-input",
		"/groups/" + w.group.ID + "/help", "/groups/" + w.group.ID + "/me"}
	heaviest, heaviestPage := 0, ""
	for _, p := range pages {
		b := newTab(t, h, "weight "+p, false)
		if !strings.HasPrefix(p, "/join/") {
			signIn(b, mtok)
		}
		b.do(chromedp.Navigate(h.base + p))
		b.waitFor(`document.readyState === "complete"`, "load")
		if st := eval[int](b, `performance.getEntriesByType("navigation")[0].responseStatus || 200`); st != 200 {
			t.Fatalf("%s: status %d", p, st)
		}
		size := eval[int](b, `performance.getEntriesByType("navigation")[0].decodedBodySize + performance.getEntriesByType("resource").reduce((s, e) => s + e.decodedBodySize, 0)`)
		foreign := eval[string](b, `JSON.stringify(performance.getEntriesByType("resource").map(e => e.name).filter(u => !u.startsWith(location.origin + "/")))`)
		if foreign != "[]" {
			t.Errorf("%s requested other origins: %s", p, foreign)
		}
		t.Logf("%s: %d bytes", p, size)
		if size > heaviest {
			heaviest, heaviestPage = size, p
		}
	}
	if heaviest >= 100_000 {
		t.Errorf("the heaviest member page, %s, is %d bytes; it must stay under 100 KB", heaviestPage, heaviest)
	}
	if heaviest < 50_000 {
		t.Errorf("the heaviest page measured %d bytes, less than htmx alone: the measurement is broken", heaviest)
	}
}

// setCookie sets a cookie in the tab's browser context.
func setCookie(ctx context.Context, t *chromedp.Target, base, name, value string) error {
	httpOnly := true
	_, err := cdp.Call(ctx, t, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: base + "/",
		Path: "/", HTTPOnly: &httpOnly, SameSite: network.CookieSameSiteLax})
	return err
}
