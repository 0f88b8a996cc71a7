package frontend

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
)

// TestMyDataPages: from "what happened to my input" a member reaches a
// page with everything the group holds about them, and a JSON download of
// it; other people's words are on neither.
func TestMyDataPages(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld(engine.TransitionOpen, engine.GroupSettings{Anonymous: true})
	ctx := context.Background()
	_, tok, err := h.eng.Join(ctx, engine.Actor{}, engine.JoinInput{Token: w.inviteToken, DisplayName: "Qirin Mydata",
		Perspective: "Carer", AccessNeeds: "Needs-marker large print", ResearchConsent: true})
	if err != nil {
		t.Fatal(err)
	}
	me, _ := h.eng.Authenticate(ctx, tok)
	_, otherTok, err := h.eng.Join(ctx, engine.Actor{}, engine.JoinInput{Token: w.inviteToken, DisplayName: "Zed Otherperson"})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := h.eng.Authenticate(ctx, otherTok)
	p, err := h.eng.AddProposal(ctx, me, w.round.ID, engine.ProposalInput{Text: "Idea-marker: a quiet room"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.eng.TransitionRound(ctx, w.facilitator, w.round.ID, engine.TransitionRating); err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		a      engine.Actor
		v      int
		reason string
	}{{me, 4, "Mine-reason-marker"}, {other, 2, "Other-reason-marker"}} {
		if _, err := h.eng.SubmitRating(ctx, r.a, engine.RatingInput{RoundID: w.round.ID, ProposalID: p.ID, Value: &r.v, Reason: r.reason}); err != nil {
			t.Fatal(err)
		}
	}

	if _, err := h.eng.SaveCheckIn(ctx, me, w.round.ID, engine.CheckInInput{Zone: engine.CheckInStretch}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.eng.RaiseConcern(ctx, me, w.group.ID, engine.ConcernInput{Text: "Concern-marker: too loud"}); err != nil {
		t.Fatal(err)
	}
	c := h.client().signedIn(tok)
	input := c.get("/groups/" + w.group.ID + "/my-input")
	mustStatus(t, input, http.StatusOK)
	link := `href="/groups/` + w.group.ID + `/me/data"`
	if !strings.Contains(input.Body, link) {
		t.Fatalf("my input does not link to the member's data:\n%s", excerpt(input.Body))
	}
	page := c.get("/groups/" + w.group.ID + "/me/data")
	mustStatus(t, page, http.StatusOK)
	for _, want := range []string{"Qirin Mydata", "Needs-marker large print", "Idea-marker: a quiet room", "Mine-reason-marker",
		`href="/groups/` + w.group.ID + `/me/data.json"`, `href="/groups/` + w.group.ID + `/me/erase"`, "member.joined",
		"Stretched", "Concern-marker: too loud"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the data page lacks %q", want)
		}
	}
	for _, never := range []string{"Zed Otherperson", "Other-reason-marker", "Fran Facilitator"} {
		if strings.Contains(page.Body, never) {
			t.Errorf("the data page shows %q, someone else's", never)
		}
	}

	file := c.get("/groups/" + w.group.ID + "/me/data.json")
	mustStatus(t, file, http.StatusOK)
	if cd := file.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, w.group.ID) {
		t.Errorf("Content-Disposition %q", cd)
	}
	if ct := file.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || file.Header.Get("Cache-Control") != "no-store" ||
		file.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("download headers: %v", file.Header)
	}
	var d engine.MyData
	if err := json.Unmarshal([]byte(file.Body), &d); err != nil {
		t.Fatal(err)
	}
	if d.Member.DisplayName != "Qirin Mydata" || len(d.Ratings) != 1 || d.Ratings[0].Reason != "Mine-reason-marker" || len(d.Proposals) != 1 {
		t.Errorf("downloaded data: %s", file.Body)
	}
	if strings.Contains(file.Body, "Other-reason-marker") || strings.Contains(file.Body, "Zed Otherperson") {
		t.Error("the download holds someone else's data")
	}

	// Signed out, the pages send people to sign in; an outsider finds nothing.
	mustStatus(t, h.client().get("/groups/"+w.group.ID+"/me/data"), http.StatusSeeOther)
	mustStatus(t, h.client().get("/groups/"+w.group.ID+"/me/data.json"), http.StatusSeeOther)
}

