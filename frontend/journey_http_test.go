package frontend

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
)

// hrefs returns the links of a page matching pattern.
func hrefs(body, pattern string) []string {
	re := regexp.MustCompile(`href="(` + pattern + `)"`)
	var out []string
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestMemberJourneyHTTP walks the member journey without a browser (and so
// without JavaScript): join by link, see the round, propose, rate with a
// reason, change the rating saying why, and read what happened to the
// input.
func TestMemberJourneyHTTP(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld(engine.TransitionOpen, engine.GroupSettings{GroundRules: "Listen to each other.\n\nEveryone's view counts."})
	c := h.client()

	r := c.get("/join/" + w.inviteToken)
	mustStatus(t, r, http.StatusOK)
	for _, want := range []string{"Day centre redesign", "Listen to each other.", "Everyone&#39;s view counts.", "If something worries you"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("welcome page lacks %q", want)
		}
	}
	r = c.get("/join/" + w.inviteToken + "?step=name")
	mustStatus(t, r, http.StatusOK)
	// A blank name is refused with an error summary linking to the field.
	r = c.post("/join/"+w.inviteToken, url.Values{"step": {"name"}, "display_name": {"  "}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, `href="#display_name"`) || !strings.Contains(r.Body, `<title>Error:`) {
		t.Fatalf("name error lacks a summary link or title prefix:\n%s", excerpt(r.Body))
	}
	r = c.post("/join/"+w.inviteToken, url.Values{"step": {"name"}, "display_name": {"Ann"}})
	mustStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, `name="perspective"`) || !strings.Contains(r.Body, `value="Ann"`) {
		t.Fatalf("perspective step should follow and carry the name:\n%s", excerpt(r.Body))
	}
	r = c.post("/join/"+w.inviteToken, url.Values{"step": {"perspective"}, "display_name": {"Ann"}, "perspective": {"Carer"}})
	mustStatus(t, r, http.StatusOK)
	r = c.post("/join/"+w.inviteToken, url.Values{"step": {"access"}, "display_name": {"Ann"}, "perspective": {"Carer"}, "access_needs": {"Large text"}})
	mustStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, `name="research_consent"`) {
		t.Fatalf("consent step expected:\n%s", excerpt(r.Body))
	}
	r = c.post("/join/"+w.inviteToken, url.Values{"step": {"consent"}, "display_name": {"Ann"}, "perspective": {"Carer"},
		"access_needs": {"Large text"}, "research_consent": {"yes"}})
	mustStatus(t, r, http.StatusSeeOther)
	var session *http.Cookie
	for _, ck := range r.Cookies() {
		if ck.Name == SessionCookie {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Value == "" {
		t.Fatalf("session cookie: %+v", session)
	}
	r = c.follow(r)
	mustStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "You have joined the group") {
		t.Errorf("group page lacks the welcome notice")
	}
	roundURL := "/rounds/" + w.round.ID
	r = c.get(roundURL)
	mustStatus(t, r, http.StatusOK)

	// Propose: an empty idea is refused and the form keeps its place.
	r = c.get(roundURL + "/propose")
	mustStatus(t, r, http.StatusOK)
	r = c.post(roundURL+"/propose", url.Values{"text": {""}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, `href="#text"`) {
		t.Fatalf("propose error should link to #text:\n%s", excerpt(r.Body))
	}
	r = c.post(roundURL+"/propose", url.Values{"text": {"A quiet room for people who need a break"}})
	mustStatus(t, r, http.StatusSeeOther)
	r = c.follow(r)
	if !strings.Contains(r.Body, "A quiet room for people who need a break") || !strings.Contains(r.Body, "Your idea") {
		t.Fatalf("round page should list the new idea as yours:\n%s", excerpt(r.Body))
	}

	// Rating opens; the member rates with a reason, then changes their mind.
	ctx := context.Background()
	if _, err := h.eng.TransitionRound(ctx, w.facilitator, w.round.ID, engine.TransitionRating); err != nil {
		t.Fatal(err)
	}
	r = c.get(roundURL)
	links := hrefs(r.Body, `/rounds/[^"]+/rate`)
	if len(links) != 1 {
		t.Fatalf("want one rate link, got %v", links)
	}
	r = c.get(links[0])
	mustStatus(t, r, http.StatusOK)
	for _, want := range []string{"1 – Strongly disagree", "5 – Strongly agree", `value="pass"`, "Pass"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("rate page lacks %q", want)
		}
	}
	key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(r.Body)[1]
	r = c.post(links[0], url.Values{"key": {key}, "reason": {"Because we need it"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, `href="#choice"`) || !strings.Contains(r.Body, "Because we need it") {
		t.Fatalf("missing choice should be an error linked to #choice keeping the reason:\n%s", excerpt(r.Body))
	}
	r = c.post(links[0], url.Values{"key": {key}, "choice": {"4"}, "reason": {"Because we need it"}})
	mustStatus(t, r, http.StatusSeeOther)
	// The same form submitted twice stores one rating.
	again := c.post(links[0], url.Values{"key": {key}, "choice": {"4"}, "reason": {"Because we need it"}})
	mustStatus(t, again, http.StatusSeeOther)
	r = c.follow(r)
	mustStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "Your rating is saved") {
		t.Fatalf("rated page:\n%s", excerpt(r.Body))
	}
	if !strings.Contains(r.Body, "You chose: 4 – Agree.") {
		t.Errorf("rated page should say what the member chose:\n%s", excerpt(r.Body))
	}
	// The group's distribution is shown after rating (reveal after own
	// rating), as a chart with a table.
	for _, want := range []string{`role="img"`, "<caption>How the group rated this idea</caption>", "1 person rated this idea and 0 people passed."} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("rated page lacks %q", want)
		}
	}
	change := hrefs(r.Body, `/rounds/[^"]+/rate`)
	if len(change) != 1 {
		t.Fatalf("want a change link, got %v", change)
	}
	r = c.get(change[0])
	mustStatus(t, r, http.StatusOK)
	for _, want := range []string{`name="change_category"`, `value="4" checked`, "Because we need it", "Your rating now: 4 – Agree."} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("change page lacks %q", want)
		}
	}
	key = regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(r.Body)[1]
	r = c.post(links[0], url.Values{"key": {key}, "choice": {"pass"}, "change_category": {"discussion"}})
	mustStatus(t, r, http.StatusSeeOther)
	if !strings.Contains(r.Header.Get("Location"), "changed=1") {
		t.Errorf("changed rating should be reported as a change: %s", r.Header.Get("Location"))
	}
	r = c.follow(r)
	if !strings.Contains(r.Body, "Your new rating is saved") {
		t.Errorf("rated page after change:\n%s", excerpt(r.Body))
	}

	r = c.get("/groups/" + w.group.ID + "/my-input")
	mustStatus(t, r, http.StatusOK)
	for _, want := range []string{"A quiet room for people who need a break", "Your ratings", "<td>Pass</td>"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("my input lacks %q:\n%s", want, excerpt(r.Body))
		}
	}
	r = c.get("/groups/" + w.group.ID + "/help")
	mustStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "Fran Facilitator") {
		t.Errorf("help page should name the facilitator:\n%s", excerpt(r.Body))
	}
	// A member cannot manage the round.
	r = c.get(roundURL + "/manage")
	mustStatus(t, r, http.StatusForbidden)

	// Once the round closes, the round page shows where the group ended up.
	if _, err := h.eng.TransitionRound(ctx, w.facilitator, w.round.ID, engine.TransitionClose); err != nil {
		t.Fatal(err)
	}
	r = c.get(roundURL)
	mustStatus(t, r, http.StatusOK)
	for _, want := range []string{"This round is closed.", "<caption>How the group rated idea 1</caption>", "Too few ratings to judge"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("closed round page lacks %q", want)
		}
	}
}
