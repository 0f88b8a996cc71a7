package api

import (
	"net/http"
	"slices"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// TestStory runs a co-design group's first two rounds through the API on
// both databases: sign up, group, invites, joins, proposing, rating, a
// changed mind, decisions, carrying forward and revisiting.
func TestStory(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		s := newServer(t, db)
		fac, _ := s.account("Fran Facilitator")

		var me engine.Me
		s.ok(call{method: http.MethodGet, path: "/auth/me", token: fac}, http.StatusOK, &me)
		if me.Account == nil || me.Account.Name != "Fran Facilitator" {
			t.Fatalf("whoami = %+v", me)
		}

		pct := 75.0
		g := s.group(fac, &settingsRequest{Scale: engine.ScaleLikert5,
			Perspectives:  []string{"lived experience", "carer", "practitioner"},
			ConsensusRule: &ruleRequest{MinPercentAgree: &pct, MinRaters: 3}})

		// Three single-use invites; each person previews, then joins.
		names := []string{"Ada", "Bea", "Cal"}
		perspectives := []string{"lived experience", "carer", "practitioner"}
		tokens := make([]string, 3)
		members := make([]*engine.Member, 3)
		for i := range names {
			inv := s.invite(fac, g.ID, inviteRequest{Kind: engine.InviteSingleUse, Label: names[i]})
			var pv engine.InvitePreview
			s.ok(call{method: http.MethodPost, path: "/invites/preview", body: inviteTokenRequest{Token: inv}}, http.StatusOK, &pv)
			if pv.GroupName != g.Name || pv.Role != engine.RoleMember {
				t.Fatalf("preview = %+v", pv)
			}
			members[i], tokens[i] = s.join(inv, names[i], perspectives[i])
			// A single-use invite works once.
			r := s.do(call{method: http.MethodPost, path: "/join", body: joinRequest{Token: inv, DisplayName: "Again"}})
			if r.status != http.StatusNotFound && r.status != http.StatusConflict {
				t.Fatalf("second use of a single-use invite: %d %s", r.status, r.body)
			}
		}
		var invites listBody[*engine.Invite]
		s.ok(call{method: http.MethodGet, path: "/groups/" + g.ID + "/invites", token: fac}, http.StatusOK, &invites)
		if len(invites.Items) != 3 {
			t.Fatalf("%d invites, want 3", len(invites.Items))
		}
		var ms listBody[engine.MemberView]
		s.ok(call{method: http.MethodGet, path: "/groups/" + g.ID + "/members", token: tokens[0]}, http.StatusOK, &ms)
		if len(ms.Items) != 4 {
			t.Fatalf("%d members, want facilitator + 3", len(ms.Items))
		}

		// Round 1: proposing, then rating.
		r1 := s.round(fac, g.ID, "How should the drop-in centre change?")
		s.transition(fac, r1.ID, "open")
		texts := []string{"Open on Saturdays", "Move to the high street", "Close the café"}
		props := make([]*engine.Proposal, 3)
		for i, text := range texts {
			props[i] = s.propose(tokens[i], r1.ID, text)
		}
		s.transition(fac, r1.ID, "rating")
		// Saturdays: agreement. High street: split. Café: agreement against.
		values := [][]int{{5, 5, 4}, {1, 5, 3}, {1, 1, 2}}
		for p := range props {
			for m := range members {
				var res engine.RatingResult
				s.ok(call{method: http.MethodPost, path: "/rounds/" + r1.ID + "/ratings", token: tokens[m],
					header: map[string]string{"Idempotency-Key": unique("r1-")},
					body:   ratingRequest{ProposalID: props[p].ID, Value: intp(values[p][m]), Reason: "because"}}, http.StatusCreated, &res)
				if res.Changed || res.Replayed || *res.Event.Value != values[p][m] {
					t.Fatalf("first rating = %+v", res)
				}
			}
		}
		// Cal changes their mind on the high street, saying why.
		var changed engine.RatingResult
		s.ok(call{method: http.MethodPost, path: "/rounds/" + r1.ID + "/ratings", token: tokens[2],
			body: ratingRequest{ProposalID: props[1].ID, Value: intp(4), Reason: "Heard about the bus routes",
				ChangeCategory: engine.ChangeDiscussion}}, http.StatusCreated, &changed)
		if !changed.Changed || changed.Event.PreviousEventID == "" || changed.Event.ChangeCategory != engine.ChangeDiscussion {
			t.Fatalf("changed rating = %+v", changed.Event)
		}
		s.transition(fac, r1.ID, "close")

		// Decisions on the two items with consensus; the split one stays open.
		for _, d := range []decisionRequest{
			{ProposalID: props[0].ID, Outcome: engine.DecisionAdopted, Rationale: "Everyone agreed"},
			{ProposalID: props[2].ID, Outcome: engine.DecisionNotAdopted, Rationale: "Everyone disagreed"},
		} {
			var dec engine.Decision
			s.ok(call{method: http.MethodPost, path: "/rounds/" + r1.ID + "/decisions", token: fac, body: d}, http.StatusCreated, &dec)
			if dec.Outcome != d.Outcome || dec.Evidence.RuleVersion != 1 || dec.Evidence.NRated != 3 {
				t.Fatalf("decision = %+v", dec)
			}
		}
		var decisions listBody[*engine.Decision]
		s.ok(call{method: http.MethodGet, path: "/groups/" + g.ID + "/decisions", token: tokens[1]}, http.StatusOK, &decisions)
		if len(decisions.Items) != 2 {
			t.Fatalf("%d decisions, want 2", len(decisions.Items))
		}
		if v := decisions.Items[0].Evidence.Verdict; v != engine.VerdictConsensusFor {
			t.Errorf("adopted proposal's verdict = %q, want %s", v, engine.VerdictConsensusFor)
		}

		// Round 2 carries the undecided proposal forward.
		r2 := s.round(fac, g.ID, "Round 2: what is still open?")
		var view engine.RoundView
		s.ok(call{method: http.MethodGet, path: "/rounds/" + r2.ID, token: tokens[0]}, http.StatusOK, &view)
		if len(view.Agenda) != 1 || view.Agenda[0].ProposalID != props[1].ID || view.Agenda[0].Source != engine.AgendaCarried ||
			view.Agenda[0].BaselineRoundID != r1.ID {
			t.Fatalf("round 2 agenda = %+v", view.Agenda)
		}
		// The adopted decision is revisited.
		s.ok(call{method: http.MethodPost, path: "/rounds/" + r2.ID + "/agenda", token: fac, body: revisitRequest{ProposalID: props[0].ID}}, http.StatusNoContent, nil)
		s.ok(call{method: http.MethodGet, path: "/rounds/" + r2.ID, token: tokens[0]}, http.StatusOK, &view)
		sources := map[string]string{}
		for _, it := range view.Agenda {
			sources[it.ProposalID] = it.Source
		}
		if sources[props[0].ID] != engine.AgendaRevisit || sources[props[1].ID] != engine.AgendaCarried || len(sources) != 2 {
			t.Fatalf("round 2 agenda after revisit = %v", sources)
		}
		s.transition(fac, r2.ID, "rating")
		// Delphi feedback: each member sees their own previous rating next
		// to the group's previous distribution for both agenda items.
		finalR1 := [][]int{values[0], {1, 5, 4}} // Cal changed their mind on the high street
		for m := range members {
			var mine listBody[engine.MyRating]
			s.ok(call{method: http.MethodGet, path: "/rounds/" + r2.ID + "/my-ratings", token: tokens[m]}, http.StatusOK, &mine)
			if len(mine.Items) != 2 {
				t.Fatalf("%s sees %d agenda items", names[m], len(mine.Items))
			}
			for _, it := range mine.Items {
				i := slices.IndexFunc(props[:2], func(p *engine.Proposal) bool { return p.ID == it.ProposalID })
				if i < 0 || it.BaselineRoundID != r1.ID || it.Current != nil || it.Previous == nil || *it.Previous.Value != finalR1[i][m] {
					t.Fatalf("%s's view of %v: %+v (previous %+v)", names[m], it.ProposalID, it, it.Previous)
				}
				if it.PreviousResults == nil || !it.PreviousResults.Visible || it.PreviousResults.NRated != 3 {
					t.Fatalf("%s: previous distribution of %s = %+v", names[m], it.ProposalID, it.PreviousResults)
				}
			}
		}

		// Members rate again; a reflection; the audit trail records it all.
		for m := range members {
			s.ok(call{method: http.MethodPost, path: "/rounds/" + r2.ID + "/ratings", token: tokens[m],
				body: ratingRequest{ProposalID: props[1].ID, Pass: m == 0, Value: map[bool]*int{true: nil, false: intp(4)}[m == 0]}}, http.StatusCreated, nil)
		}
		s.ok(call{method: http.MethodPost, path: "/rounds/" + r2.ID + "/reflections", token: tokens[0], body: reflectionRequest{Text: "Easier this time"}}, http.StatusCreated, nil)
		var refl listBody[*engine.Reflection]
		s.ok(call{method: http.MethodGet, path: "/groups/" + g.ID + "/reflections", token: fac}, http.StatusOK, &refl)
		if len(refl.Items) != 1 {
			t.Fatalf("%d reflections", len(refl.Items))
		}
		var rounds listBody[*engine.Round]
		s.ok(call{method: http.MethodGet, path: "/groups/" + g.ID + "/rounds", token: tokens[2]}, http.StatusOK, &rounds)
		if len(rounds.Items) != 2 || rounds.Items[0].State != engine.RoundClosed || rounds.Items[1].State != engine.RoundRating {
			t.Fatalf("rounds = %+v", rounds.Items)
		}

		// The audit log pages through every event, without content.
		var actions []string
		after := ""
		for pages := 0; ; pages++ {
			var page pageBody[*engine.AuditEvent]
			path := "/groups/" + g.ID + "/audit?limit=7"
			if after != "" {
				path += "&after=" + after
			}
			s.ok(call{method: http.MethodGet, path: path, token: fac}, http.StatusOK, &page)
			for _, ev := range page.Items {
				actions = append(actions, ev.Action)
			}
			if page.NextAfter == "" {
				break
			}
			if pages > 100 {
				t.Fatal("audit pagination does not end")
			}
			after = page.NextAfter
		}
		for _, want := range []string{"group.created", "invite.created", "member.joined", "round.created", "round.open",
			"proposal.created", "rating.submitted", "round.close", "decision.adopted", "agenda.revisit", "reflection.created"} {
			if !slices.Contains(actions, want) {
				t.Errorf("audit lacks %s (has %d events)", want, len(actions))
			}
		}
		if n := count(actions, "rating.submitted"); n != 9+1+3 {
			t.Errorf("%d rating.submitted audit events, want 13", n)
		}

		// Logging out ends the session.
		s.ok(call{method: http.MethodPost, path: "/auth/logout", token: tokens[0]}, http.StatusNoContent, nil)
		if r := s.do(call{method: http.MethodGet, path: "/auth/me", token: tokens[0]}); r.status != http.StatusUnauthorized {
			t.Fatalf("after logout: %d %s", r.status, r.body)
		}
	})
}

func count(xs []string, x string) int {
	n := 0
	for _, y := range xs {
		if y == x {
			n++
		}
	}
	return n
}