// TestErasePages: a member erases themselves after ticking a confirmation,
// without JavaScript, and is signed out for good; a facilitator erases a
// member on request from the members page; the erased member's idea stays,
// credited to a former member.
func TestErasePages(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld(engine.TransitionOpen, engine.GroupSettings{})
	ctx := context.Background()
	join := func(name string) (engine.Actor, string) {
		m, tok, err := h.eng.Join(ctx, engine.Actor{}, engine.JoinInput{Token: w.inviteToken, DisplayName: name})
		if err != nil {
			t.Fatal(err)
		}
		return engine.Actor{MemberID: m.ID}, tok
	}
	self, selfTok := join("Ulla Selferase")
	asked, _ := join("Vic Askederase")
	_, bystanderTok := join("Wyn Bystander")
	if _, err := h.eng.AddProposal(ctx, asked, w.round.ID, engine.ProposalInput{Text: "Keep the garden open"}); err != nil {
		t.Fatal(err)
	}
	_ = self

	g := "/groups/" + w.group.ID
	c := h.client().signedIn(selfTok)
	form := c.get(g + "/me/erase")
	mustStatus(t, form, http.StatusOK)
	if !strings.Contains(form.Body, "cannot be undone") || !strings.Contains(form.Body, `name="confirm"`) {
		t.Errorf("the erasure page should explain and ask for confirmation:\n%s", excerpt(form.Body))
	}
	r := c.post(g+"/me/erase", nil)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, `href="#confirm"`) {
		t.Errorf("an unconfirmed erasure should link to the box in the error summary:\n%s", excerpt(r.Body))
	}
	r = c.post(g+"/me/erase", url.Values{"confirm": {"yes"}})
	mustStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/?done=erased" {
		t.Errorf("after erasure: redirect to %q", loc)
	}
	cleared := false
	for _, ck := range r.Cookies() {
		cleared = cleared || ck.Name == SessionCookie && ck.Value == ""
	}
	if !cleared {
		t.Error("erasure should clear the session cookie")
	}
	// The old session does not work any more, even replayed.
	mustStatus(t, h.client().signedIn(selfTok).get(g), http.StatusSeeOther)

	// A member cannot erase someone else; a facilitator can.
	mustStatus(t, h.client().signedIn(bystanderTok).get(g+"/members/"+asked.MemberID+"/erase"), http.StatusForbidden)
	fc := h.client().signedIn(w.facilitatorTok)
	list := fc.get(g + "/members")
	if !strings.Contains(list.Body, g+"/members/"+asked.MemberID+"/erase") {
		t.Fatalf("the members page does not offer erasure:\n%s", excerpt(list.Body))
	}
	confirm := fc.get(g + "/members/" + asked.MemberID + "/erase")
	mustStatus(t, confirm, http.StatusOK)
	if !strings.Contains(confirm.Body, "Vic Askederase") {
		t.Error("the confirmation should name the member")
	}
	mustStatus(t, fc.post(g+"/members/"+asked.MemberID+"/erase", nil), http.StatusUnprocessableEntity)
	r = fc.post(g+"/members/"+asked.MemberID+"/erase", url.Values{"confirm": {"yes"}})
	mustStatus(t, r, http.StatusSeeOther)
	list = fc.follow(r)
	if strings.Contains(list.Body, "Vic Askederase") || strings.Contains(list.Body, "Ulla Selferase") || !strings.Contains(list.Body, "The member has been erased.") {
		t.Errorf("the members page after erasure:\n%s", excerpt(list.Body))
	}
	mustStatus(t, fc.get(g+"/members/"+asked.MemberID+"/erase"), http.StatusNotFound)
	round := h.client().signedIn(bystanderTok).get("/rounds/" + w.round.ID)
	if !strings.Contains(round.Body, "Keep the garden open") || !strings.Contains(round.Body, "From a former member") || strings.Contains(round.Body, "Vic Askederase") {
		t.Errorf("the erased member's idea should stay, from a former member:\n%s", excerpt(round.Body))
	}
}
