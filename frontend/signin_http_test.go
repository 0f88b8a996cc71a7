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

var (
	joinKeyField = regexp.MustCompile(`name="join_key" value="([^"]+)"`)
	signInLinkRe = regexp.MustCompile(`/signin/(avl_[A-Za-z0-9_-]+)`)
)

// memberCount is how many members the group has.
func memberCount(t *testing.T, h *harness, w *world) int {
	t.Helper()
	ms, err := h.eng.ListMembers(context.Background(), w.facilitator, w.group.ID)
	if err != nil {
		t.Fatal(err)
	}
	return len(ms)
}

// TestJoinFormSentTwiceJoinsOnce sends the last join step twice, as a
// double click without JavaScript does: one member, and both answers sign
// the device in as that member.
func TestJoinFormSentTwiceJoinsOnce(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld(engine.TransitionOpen, engine.GroupSettings{})
	before := memberCount(t, h, w)
	c := h.client()
	c.get("/join/" + w.inviteToken + "?step=name")
	r := c.post("/join/"+w.inviteToken, url.Values{"step": {"name"}, "display_name": {"Kit"}})
	mustStatus(t, r, http.StatusOK)
	m := joinKeyField.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("the join steps carry no join key:\n%s", excerpt(r.Body))
	}
	final := url.Values{"step": {"consent"}, "display_name": {"Kit"}, "join_key": {m[1]}}
	first := c.post("/join/"+w.inviteToken, final)
	mustStatus(t, first, http.StatusSeeOther)
	second := c.post("/join/"+w.inviteToken, final)
	mustStatus(t, second, http.StatusSeeOther)
	if got := memberCount(t, h, w); got != before+1 {
		t.Fatalf("members: %d before, %d after two sends; want one more", before, got)
	}
	if first.Header.Get("Location") != second.Header.Get("Location") {
		t.Errorf("the two sends lead to %q and %q", first.Header.Get("Location"), second.Header.Get("Location"))
	}
	// A fresh form (a new key) is a new person joining on the reusable invite.
	other := h.client()
	other.get("/join/" + w.inviteToken + "?step=name")
	r = other.post("/join/"+w.inviteToken, url.Values{"step": {"name"}, "display_name": {"Lou"}})
	k2 := joinKeyField.FindStringSubmatch(r.Body)
	if k2 == nil || k2[1] == m[1] {
		t.Fatalf("a new form should get a new join key")
	}
	mustStatus(t, other.post("/join/"+w.inviteToken, url.Values{"step": {"consent"}, "display_name": {"Lou"}, "join_key": {k2[1]}}),
		http.StatusSeeOther)
	if got := memberCount(t, h, w); got != before+2 {
		t.Fatalf("members: %d, want %d", got, before+2)
	}
}

