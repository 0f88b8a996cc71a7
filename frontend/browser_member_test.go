package frontend

import (
	"context"
	"testing"

	"github.com/allvoice/allvoice/engine"
)

// TestBrowserMemberJourney walks the whole member journey in Chromium with
// the keyboard only — Tab, arrow keys, Space, Enter and typing — with
// JavaScript on and with it off. axe-core checks every page.
func TestBrowserMemberJourney(t *testing.T) {
	for _, jsOff := range []bool{false, true} {
		name := "javascript"
		if jsOff {
			name = "no-javascript"
		}
		t.Run(name, func(t *testing.T) { memberJourney(t, jsOff) })
	}
}

func memberJourney(t *testing.T, jsOff bool) {
	h := newHarness(t)
	w := h.newWorld(engine.TransitionOpen, engine.GroupSettings{
		GroundRules: "Listen to each other.\n\nEveryone's experience counts. You can always pass."})
	ctx := context.Background()
	_, samTok, err := h.eng.Join(ctx, engine.Actor{}, engine.JoinInput{Token: w.inviteToken, DisplayName: "Sam", Perspective: "Practitioner"})
	if err != nil {
		t.Fatal(err)
	}
	sam, _ := h.eng.Authenticate(ctx, samTok)
	if _, err := h.eng.AddProposal(ctx, sam, w.round.ID, engine.ProposalInput{Text: "Longer opening hours, including some evenings",
		EasyRead: "Open for more hours each day."}); err != nil {
		t.Fatal(err)
	}
	name := "member"
	if jsOff {
		name = "member-nojs"
	}
	b := newTab(t, h, name, jsOff)
	shot := func(n string) {
		if !jsOff {
			b.screenshot("member-" + n)
		}
	}
	submit := `main form button[type=submit]:not([name=back])`

	// Joining: the link, then one question per page.
	b.visit("/join/"+w.inviteToken, "Day centre redesign")
	b.mustSee("Listen to each other.", "You can always choose 'pass'.", "If something worries you")
	b.check("join: welcome")
	shot("01-join-welcome")
	b.activate(`main a[href$="?step=name"]`)
	b.waitPage(`^/join/`, "What name do you want to use?")
	b.check("join: name")
	b.activate(submit)
	b.waitFor(`document.querySelector("[data-error-summary]")`, "error summary")
	b.check("join: name, with an error")
	shot("02-join-name-error")
	b.activate(`.error-summary a[href="#display_name"]`)
	if !jsOff {
		b.waitFor(`document.activeElement.id === "display_name"`, "focus on the name field")
	}
	b.fill("#display_name", "Ann")
	b.activate(submit)
	b.waitPage(`^/join/`, "Which of these describes you best?")
	b.check("join: perspective")
	b.choose("perspective", "Carer")
	b.activate(submit)
	b.waitPage(`^/join/`, "Is there anything that would help you take part?")
	b.check("join: access needs")
	b.fill("#access_needs", "Large text please")
	b.activate(submit)
	b.waitPage(`^/join/`, "Research and your answers")
	b.check("join: consent")
	b.tick("#research_consent")
	b.activate(submit)
	b.waitPage(`^/groups/[0-9a-f-]+$`, "Day centre redesign")
	b.mustSee("You have joined the group. Welcome!", "Round 1")
	b.check("group home")
	shot("03-group")

	// The round: propose an idea.
	b.activate(`main a.button[href="/rounds/` + w.round.ID + `"]`)
	b.waitPage(`^/rounds/[0-9a-f-]+$`, "Round 1")
	b.check("round, proposing")
	b.activate(`main a[href$="/propose"]`)
	b.waitPage(`/propose$`, "What is your idea?")
	b.check("propose")
	shot("04-propose")
	b.fill("#text", "A quiet room for people who need a break")
	b.activate(submit)
	b.waitPage(`^/rounds/[0-9a-f-]+$`, "Round 1")
	b.mustSee("Thank you. Your idea has been added.", "A quiet room for people who need a break", "Your idea")

	// The facilitator opens rating; the member reloads the round.
	if _, err := h.eng.TransitionRound(ctx, w.facilitator, w.round.ID, engine.TransitionRating); err != nil {
		t.Fatal(err)
	}
	b.visit("/rounds/"+w.round.ID, "Round 1")
	b.mustSee("You can rate ideas now.", "Not rated yet", "Easy Read", "Open for more hours each day.")
	b.check("round, rating")
	shot("05-round")

	// Rate the first idea: forget to choose, then choose with a reason.
	b.activate(`main a.button[href$="/rate"]`)
	b.waitPage(`/rate$`, "What do you think of this idea?")
	b.mustSee("Idea 1 of 2", "Easy Read", "Pass")
	b.check("rate")
	shot("06-rate")
	b.activate(submit)
	b.waitFor(`document.querySelector("[data-error-summary]")`, "error summary")
	b.check("rate, with an error")
	shot("07-rate-error")
	b.choose("choice", "4")
	b.fill("#reason", "It would help carers who work")
	b.activate(submit)
	b.waitPage(`/rated$`, "Your rating is saved")
	b.mustSee("You chose: 4 – Agree.", "How the group rated this idea", "100% agree")
	b.check("rated, with the group's results")
	shot("08-rated")

	// Change it, saying what changed their mind.
	b.activate(`main a.button--secondary[href$="/rate"]`)
	b.waitPage(`/rate$`, "Change your rating")
	b.mustSee("Your rating now: 4 – Agree.")
	b.check("change rating")
	b.choose("choice", "pass")
	b.choose("change_category", "discussion")
	b.activate(submit)
	b.waitPage(`/rated$`, "Your new rating is saved")
	b.mustSee("You chose: Pass.")
	b.check("rated after a change")

	// The next idea, then the round shows both as done.
	b.activate(`main a.button:not(.button--secondary)[href$="/rate"]`)
	b.waitPage(`/rate$`, "What do you think of this idea?")
	b.mustSee("Idea 2 of 2", "A quiet room for people who need a break")
	b.choose("choice", "5")
	b.activate(submit)
	b.waitPage(`/rated$`, "Your rating is saved")
	b.mustSee("That was the last idea in this round.")
	b.activate(`main a.button[href="/rounds/` + w.round.ID + `"]`)
	b.waitPage(`^/rounds/[0-9a-f-]+$`, "Round 1")
	b.mustSee("You passed", "You have rated this")

	// What happened to my input, help, and details.
	b.activate(`nav a[href$="/my-input"]`)
	b.waitPage(`/my-input$`, "What happened to your input")
	b.mustSee("A quiet room for people who need a break", "On the agenda", "Your ratings", "5 – Strongly agree", "Pass")
	b.check("what happened to my input")
	shot("09-my-input")
	b.activate(`nav a[href$="/help"]`)
	b.waitPage(`/help$`, "Get help or raise a worry")
	b.mustSee("Fran Facilitator", "call 999")
	b.check("help")
	shot("10-help")
	b.activate(`nav a[href^="/groups/"]:not([href$="/my-input"]):not([href$="/help"])`)
	b.waitPage(`^/groups/[0-9a-f-]+$`, "Day centre redesign")
	b.activate(`main a[href$="/me"]`)
	b.waitPage(`/me$`, "Your details")
	b.check("your details")
	b.activate(`nav button[type=submit]`)
	b.waitPage(`^/$`, "Have your say")
	b.mustSee("You have signed out.")
	b.check("start, signed out")
}
