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

var groupPath = regexp.MustCompile(`^/groups/([0-9a-f-]{36})`)

// TestFacilitatorJourneyHTTP walks the facilitator's work without a
// browser: sign up, create a group (fixing an error), invite, add someone
// in the room, run a round, moderate, reword, split, merge, enter assisted
// ratings and open the live views.
func TestFacilitatorJourneyHTTP(t *testing.T) {
	h := newHarness(t)
	c := h.client()
	r := c.get("/signup")
	mustStatus(t, r, http.StatusOK)
	r = c.post("/signup", url.Values{"name": {"Fran"}, "email": {"not-an-email"}, "password": {"short"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	for _, want := range []string{`href="#email"`, `href="#password"`, `value="Fran"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("signup errors lack %q", want)
		}
	}
	if strings.Contains(r.Body, `value="short"`) {
		t.Error("the password must not be sent back")
	}
	r = c.post("/signup", url.Values{"name": {"Fran"}, "email": {"fran@example.org"}, "password": {"correct horse battery"}})
	mustStatus(t, r, http.StatusSeeOther)
	r = c.follow(r)
	mustStatus(t, r, http.StatusOK)

	// Sign out and in again.
	r = c.post("/logout", nil)
	mustStatus(t, r, http.StatusSeeOther)
	r = c.get("/groups")
	mustStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/login?next=") {
		t.Fatalf("signed out /groups should send to login, got %q", loc)
	}
	r = c.follow(r)
	r = c.post("/login", url.Values{"email": {"fran@example.org"}, "password": {"wrong password!!"}, "next": {"/groups"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	r = c.post("/login", url.Values{"email": {"fran@example.org"}, "password": {"correct horse battery"}, "next": {"/groups"}})
	mustStatus(t, r, http.StatusSeeOther)
	if r.Header.Get("Location") != "/groups" {
		t.Fatalf("login redirect %q", r.Header.Get("Location"))
	}

	// Create a group; a percentage that is not a number is caught.
	r = c.get("/groups/new")
	mustStatus(t, r, http.StatusOK)
	form := url.Values{"name": {"Library co-design"}, "description": {"Our new library."}, "scale": {"likert5"},
		"reveal_policy": {"after_own_rating"}, "perspectives": {"Lived experience\nCarer\nPractitioner"}, "min_cell_size": {"5"},
		"min_percent_agree": {"lots"}, "min_raters": {"5"}, "quantile_type": {"7"}, "anonymous": {"yes"}}
	r = c.post("/groups/new", form)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, `href="#min_percent_agree"`) || !strings.Contains(r.Body, "Library co-design") {
		t.Fatalf("group form error:\n%s", excerpt(r.Body))
	}
	form.Set("min_percent_agree", "40")
	r = c.post("/groups/new", form)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, `href="#min_percent_agree"`) {
		t.Fatalf("engine rule error should link to the field:\n%s", excerpt(r.Body))
	}
	form.Set("min_percent_agree", "75")
	r = c.post("/groups/new", form)
	mustStatus(t, r, http.StatusSeeOther)
	m := groupPath.FindStringSubmatch(r.Header.Get("Location"))
	if m == nil {
		t.Fatalf("group redirect %q", r.Header.Get("Location"))
	}
	gid := m[1]
	r = c.follow(r)
	mustStatus(t, r, http.StatusOK)

	// Settings keep what was chosen.
	r = c.get("/groups/" + gid + "/settings")
	mustStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "Lived experience\nCarer\nPractitioner") || !regexp.MustCompile(`value="anonymous"|name="anonymous" type="checkbox" value="yes" checked`).MatchString(r.Body) {
		t.Fatalf("settings form not prefilled:\n%s", excerpt(r.Body))
	}
	form.Set("name", "Library co-design group")
	r = c.post("/groups/"+gid+"/settings", form)
	mustStatus(t, r, http.StatusSeeOther)

	// Invite: create, see the link once, revoke.
	r = c.get("/groups/" + gid + "/invites/new")
	mustStatus(t, r, http.StatusOK)
	r = c.post("/groups/"+gid+"/invites/new", url.Values{"kind": {"reusable"}, "role": {"member"}, "perspective": {""}, "label": {"Tuesday"}, "expires_in_days": {"14"}})
	mustStatus(t, r, http.StatusOK)
	link := regexp.MustCompile(`id="invite-link">([^<]+)<`).FindStringSubmatch(r.Body)
	if link == nil || !strings.Contains(link[1], "/join/avi_") {
		t.Fatalf("created invite page lacks the link:\n%s", excerpt(r.Body))
	}
	if n := strings.Count(r.Body, `class="invite-card"`); n != 4 {
		t.Errorf("want 4 printable cards for a reusable link, got %d", n)
	}
	r = c.get("/groups/" + gid + "/invites")
	revoke := regexp.MustCompile(`action="(/groups/[^"]+/revoke)"`).FindStringSubmatch(r.Body)
	if revoke == nil {
		t.Fatalf("no revoke form:\n%s", excerpt(r.Body))
	}
	r = c.post(revoke[1], nil)
	mustStatus(t, r, http.StatusSeeOther)
	r = c.follow(r)
	if !strings.Contains(r.Body, "Stopped") {
		t.Errorf("revoked invite should show as stopped")
	}
	joinPath := link[1][strings.Index(link[1], "/join/"):]
	mustStatus(t, h.client().get(joinPath), http.StatusNotFound)

	// Someone in the room, without a device.
	r = c.post("/groups/"+gid+"/members/new", url.Values{"display_name": {"Bob"}, "perspective": {"Lived experience"}})
	mustStatus(t, r, http.StatusSeeOther)
	r = c.follow(r)
	if !strings.Contains(r.Body, "Bob") {
		t.Fatalf("members page lacks Bob")
	}

	// A round: create, open, propose, move to rating.
	r = c.get("/groups/" + gid + "/rounds/new")
	mustStatus(t, r, http.StatusOK)
	r = c.post("/groups/"+gid+"/rounds/new", url.Values{"prompt": {""}, "carry_rules": {"carry_without_consensus"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	r = c.post("/groups/"+gid+"/rounds/new", url.Values{"prompt": {"What should the library offer?"}, "carry_rules": {"carry_without_consensus"}})
	mustStatus(t, r, http.StatusSeeOther)
	manage := strings.SplitN(r.Header.Get("Location"), "?", 2)[0]
	rid := strings.Split(manage, "/")[2]
	r = c.follow(r)
	mustStatus(t, r, http.StatusOK)
	r = c.post("/rounds/"+rid+"/transition", url.Values{"to": {"open"}})
	mustStatus(t, r, http.StatusSeeOther)
	for _, idea := range []string{"Longer opening hours", "Open later in the evening", "A reading group; a toy library"} {
		r = c.post("/rounds/"+rid+"/propose", url.Values{"text": {idea}, "easy_read": {"Easy: " + idea}})
		mustStatus(t, r, http.StatusSeeOther)
	}
	rv, err := h.eng.GetRound(context.Background(), mustActor(t, h, c), rid)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, e := range rv.Agenda {
		ids[e.Proposal.Text] = e.ProposalID
	}
	// Merge two, split one, reword the result, hide and restore.
	r = c.get("/rounds/" + rid + "/merge")
	mustStatus(t, r, http.StatusOK)
	r = c.post("/rounds/"+rid+"/merge", url.Values{"proposal_ids": {ids["Longer opening hours"], ids["Open later in the evening"]}, "text": {"Open for longer, including evenings"}})
	mustStatus(t, r, http.StatusSeeOther)
	r = c.get("/rounds/" + rid + "/proposals/" + ids["A reading group; a toy library"] + "/split")
	mustStatus(t, r, http.StatusOK)
	r = c.post("/rounds/"+rid+"/proposals/"+ids["A reading group; a toy library"]+"/split", url.Values{"text_1": {"A reading group"}, "text_2": {"A toy library"}})
	mustStatus(t, r, http.StatusSeeOther)
	r = c.get("/rounds/" + rid + "/manage")
	mustStatus(t, r, http.StatusOK)
	for _, want := range []string{"Open for longer, including evenings", "A reading group", "A toy library"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("manage page lacks %q", want)
		}
	}
	reword := hrefs(r.Body, `/rounds/[^"]+/reword`)
	if len(reword) == 0 {
		t.Fatal("no reword links")
	}
	r = c.get(reword[0])
	mustStatus(t, r, http.StatusOK)
	r = c.post(reword[0], url.Values{"text": {"Open until 8pm on weekdays"}, "easy_read": {"Open later."}})
	mustStatus(t, r, http.StatusSeeOther)
	r = c.get("/rounds/" + rid + "/manage")
	hide := hrefs(r.Body, `/rounds/[^"]+/moderate`)
	r = c.get(hide[0])
	mustStatus(t, r, http.StatusOK)
	r = c.post(hide[0], url.Values{"action": {"hide"}, "reason": {""}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	r = c.post(hide[0], url.Values{"action": {"hide"}, "reason": {"Duplicate of another idea"}})
	mustStatus(t, r, http.StatusSeeOther)
	r = c.post(hide[0], url.Values{"action": {"restore"}, "reason": {"Shown again"}})
	mustStatus(t, r, http.StatusSeeOther)

	r = c.post("/rounds/"+rid+"/transition", url.Values{"to": {"rating"}})
	mustStatus(t, r, http.StatusSeeOther)
	// A transition the round cannot make is explained on the page.
	r = c.post("/rounds/"+rid+"/transition", url.Values{"to": {"open"}})
	mustStatus(t, r, http.StatusConflict)
	if !strings.Contains(r.Body, "There is a problem") {
		t.Errorf("conflict should show an error summary")
	}

	// Assisted rating for Bob.
	r = c.get("/rounds/" + rid + "/assist")
	mustStatus(t, r, http.StatusOK)
	r = c.get("/rounds/" + rid + "/assist?pick=1")
	mustStatus(t, r, http.StatusUnprocessableEntity)
	bob := regexp.MustCompile(`name="member_id" type="radio" value="([^"]+)"`).FindStringSubmatch(r.Body)
	if bob == nil {
		t.Fatalf("no member to pick:\n%s", excerpt(r.Body))
	}
	r = c.get("/rounds/" + rid + "/assist?pick=1&member_id=" + bob[1])
	mustStatus(t, r, http.StatusSeeOther)
	r = c.follow(r)
	mustStatus(t, r, http.StatusOK)
	choices := regexp.MustCompile(`name="(choice_[0-9a-f-]+)"`).FindAllStringSubmatch(r.Body, -1)
	if len(choices) == 0 {
		t.Fatalf("no rating groups:\n%s", excerpt(r.Body))
	}
	key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(r.Body)[1]
	assist := "/rounds/" + rid + "/assist/" + bob[1]
	r = c.post(assist, url.Values{"key": {key}, "mode": {"assisted"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	r = c.post(assist, url.Values{"key": {key}, "mode": {"assisted"}, choices[0][1]: {"5"}, "reason_" + strings.TrimPrefix(choices[0][1], "choice_"): {"Said so"}})
	mustStatus(t, r, http.StatusSeeOther)

	// Live views and role pages.
	for _, p := range []string{"/rounds/" + rid + "/dashboard", "/rounds/" + rid + "/projector", "/groups/" + gid + "/evaluation", "/groups/" + gid + "/members", "/rounds/" + rid} {
		mustStatus(t, c.get(p), http.StatusOK)
	}
	r = c.get("/rounds/" + rid + "/projector")
	if strings.Contains(r.Body, "Idea from") {
		t.Errorf("the projector view must not show names")
	}
	mustStatus(t, c.get("/groups/"+gid+"/safeguarding"), http.StatusForbidden)
	r = c.get("/rounds/" + rid + "/dashboard")
	for _, want := range []string{"out of 1 who can rate", `role="img"`, "Ratings of idea"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	r = c.post("/rounds/"+rid+"/transition", url.Values{"to": {"close"}})
	mustStatus(t, r, http.StatusSeeOther)

	// Decisions: one adopted, one to look at again.
	r = c.get("/rounds/" + rid + "/manage")
	decide := hrefs(r.Body, `/rounds/[^"]+/decision`)
	if len(decide) < 2 {
		t.Fatalf("want decision links for each idea, got %v", decide)
	}
	r = c.get(decide[0])
	mustStatus(t, r, http.StatusOK)
	r = c.post(decide[0], url.Values{"outcome": {"adopted"}, "rationale": {""}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, `href="#rationale"`) {
		t.Errorf("a decision without a reason should be refused at the rationale field")
	}
	r = c.post(decide[0], url.Values{"outcome": {"adopted"}, "rationale": {"Most people agreed and it is affordable."}})
	mustStatus(t, r, http.StatusSeeOther)
	r = c.post(decide[1], url.Values{"outcome": {"revisit"}, "rationale": {"We need to hear from carers."}, "review_date": {"not a date"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	r = c.post(decide[1], url.Values{"outcome": {"revisit"}, "rationale": {"We need to hear from carers."}})
	mustStatus(t, r, http.StatusSeeOther)
	r = c.follow(r)
	if !strings.Contains(r.Body, "Most people agreed and it is affordable.") || !strings.Contains(r.Body, "To look at again") {
		t.Errorf("manage page should show the decisions:\n%s", excerpt(r.Body))
	}

	// Round 2 carries forward what was not decided for good.
	r = c.post("/groups/"+gid+"/rounds/new", url.Values{"prompt": {"Round two: what else?"}, "carry_rules": {"carry_without_consensus"}})
	mustStatus(t, r, http.StatusSeeOther)
	r = c.follow(r)
	mustStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "We need to hear from carers.") && !strings.Contains(r.Body, "Being looked at again") {
		t.Errorf("round 2 should carry the revisited idea:\n%s", excerpt(r.Body))
	}
}

// mustActor returns the actor a client is signed in as.
func mustActor(t *testing.T, h *harness, c *client) engine.Actor {
	t.Helper()
	u, _ := url.Parse(h.base)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == SessionCookie {
			a, err := h.eng.Authenticate(context.Background(), ck.Value)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
	}
	t.Fatal("not signed in")
	return engine.Actor{}
}
