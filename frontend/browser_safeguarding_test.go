package frontend

import (
	"net/url"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/allvoice/allvoice/engine"
)

// signIn gives the tab a session cookie, as if the person had joined on
// this device.
func (b *tab) signIn(token string) {
	b.t.Helper()
	httpOnly := true
	if _, err := chromedp.Call(b.ctx, network.SetCookie, network.SetCookieParams{Name: SessionCookie, Value: token,
		URL: b.h.base, Path: "/", HTTPOnly: &httpOnly}); err != nil {
		b.t.Fatal(err)
	}
}

// mustURL parses an address the test built.
func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestBrowserSafeguarding walks the safeguarding pages in Chromium with the
// keyboard only, with JavaScript on and off, and runs axe-core on each: a
// member checks in, is offered the safeguarding route and tells the lead;
// the member raises a concern from the footer link; the lead opens the
// concerns and records an action; the facilitator reads the counts.
func TestBrowserSafeguarding(t *testing.T) {
	for _, jsOff := range []bool{false, true} {
		name := "javascript"
		if jsOff {
			name = "no-javascript"
		}
		t.Run(name, func(t *testing.T) { safeguardingJourney(t, jsOff) })
	}
}

func safeguardingJourney(t *testing.T, jsOff bool) {
	h := newHarness(t)
	p := newSafeguardingPeople(t, h, engine.GroupSettings{})
	w := p.w
	tokenOf := func(c *client) string {
		for _, ck := range c.http.Jar.Cookies(mustURL(t, h.base)) {
			if ck.Name == SessionCookie {
				return ck.Value
			}
		}
		t.Fatal("no session cookie")
		return ""
	}
	suffix := ""
	if jsOff {
		suffix = "-nojs"
	}
	shot := func(b *tab, n string) {
		if !jsOff {
			b.screenshot("safeguarding-" + n)
		}
	}
	submit := `main form button[type=submit]`

	// The member checks in from the round page.
	ada := newTab(t, h, "member"+suffix, jsOff)
	ada.signIn(tokenOf(p.ada))
	ada.visit("/rounds/"+w.round.ID, "Round 1")
	ada.activate(`main a[href$="/checkin"]`)
	ada.waitPage(`/checkin$`, "How do you feel about this round?")
	ada.check("check-in: zone")
	shot(ada, "01-checkin-zone")
	ada.activate(submit)
	ada.waitFor(`document.querySelector("[data-error-summary]")`, "error summary")
	ada.check("check-in: zone, with an error")
	ada.choose("zone", "panic")
	ada.activate(submit)
	ada.waitPage(`/checkin$`, "Do you want the facilitators to see your answer?")
	ada.check("check-in: share")
	ada.choose("share", "no")
	ada.activate(submit)
	ada.waitPage(`/checkin/done$`, "Thank you for telling us")
	ada.mustSee("Lee", "Tell the safeguarding lead", "No thanks, go to the round")
	ada.check("check-in: the safeguarding route")
	shot(ada, "02-checkin-route")
	ada.fill("#tell_text", "Could we talk after the session?")
	ada.activate(submit)
	ada.waitPage(`^/concerns/[0-9a-f-]+/sent$`, "Your concern has been sent")
	ada.mustSee("Who will read it", "Lee")
	ada.check("concern sent")

	// The member raises a concern from the footer of the round page.
	ada.visit("/rounds/"+w.round.ID, "Round 1")
	ada.activate(`footer a[href="/concerns/new"]`)
	ada.waitPage(`^/concerns/new$`, "Raise a concern")
	ada.mustSee("Round 1 in general", "Lee")
	ada.check("concern form")
	shot(ada, "03-concern-form")
	ada.activate(submit)
	ada.waitFor(`document.querySelector("[data-error-summary]")`, "error summary")
	ada.check("concern form, with an error")
	ada.fill("#concern_text", "Someone keeps interrupting me.")
	ada.activate(submit)
	ada.waitPage(`^/concerns/[0-9a-f-]+/sent$`, "Your concern has been sent")
	ada.activate(`main a[href^="/concerns/"]`)
	ada.waitPage(`^/concerns/[0-9a-f-]+$`, "Concern")
	ada.mustSee("Someone keeps interrupting me.", "Open")
	ada.check("concern, as the member who raised it")

	// The safeguarding lead.
	lead := newTab(t, h, "lead"+suffix, jsOff)
	lead.signIn(tokenOf(p.lead))
	lead.visit("/groups/"+w.group.ID+"/safeguarding", "Safeguarding")
	lead.mustSee("Ada", "Check-in: Not comfortable", "Round 1")
	lead.check("safeguarding: concerns")
	shot(lead, "04-lead-list")
	lead.activate(`main table a[href^="/concerns/"]`)
	lead.waitPage(`^/concerns/[0-9a-f-]+$`, "Concern")
	lead.check("concern, as the lead")
	lead.fill("#concern_action", "Spoke with Ada after the session.")
	lead.fill("#concern_learning", "Agree turn-taking at the start.")
	lead.choose("concern_status", engine.ConcernClosed)
	lead.activate(submit)
	lead.waitFor(`document.querySelector(".notice--success")`, "the saved notice")
	lead.mustSee("Your action has been recorded.", "Spoke with Ada after the session.", "Closed")
	lead.check("concern, after an action")
	shot(lead, "05-lead-concern")

	// The facilitator's counts.
	fac := newTab(t, h, "facilitator"+suffix, jsOff)
	fac.signIn(w.facilitatorTok)
	fac.visit("/rounds/"+w.round.ID+"/checkins", "Check-ins for round 1")
	fac.mustSee("Not shown")
	fac.check("check-in counts")
}