// TestAnotherDeviceBySignInLink walks a member onto a second device: the
// invite page on the first device says they are in already; "Your
// details" makes a sign-in link; the second device confirms and is signed
// in as the same member; the link then no longer works, and typing it as a
// code leads to the same place.
func TestAnotherDeviceBySignInLink(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld(engine.TransitionOpen, engine.GroupSettings{})
	phone := h.client()
	phone.get("/join/" + w.inviteToken + "?step=name")
	r := phone.post("/join/"+w.inviteToken, url.Values{"step": {"name"}, "display_name": {"Max"}})
	key := joinKeyField.FindStringSubmatch(r.Body)[1]
	mustStatus(t, phone.post("/join/"+w.inviteToken, url.Values{"step": {"consent"}, "display_name": {"Max"}, "join_key": {key}}),
		http.StatusSeeOther)
	before := memberCount(t, h, w)

	r = phone.get("/join/" + w.inviteToken)
	mustStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "This device is signed in as Max") || !strings.Contains(r.Body, `href="/groups/`+w.group.ID+`"`) {
		t.Fatalf("the invite page should say this device is in the group already:\n%s", excerpt(r.Body))
	}
	if strings.Contains(h.client().get("/join/"+w.inviteToken).Body, "This device is signed in as") {
		t.Error("a new device is told it is signed in")
	}

	r = phone.get("/groups/" + w.group.ID + "/me")
	mustStatus(t, r, http.StatusOK)
	r = phone.post("/groups/"+w.group.ID+"/me/sign-in-link", nil)
	mustStatus(t, r, http.StatusOK)
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("the sign-in link page may be cached: %q", r.Header.Get("Cache-Control"))
	}
	lm := signInLinkRe.FindStringSubmatch(r.Body)
	if lm == nil {
		t.Fatalf("no sign-in link on the page:\n%s", excerpt(r.Body))
	}
	token := lm[1]

	laptop := h.client()
	r = laptop.get("/signin/" + token)
	mustStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "Sign in as Max?") {
		t.Fatalf("confirmation page:\n%s", excerpt(r.Body))
	}
	// Opening the link (as a chat preview would) did not use it up.
	r = laptop.get("/signin/" + token)
	mustStatus(t, r, http.StatusOK)
	r = laptop.post("/signin/"+token, nil)
	mustStatus(t, r, http.StatusSeeOther)
	r = laptop.follow(r)
	mustStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "You are signed in on this device.") {
		t.Errorf("group page lacks the signed-in notice:\n%s", excerpt(r.Body))
	}
	mustStatus(t, laptop.get("/groups/"+w.group.ID+"/my-input"), http.StatusOK)
	if got := memberCount(t, h, w); got != before {
		t.Fatalf("the second device made a member: %d, want %d", got, before)
	}
	// Both devices stay signed in; the link is spent.
	mustStatus(t, phone.get("/groups/"+w.group.ID+"/my-input"), http.StatusOK)
	third := h.client()
	mustStatus(t, third.get("/signin/"+token), http.StatusNotFound)
	third.get("/join")
	mustStatus(t, third.post("/signin/"+token, nil), http.StatusNotFound)

	// A code typed on the join form goes to the sign-in page.
	r = phone.post("/groups/"+w.group.ID+"/me/sign-in-link", nil)
	token = signInLinkRe.FindStringSubmatch(r.Body)[1]
	typed := h.client()
	typed.get("/join")
	r = typed.post("/join", url.Values{"code": {groupedCode(token)}})
	mustStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/signin/"+token {
		t.Errorf("typed sign-in code leads to %q", loc)
	}
}

// TestFacilitatorMakesSignInLink: a facilitator makes a link for a member
// who lost their phone, from the member's page; a member cannot make one
// for someone else.
func TestFacilitatorMakesSignInLink(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld(engine.TransitionOpen, engine.GroupSettings{})
	ctx := context.Background()
	m, _, err := h.eng.Join(ctx, engine.Actor{}, engine.JoinInput{Token: w.inviteToken, DisplayName: "Noor"})
	if err != nil {
		t.Fatal(err)
	}
	_, otherTok, err := h.eng.Join(ctx, engine.Actor{}, engine.JoinInput{Token: w.inviteToken, DisplayName: "Oz"})
	if err != nil {
		t.Fatal(err)
	}
	fac := h.client().signedIn(w.facilitatorTok)
	r := fac.get("/groups/" + w.group.ID + "/members/" + m.ID + "/role")
	mustStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "/members/"+m.ID+"/sign-in-link") {
		t.Fatalf("the member's page offers no sign-in link:\n%s", excerpt(r.Body))
	}
	r = fac.post("/groups/"+w.group.ID+"/members/"+m.ID+"/sign-in-link", nil)
	mustStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "Sign-in link for Noor") || signInLinkRe.FindStringSubmatch(r.Body) == nil {
		t.Fatalf("sign-in link page:\n%s", excerpt(r.Body))
	}
	oz := h.client().signedIn(otherTok)
	oz.get("/groups/" + w.group.ID)
	r = oz.post("/groups/"+w.group.ID+"/members/"+m.ID+"/sign-in-link", nil)
	if r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusNotFound {
		t.Fatalf("a member made a link for someone else: %d", r.StatusCode)
	}
}
