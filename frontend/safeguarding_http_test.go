package frontend

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/allvoice/allvoice/engine"
)

// logBuffer collects a harness's log, safe for concurrent writes.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// safeguardingPeople is a world with a safeguarding lead and two members,
// each with a client signed in as them, and the facilitator's client.
type safeguardingPeople struct {
	w               *world
	fac, lead, ada  *client
	bo              *client
	adaActor, boAct engine.Actor
	proposal        *engine.Proposal
}

func newSafeguardingPeople(t *testing.T, h *harness, settings engine.GroupSettings) *safeguardingPeople {
	t.Helper()
	ctx := context.Background()
	w := h.newWorld(engine.TransitionOpen, settings)
	p := &safeguardingPeople{w: w, fac: h.client().signedIn(w.facilitatorTok)}
	join := func(name, role string) (engine.Actor, *client) {
		_, inv, err := h.eng.CreateInvite(ctx, w.facilitator, w.group.ID, engine.InviteInput{Role: role})
		if err != nil {
			t.Fatal(err)
		}
		_, tok, err := h.eng.Join(ctx, engine.Actor{}, engine.JoinInput{Token: inv, DisplayName: name})
		if err != nil {
			t.Fatal(err)
		}
		a, err := h.eng.Authenticate(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		return a, h.client().signedIn(tok)
	}
	_, p.lead = join("Lee", engine.RoleSafeguardingLead)
	p.adaActor, p.ada = join("Ada", engine.RoleMember)
	p.boAct, p.bo = join("Bo", engine.RoleMember)
	var err error
	p.proposal, err = h.eng.AddProposal(ctx, p.adaActor, w.round.ID, engine.ProposalInput{Text: "A quiet room for breaks"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// mustContain fails unless body contains every text.
func mustContain(t *testing.T, what, body string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(body, s) {
			t.Errorf("%s lacks %q:\n%s", what, s, excerpt(body))
		}
	}
}

// mustNotContain fails if body contains any text.
func mustNotContain(t *testing.T, what, body string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(body, s) {
			t.Errorf("%s contains %q", what, s)
		}
	}
}

var sentPath = regexp.MustCompile(`^/concerns/([0-9a-f-]{36})/sent$`)

// TestConcernPagesHTTP raises a concern from the footer link of a rating
// page (the form knows the idea and round), checks who can open it, and
// has the safeguarding lead record an action — without JavaScript, with
// CSRF on every form, and without the concern's words in the log.
func TestConcernPagesHTTP(t *testing.T) {
	var logs logBuffer
	h := newHarness(t, func(c *Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	p := newSafeguardingPeople(t, h, engine.GroupSettings{})
	w := p.w
	secret := "Marker-5521 someone keeps standing too close to me"

	// The footer of every page links to the form.
	for _, path := range []string{"/groups/" + w.group.ID, "/rounds/" + w.round.ID, "/groups/" + w.group.ID + "/help"} {
		r := p.ada.get(path)
		mustStatus(t, r, http.StatusOK)
		mustContain(t, path, r.Body, `href="/concerns/new"`)
	}
	r := h.client().get("/login")
	mustContain(t, "the sign-in page", r.Body, `href="/concerns/new"`)
	// Signed out, the form asks to sign in first.
	r = h.client().get("/concerns/new")
	mustStatus(t, r, http.StatusSeeOther)
	if !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("signed-out concern form redirects to %q", r.Header.Get("Location"))
	}

	// Opened from the rating page, the form is about that idea.
	ratePage := h.base + "/rounds/" + w.round.ID + "/proposals/" + p.proposal.ID + "/rate"
	req, _ := http.NewRequest(http.MethodGet, h.base+"/concerns/new", nil)
	req.Header.Set("Referer", ratePage)
	r = p.ada.do(req)
	mustStatus(t, r, http.StatusOK)
	mustContain(t, "the concern form", r.Body, "Raise a concern", "Idea 1: A quiet room for breaks", "Round 1 in general",
		`name="proposal_id" value="`+p.proposal.ID+`"`, `name="round_id" value="`+w.round.ID+`"`,
		"Only you and the group&#39;s safeguarding lead can read what you write: Lee.", `<option value="`+p.boAct.MemberID+`"`)
	if !regexp.MustCompile(`value="proposal" checked`).MatchString(r.Body) {
		t.Errorf("the idea is not chosen in advance:\n%s", excerpt(r.Body))
	}
	mustNotContain(t, "the concern form", r.Body, `<option value="`+p.adaActor.MemberID+`"`)
	form := url.Values{"group_id": {w.group.ID}, "round_id": {w.round.ID}, "proposal_id": {p.proposal.ID}, "about": {"proposal"},
		"about_member": {p.boAct.MemberID}}

	// Without the CSRF token nothing is stored.
	form.Set("concern_text", secret)
	form.Set("_csrf", "forged")
	r = p.ada.post("/concerns/new", form)
	mustStatus(t, r, http.StatusForbidden)
	form.Del("_csrf")
	// A blank concern is refused with a summary linking to the field.
	form.Set("concern_text", "   ")
	r = p.ada.post("/concerns/new", form)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, "the refused form", r.Body, `href="#concern_text"`, "What worries you is required")
	form.Set("concern_text", secret)
	r = p.ada.post("/concerns/new", form)
	mustStatus(t, r, http.StatusSeeOther)
	m := sentPath.FindStringSubmatch(r.Header.Get("Location"))
	if m == nil {
		t.Fatalf("after raising, redirected to %q", r.Header.Get("Location"))
	}
	cid := m[1]
	r = p.ada.follow(r)
	mustStatus(t, r, http.StatusOK)
	mustContain(t, "the confirmation", r.Body, "Your concern has been sent", "Who will read it", "<li>Lee</li>", "not the facilitators")

	// The raiser and the lead read it; nobody else learns it exists.
	r = p.ada.get("/concerns/" + cid)
	mustStatus(t, r, http.StatusOK)
	mustContain(t, "the raiser's page", r.Body, "Marker-5521", "Open", "A quiet room for breaks", "Bo")
	mustNotContain(t, "the raiser's page", r.Body, `action="/concerns/`+cid+`/actions"`)
	for name, c := range map[string]*client{"facilitator": p.fac, "other member": p.bo} {
		r = c.get("/concerns/" + cid)
		mustStatus(t, r, http.StatusNotFound)
		mustNotContain(t, name+"'s refusal", r.Body, "Marker-5521")
	}
	r = p.fac.get("/groups/" + w.group.ID + "/safeguarding")
	mustStatus(t, r, http.StatusForbidden)
	r = p.fac.get("/groups/" + w.group.ID + "/concerns")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, "the facilitator's concerns", r.Body, "You have not raised any concerns.")
	mustNotContain(t, "the facilitator's concerns", r.Body, cid)
	r = p.ada.get("/groups/" + w.group.ID + "/concerns")
	mustContain(t, "Ada's concerns", r.Body, "/concerns/"+cid, "An idea")

	// The lead's entry page lists it; the lead records an action.
	r = p.lead.get("/groups/" + w.group.ID + "/safeguarding")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, "the safeguarding page", r.Body, "/concerns/"+cid, "Ada", "Open")
	r = p.lead.get("/concerns/" + cid)
	mustStatus(t, r, http.StatusOK)
	mustContain(t, "the lead's concern page", r.Body, "Marker-5521", "Raised by", "Ada", "Nothing has been recorded yet.",
		`action="/concerns/`+cid+`/actions"`)
	r = p.lead.post("/concerns/"+cid+"/actions", url.Values{"concern_outcome": {"Marker-5521 outcome"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, "the refused action", r.Body, `href="#concern_action"`, `href="#concern_status"`)
	r = p.lead.post("/concerns/"+cid+"/actions", url.Values{"concern_action": {"Marker-5521 spoke with Ada"},
		"concern_learning": {"Marker-5521 seat people apart"}, "concern_status": {engine.ConcernInProgress}})
	mustStatus(t, r, http.StatusSeeOther)
	r = p.lead.follow(r)
	mustStatus(t, r, http.StatusOK)
	mustContain(t, "the concern after the action", r.Body, "Your action has been recorded.", "Being dealt with",
		"Marker-5521 spoke with Ada", "Marker-5521 seat people apart", "Lee")
	// The raiser sees the status move, not the lead's notes.
	r = p.ada.get("/concerns/" + cid)
	mustContain(t, "the raiser's page after the action", r.Body, "Being dealt with")
	mustNotContain(t, "the raiser's page after the action", r.Body, "spoke with Ada", "seat people apart")
	// Only a lead records actions.
	r = p.ada.post("/concerns/"+cid+"/actions", url.Values{"concern_action": {"x"}, "concern_status": {"closed"}})
	mustStatus(t, r, http.StatusForbidden)

	if out := logs.String(); strings.Contains(out, "Marker-5521") {
		t.Errorf("the log holds concern content:\n%s", out)
	}
}

// TestConcernFormChoosesGroup checks that an account in several groups,
// opening the form from a page about none of them, is asked which group.
func TestConcernFormChoosesGroup(t *testing.T) {
	h := newHarness(t)
	p := newSafeguardingPeople(t, h, engine.GroupSettings{})
	if _, err := h.eng.CreateGroup(context.Background(), p.w.facilitator, engine.GroupInput{Name: "Second group"}); err != nil {
		t.Fatal(err)
	}
	r := p.fac.get("/concerns/new")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, "the group question", r.Body, "Which group is it about?", "Day centre redesign", "Second group", `method="get"`)
	r = p.fac.get("/concerns/new?group_id=" + p.w.group.ID)
	mustStatus(t, r, http.StatusOK)
	mustContain(t, "the form for the chosen group", r.Body, `name="group_id" value="`+p.w.group.ID+`"`, "Lee")
	r = p.fac.post("/concerns/new", url.Values{"concern_text": {"About the venue"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, "the form without a group", r.Body, `href="#group_id"`)
	r = p.fac.post("/concerns/new", url.Values{"group_id": {p.w.group.ID}, "concern_text": {"About the venue"}})
	mustStatus(t, r, http.StatusSeeOther)
}

// TestCheckInPagesHTTP walks the check-in: one question per page, the
// safeguarding route offered in the panic zone without anyone being told,
// telling the lead by choice, the facilitator's counts, sharing and
// withdrawing.
func TestCheckInPagesHTTP(t *testing.T) {
	h := newHarness(t)
	p := newSafeguardingPeople(t, h, engine.GroupSettings{})
	w := p.w
	round := "/rounds/" + w.round.ID
	r := p.ada.get(round)
	mustContain(t, "the round page", r.Body, `href="`+round+`/checkin"`)
	r = p.fac.get(round)
	mustContain(t, "the facilitator's round page", r.Body, `href="`+round+`/checkins"`)
	mustNotContain(t, "the facilitator's round page", r.Body, `href="`+round+`/checkin"`)

	r = p.ada.get(round + "/checkin")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, "the zone question", r.Body, "How do you feel about this round?", `name="zone"`, `value="panic"`,
		`href="`+round+`"`, "Skip")
	r = p.ada.post(round+"/checkin", url.Values{"step": {"zone"}, "_csrf": {"forged"}})
	mustStatus(t, r, http.StatusForbidden)
	r = p.ada.post(round+"/checkin", url.Values{"step": {"zone"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, "the zone question without an answer", r.Body, `href="#zone"`)
	r = p.ada.post(round+"/checkin", url.Values{"step": {"zone"}, "zone": {"panic"}})
	mustStatus(t, r, http.StatusOK)
	mustContain(t, "the share question", r.Body, "Do you want the facilitators to see your answer?", `name="zone" value="panic"`,
		`name="share"`)
	r = p.ada.post(round+"/checkin", url.Values{"step": {"share"}, "zone": {"panic"}, "share": {"no"}})
	mustStatus(t, r, http.StatusSeeOther)
	r = p.ada.follow(r)
	mustStatus(t, r, http.StatusOK)
	mustContain(t, "the panic-zone page", r.Body, "Thank you for telling us", "<li>Lee</li>", "Tell the safeguarding lead",
		`action="`+round+`/checkin/tell"`, "No thanks, go to the round")
	// Nobody has been told.
	r = p.lead.get("/groups/" + w.group.ID + "/safeguarding")
	mustContain(t, "the lead's list before Ada chooses", r.Body, "No concerns have been raised in this group.")

	// Bo is comfortable and shares it.
	p.bo.get(round + "/checkin")
	r = p.bo.post(round+"/checkin", url.Values{"step": {"share"}, "zone": {"comfort"}, "share": {"yes"}})
	mustStatus(t, r, http.StatusSeeOther)
	r = p.bo.follow(r)
	mustContain(t, "the comfortable page", r.Body, "Thank you for checking in", "You said: Comfortable.")
	mustNotContain(t, "the comfortable page", r.Body, "Tell the safeguarding lead")

	// The facilitator sees counts, suppressed below five, and Bo's shared answer.
	r = p.fac.get(round + "/checkins")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, "the counts", r.Body, "Check-ins for round 1", "Not shown", "Bo: Comfortable")
	mustNotContain(t, "the counts", r.Body, "Ada", `class="num">1<`, `class="num">2<`, "people have checked in")
	if n := strings.Count(r.Body, "Not shown ("); n != 3 {
		t.Errorf("%d zones suppressed with two check-ins and a minimum cell size of 5, want 3", n)
	}
	r = p.ada.get(round + "/checkins")
	mustStatus(t, r, http.StatusForbidden)
	r = p.fac.get(round + "/checkin")
	mustStatus(t, r, http.StatusNotFound)

	// Ada chooses to tell the lead.
	r = p.ada.post(round+"/checkin/tell", url.Values{"tell_text": {"I would like to talk"}})
	mustStatus(t, r, http.StatusSeeOther)
	if !sentPath.MatchString(r.Header.Get("Location")) {
		t.Fatalf("telling the lead redirected to %q", r.Header.Get("Location"))
	}
	r = p.lead.get("/groups/" + w.group.ID + "/safeguarding")
	mustContain(t, "the lead's list after Ada chose", r.Body, "Check-in: Not comfortable", "Ada")

	// Changing and withdrawing.
	r = p.ada.get(round + "/checkin")
	mustContain(t, "the zone question with a check-in", r.Body, `value="panic" checked`, "You said: Not comfortable.", "Remove my check-in")
	r = p.ada.post(round+"/checkin/withdraw", nil)
	mustStatus(t, r, http.StatusSeeOther)
	r = p.ada.follow(r)
	mustContain(t, "the round after withdrawing", r.Body, "Your check-in has been removed.")
	r = p.ada.get(round + "/checkin/done")
	mustStatus(t, r, http.StatusSeeOther)
}

// TestDashboardCountsPassers checks on the live dashboard that a member
// who passed on every idea counts as having taken part.
func TestDashboardCountsPassers(t *testing.T) {
	h := newHarness(t)
	p := newSafeguardingPeople(t, h, engine.GroupSettings{})
	ctx := context.Background()
	if _, err := h.eng.TransitionRound(ctx, p.w.facilitator, p.w.round.ID, engine.TransitionRating); err != nil {
		t.Fatal(err)
	}
	if _, err := h.eng.SubmitRating(ctx, p.boAct, engine.RatingInput{RoundID: p.w.round.ID, ProposalID: p.proposal.ID, Pass: true}); err != nil {
		t.Fatal(err)
	}
	r := p.fac.get("/rounds/" + p.w.round.ID + "/dashboard")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, "the dashboard", r.Body, `data-stat="responded">1<`)
}
