package frontend

import (
	"context"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
)

// TestBrowserFacilitatorJourney walks a facilitator's work in Chromium with
// the keyboard only, with JavaScript on and off: create an account and a
// group, invite people, add someone in the room, run a round (ideas,
// rewording, rating), enter ratings with someone, watch the dashboard,
// close the round and record a decision. axe-core checks every page.
func TestBrowserFacilitatorJourney(t *testing.T) {
	for _, jsOff := range []bool{false, true} {
		name := "javascript"
		if jsOff {
			name = "no-javascript"
		}
		t.Run(name, func(t *testing.T) { facilitatorJourney(t, jsOff) })
	}
}

func facilitatorJourney(t *testing.T, jsOff bool) {
	h := newHarness(t)
	name := "facilitator"
	if jsOff {
		name = "facilitator-nojs"
	}
	b := newTab(t, h, name, jsOff)
	shot := func(n string) {
		if !jsOff {
			b.screenshot("facilitator-" + n)
		}
	}
	submit := `main form button[type=submit]`
	ctx := context.Background()

	b.visit("/", "Have your say")
	b.check("start")
	shot("01-start")
	b.activate(`main a[href="/signup"]`)
	b.waitPage(`^/signup$`, "Create an account")
	b.check("sign up")
	b.fill("#name", "Fran Facilitator")
	b.fill("#email", "fran@example.org")
	b.fill("#password", "short")
	b.activate(submit)
	b.waitFor(`document.querySelector("[data-error-summary]")`, "error summary")
	b.check("sign up, with an error")
	shot("02-signup-error")
	b.fill("#password", "correct horse battery staple")
	b.activate(submit)
	b.waitPage(`^/groups$`, "Your groups")
	b.mustSee("Your account has been created")
	b.check("groups, empty")

	// A group with perspectives and an anonymous rating.
	b.activate(`main a[href="/groups/new"]`)
	b.waitPage(`^/groups/new$`, "Create a group")
	b.check("new group")
	shot("03-group-form")
	b.fill("#name", "Library co-design")
	b.fill("#description", "Designing the new library with the people who use it.")
	b.fill("#ground_rules", "Listen first. Every voice counts.")
	b.choose("scale", "likert5")
	b.fill("#perspectives", "Lived experience\nCarer\nPractitioner")
	b.tick("#anonymous")
	b.fill("#min_cell_size", "3")
	b.activate(`main form button[type=submit]`)
	b.waitPage(`^/groups/[0-9a-f-]+$`, "Library co-design")
	b.mustSee("The group has been created.")
	b.check("group home")
	shot("04-group")
	groupPath := b.location()
	groupPath = strings.SplitN(groupPath, "?", 2)[0]

	// Invite people.
	b.activate(`main a[href$="/invites"]`)
	b.waitPage(`/invites$`, "Invite people")
	b.check("invites, none yet")
	b.activate(`main a[href$="/invites/new"]`)
	b.waitPage(`/invites/new$`, "Create an invite link")
	b.check("new invite")
	b.choose("kind", "reusable")
	b.fill("#label", "Tuesday workshop")
	b.activate(submit)
	b.waitPage(`/invites/new$`, "Your invite link is ready")
	b.check("invite created")
	shot("05-invite-created")
	link := eval[string](b, `document.getElementById("invite-link").innerText`)
	token := link[strings.LastIndex(link, "/")+1:]
	b.activate(`main a.button[href$="/invites"]`)
	b.waitPage(`/invites$`, "Invite people")
	b.mustSee("Tuesday workshop", "Working")
	b.check("invites, one working")

	// Someone without a device, added in the room.
	b.visit(groupPath+"/members", "Members and roles")
	b.check("members")
	b.activate(`main a[href$="/members/new"]`)
	b.waitPage(`/members/new$`, "Add someone in the room")
	b.check("add member")
	b.fill("#display_name", "Bob")
	b.choose("perspective", "Lived experience")
	b.activate(submit)
	b.waitPage(`/members$`, "Members and roles")
	b.mustSee("Bob", "The member has been added.")

	// A round: create, open for ideas, add one.
	b.activate(`main a.back-link`)
	b.waitPage(`^/groups/[0-9a-f-]+$`, "Library co-design")
	b.activate(`main a[href$="/rounds/new"]`)
	b.waitPage(`/rounds/new$`, "Create a round")
	b.check("new round")
	b.fill("#prompt", "What should the new library offer?")
	b.activate(submit)
	b.waitPage(`/manage$`, "Manage round 1")
	b.mustSee("The round has been created as a draft.", "Not started")
	b.check("manage, draft")
	roundPath := strings.TrimSuffix(strings.SplitN(b.location(), "?", 2)[0], "/manage")
	b.activate(`main form[action$="/transition"] button`)
	b.waitFor(`document.querySelector("main").innerText.includes("The round is open for ideas.")`, "round open")
	b.check("manage, open for ideas")
	b.activate(`main a[href$="/propose"]`)
	b.waitPage(`/propose$`, "What is your idea?")
	b.check("propose, facilitator")
	b.fill("#text", "A quiet study room")
	b.fill("#easy_read", "A room to work in quiet.")
	b.activate(submit)
	b.waitPage(`^/rounds/[0-9a-f-]+$`, "Round 1")

	// A member joins with the invite and shares an idea meanwhile.
	rid := roundPath[strings.LastIndex(roundPath, "/")+1:]
	_, mtok, err := h.eng.Join(ctx, engine.Actor{}, engine.JoinInput{Token: token, DisplayName: "Ann", Perspective: "Carer"})
	if err != nil {
		t.Fatal(err)
	}
	ann, _ := h.eng.Authenticate(ctx, mtok)
	if _, err := h.eng.AddProposal(ctx, ann, rid, engine.ProposalInput{Text: "Opening late on thursdays"}); err != nil {
		t.Fatal(err)
	}

	// Reword the member's idea, then open rating.
	b.visit(roundPath+"/manage", "Manage round 1")
	b.mustSee("Opening late on thursdays", "Idea from Ann")
	b.activate(`main li.card:nth-of-type(2) a[href$="/reword"]`)
	b.waitPage(`/reword$`, "Reword this idea")
	b.check("reword")
	b.fill("#text", "Open late on Thursdays")
	b.activate(submit)
	b.waitPage(`/manage$`, "Manage round 1")
	b.mustSee("The idea has been reworded.", "Open late on Thursdays")
	b.activate(`main form[action$="/transition"]:first-of-type button`)
	b.waitFor(`document.querySelector("main").innerText.includes("The round is open for rating.")`, "rating open")
	b.check("manage, rating")
	shot("06-manage")

	// Enter Bob's ratings with him.
	b.activate(`main a[href$="/assist"]`)
	b.waitPage(`/assist$`, "Whose ratings are you entering?")
	b.check("assist: pick a member")
	bobID := eval[string](b, `Array.from(document.querySelectorAll('input[name=member_id]')).find(i => i.labels[0].innerText === "Bob").value`)
	b.choose("member_id", bobID)
	b.activate(submit)
	b.waitPage(`/assist/[0-9a-f-]+$`, "Ratings for Bob")
	b.check("assist: ratings")
	shot("07-assist")
	first := eval[string](b, `document.querySelector('input[name^=choice_]').name`)
	b.choose(first, "5")
	b.fill("#reason_"+strings.TrimPrefix(first, "choice_"), "Bob said it matters most")
	b.activate(`main form button[type=submit]`)
	b.waitPage(`/assist$`, "Whose ratings are you entering?")
	b.mustSee("The ratings have been saved.")

	// Ann rates too, and the live dashboard shows both.
	rv, err := h.eng.GetRound(ctx, ann, rid)
	if err != nil {
		t.Fatal(err)
	}
	four := 4
	if _, err := h.eng.SubmitRating(ctx, ann, engine.RatingInput{RoundID: rid, ProposalID: rv.Agenda[0].ProposalID, Value: &four}); err != nil {
		t.Fatal(err)
	}
	b.visit(roundPath+"/manage", "Manage round 1")
	b.activate(`main a[href$="/dashboard"]`)
	b.waitPage(`/dashboard$`, "Live dashboard: round 1")
	b.mustSee("rated or passed, out of 2 who can rate", "Ratings of idea 1", "5 – Strongly agree: 1 person", "4 – Agree: 1 person")
	b.check("dashboard")
	shot("08-dashboard")
	b.activate(`main a[href$="/projector"]`)
	b.waitPage(`/projector$`, "Round 1")
	if strings.Contains(b.text(), "Ann") || strings.Contains(b.text(), "Bob") || strings.Contains(b.text(), "Fran") {
		t.Errorf("%s: the projector view shows a name", b.name)
	}
	b.check("projector")
	shot("09-projector")

	// Close the round and record a decision with its reason.
	b.visit(roundPath+"/manage", "Manage round 1")
	b.activate(`main form[action$="/transition"] button.button--warning`)
	b.waitFor(`document.querySelector("main").innerText.includes("The round is closed.")`, "round closed")
	b.activate(`main a[href$="/decision"]`)
	b.waitPage(`/decision$`, "Record a decision")
	b.check("decision")
	b.choose("outcome", "adopted")
	b.fill("#rationale", "Both people in the room agreed and it costs little.")
	b.activate(submit)
	b.waitPage(`/manage$`, "Manage round 1")
	b.mustSee("The decision has been recorded.", "Adopted", "Both people in the room agreed and it costs little.")
	b.check("manage, closed with a decision")

	// The member sees what happened to their input.
	mc := h.client().signedIn(mtok)
	page := mc.get(strings.TrimSuffix(groupPath, "/") + "/my-input")
	if !strings.Contains(page.Body, "Open late on Thursdays") || !strings.Contains(page.Body, "A facilitator reworded it") {
		t.Errorf("the member's input page should show the rewording:\n%s", excerpt(page.Body))
	}

	// Settings, evaluation, sign out.
	b.visit(groupPath, "Library co-design")
	b.activate(`main a[href$="/settings"]`)
	b.waitPage(`/settings$`, "Group settings")
	b.check("settings")
	b.activate(`main a.back-link`)
	b.waitPage(`^/groups/[0-9a-f-]+$`, "Library co-design")
	b.activate(`main a[href$="/evaluation"]`)
	b.waitPage(`/evaluation$`, "Evaluation")
	b.check("evaluation")
	b.activate(`nav button[type=submit]`)
	b.waitPage(`^/$`, "Have your say")
}
