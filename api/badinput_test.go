package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// testClock is an engine clock the test can move forward.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *testClock) advance(d time.Duration) { c.offset.Add(int64(d)) }

func withClock(c *testClock) option {
	return func(e *engine.Config, _ *Config) { e.Now = c.now }
}

// badFixture is a group with a round open for rating, and a second group
// whose round is closed, for the bad-input table.
type badFixture struct {
	fac, memberA, memberC           string // tokens
	groupID, roundID, closedRoundID string
	p1, p2, q1                      string // p1, p2 in the open round; q1 in the other group's closed round
	revokedInvite, expiredInvite    string
}

func newBadFixture(t *testing.T, s *server, clock *testClock) *badFixture {
	f := &badFixture{}
	f.fac, _ = s.account("Facilitator")
	g := s.group(f.fac, &settingsRequest{Scale: engine.ScaleLikert5, Perspectives: []string{"carer", "practitioner"}})
	f.groupID = g.ID
	_, f.memberA = s.join(s.invite(f.fac, g.ID, inviteRequest{}), "Ada", "carer")
	_, memberB := s.join(s.invite(f.fac, g.ID, inviteRequest{}), "Bea", "")
	r := s.round(f.fac, g.ID, "What next?")
	f.roundID = r.ID
	s.transition(f.fac, r.ID, "open")
	f.p1 = s.propose(f.memberA, r.ID, "One").ID
	f.p2 = s.propose(memberB, r.ID, "Two").ID
	s.transition(f.fac, r.ID, "rating")

	g2 := s.group(f.fac, nil)
	_, f.memberC = s.join(s.invite(f.fac, g2.ID, inviteRequest{}), "Cal", "")
	r2 := s.round(f.fac, g2.ID, "Elsewhere")
	f.closedRoundID = r2.ID
	s.transition(f.fac, r2.ID, "open")
	f.q1 = s.propose(f.memberC, r2.ID, "Other group's idea").ID
	s.transition(f.fac, r2.ID, "close")

	var inv inviteBody
	s.ok(call{method: http.MethodPost, path: "/groups/" + g.ID + "/invites", token: f.fac, body: inviteRequest{}}, http.StatusCreated, &inv)
	s.ok(call{method: http.MethodDelete, path: "/invites/" + inv.Invite.ID, token: f.fac}, http.StatusNoContent, nil)
	f.revokedInvite = inv.Token
	f.expiredInvite = s.invite(f.fac, g.ID, inviteRequest{ExpiresInHours: 1})
	clock.advance(2 * time.Hour)
	return f
}

// TestBadInput sends many kinds of bad input. Each must get a 4xx
// problem+json naming the field (or, for credentials and visibility, a
// detail saying what is wrong); none may get a 500; and nothing may be
// half-written.
func TestBadInput(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		clock := &testClock{}
		s := newServer(t, db, withClock(clock))
		f := newBadFixture(t, s, clock)
		rate := func(token string, body any) call {
			return call{method: http.MethodPost, path: "/rounds/" + f.roundID + "/ratings", token: token, body: body}
		}
		ratingEvents := func() int {
			evs, err := bunstore.NewStore(s.db).RatingEvents(context.Background(), f.groupID)
			if err != nil {
				t.Fatal(err)
			}
			return len(evs)
		}
		// A first rating, so that reusing its key with another body conflicts.
		s.ok(call{method: http.MethodPost, path: "/rounds/" + f.roundID + "/ratings", token: f.memberA,
			header: map[string]string{"Idempotency-Key": "key-1"}, body: ratingRequest{ProposalID: f.p1, Value: intp(4)}}, http.StatusCreated, nil)

		cases := []struct {
			name   string
			call   call
			status int
			code   string
			field  string // "" when the problem is not about one field
		}{
			{"malformed JSON", call{method: http.MethodPost, path: "/rounds/" + f.roundID + "/ratings", token: f.memberA, body: `{"proposal_id": "x",`},
				400, CodeMalformed, "body"},
			{"wrong type", rate(f.memberA, `{"proposal_id":"`+f.p2+`","value":"five"}`), 422, engine.EINVALID, "value"},
			{"fraction for an integer", rate(f.memberA, `{"proposal_id":"`+f.p2+`","value":3.5}`), 422, engine.EINVALID, "value"},
			{"array for an object", rate(f.memberA, `[1,2,3]`), 422, engine.EINVALID, "body"},
			{"unknown field", rate(f.memberA, `{"proposal_id":"`+f.p2+`","value":3,"weight":10}`), 422, engine.EINVALID, "weight"},
			{"missing required field", call{method: http.MethodPost, path: "/rounds/" + f.roundID + "/proposals", token: f.memberA, body: `{"easy_read":"x"}`},
				422, engine.EINVALID, "text"},
			{"empty body", call{method: http.MethodPost, path: "/rounds/" + f.roundID + "/proposals", token: f.memberA, body: ""}, 400, CodeMalformed, "body"},
			{"not JSON media type", call{method: http.MethodPost, path: "/rounds/" + f.roundID + "/proposals", token: f.memberA, body: "text=hello",
				header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, 415, CodeMediaType, "body"},
			{"unknown round id", call{method: http.MethodPost, path: "/rounds/01900000-0000-7000-8000-000000000000/ratings", token: f.memberA,
				body: ratingRequest{ProposalID: f.p1, Value: intp(3)}}, 404, engine.ENOTFOUND, "roundId"},
			{"malformed round id", call{method: http.MethodGet, path: "/rounds/not-an-id", token: f.memberA}, 422, engine.EINVALID, "roundId"},
			{"unknown proposal id", rate(f.memberA, ratingRequest{ProposalID: "01900000-0000-7000-8000-000000000000", Value: intp(3)}), 422, engine.EINVALID, "proposal_id"},
			{"value off the group's scale", rate(f.memberA, ratingRequest{ProposalID: f.p2, Value: intp(7)}), 422, engine.EINVALID, "value"},
			{"value off every scale", rate(f.memberA, ratingRequest{ProposalID: f.p2, Value: intp(42)}), 422, engine.EINVALID, "value"},
			{"value and pass", rate(f.memberA, ratingRequest{ProposalID: f.p2, Value: intp(3), Pass: true}), 422, engine.EINVALID, "value"},
			{"neither value nor pass", rate(f.memberA, ratingRequest{ProposalID: f.p2}), 422, engine.EINVALID, "value"},
			{"change category on a first rating", rate(f.memberA, ratingRequest{ProposalID: f.p2, Value: intp(3), ChangeCategory: engine.ChangeOther}),
				422, engine.EINVALID, "change_category"},
			{"unknown enum value", rate(f.memberA, ratingRequest{ProposalID: f.p2, Value: intp(3), Mode: "telepathy"}), 422, engine.EINVALID, "mode"},
			{"rating a closed round", call{method: http.MethodPost, path: "/rounds/" + f.closedRoundID + "/ratings", token: f.memberC,
				body: ratingRequest{ProposalID: f.q1, Value: intp(3)}}, 409, engine.ECONFLICT, "round_id"},
			{"rating in another group's round", call{method: http.MethodPost, path: "/rounds/" + f.closedRoundID + "/ratings", token: f.memberA,
				body: ratingRequest{ProposalID: f.q1, Value: intp(3)}}, 404, engine.ENOTFOUND, "roundId"},
			{"rating another group's proposal", rate(f.memberA, ratingRequest{ProposalID: f.q1, Value: intp(3)}), 422, engine.EINVALID, "proposal_id"},
			{"rating for someone else as self", rate(f.memberA, ratingRequest{ProposalID: f.p2, Value: intp(3), MemberID: f.p1}), 422, engine.EINVALID, "mode"},
			{"idempotency key reused with another body", call{method: http.MethodPost, path: "/rounds/" + f.roundID + "/ratings", token: f.memberA,
				header: map[string]string{"Idempotency-Key": "key-1"}, body: ratingRequest{ProposalID: f.p1, Value: intp(2)}}, 409, engine.ECONFLICT, "idempotency_key"},
			{"idempotency key too long", call{method: http.MethodPost, path: "/rounds/" + f.roundID + "/ratings", token: f.memberA,
				header: map[string]string{"Idempotency-Key": strings.Repeat("k", 101)}, body: ratingRequest{ProposalID: f.p1, Value: intp(2)}}, 422, engine.EINVALID, "Idempotency-Key"},
			{"oversized proposal", call{method: http.MethodPost, path: "/rounds/" + f.roundID + "/proposals", token: f.memberA,
				body: proposalRequest{Text: strings.Repeat("é", engine.MaxProposalLen+1)}}, 422, engine.EINVALID, "text"},
			{"oversized reason", rate(f.memberA, ratingRequest{ProposalID: f.p2, Value: intp(3), Reason: strings.Repeat("x", engine.MaxReasonLen+1)}), 422, engine.EINVALID, "reason"},
			{"body over the size limit", call{method: http.MethodPost, path: "/rounds/" + f.roundID + "/proposals", token: f.memberA,
				body: `{"text":"` + strings.Repeat("x", maxBodyBytes) + `"}`}, 413, CodeTooLarge, "body"},
			{"NUL in text", call{method: http.MethodPost, path: "/rounds/" + f.roundID + "/proposals", token: f.memberA, body: proposalRequest{Text: "a\x00b"}},
				422, engine.EINVALID, "text"},
			{"control character in a name", call{method: http.MethodPatch, path: "/members/01900000-0000-7000-8000-000000000000", token: f.memberA,
				body: `{"display_name":"Ada\u0007"}`}, 422, engine.EINVALID, "display_name"},
			{"blank text", call{method: http.MethodPost, path: "/rounds/" + f.roundID + "/proposals", token: f.memberA, body: proposalRequest{Text: "   "}},
				422, engine.EINVALID, "text"},
			{"negative limit", call{method: http.MethodGet, path: "/groups?limit=-1", token: f.fac}, 422, engine.EINVALID, "limit"},
			{"limit not a number", call{method: http.MethodGet, path: "/groups?limit=ten", token: f.fac}, 422, engine.EINVALID, "limit"},
			{"limit too large", call{method: http.MethodGet, path: "/groups/" + f.groupID + "/audit?limit=100000", token: f.fac}, 422, engine.EINVALID, "limit"},
			{"malformed cursor", call{method: http.MethodGet, path: "/groups?after=%27%20OR%201=1", token: f.fac}, 422, engine.EINVALID, "after"},
			{"unknown query parameter", call{method: http.MethodGet, path: "/groups?sort=name", token: f.fac}, 422, engine.EINVALID, "sort"},
			{"expired invite", call{method: http.MethodPost, path: "/join", body: joinRequest{Token: f.expiredInvite, DisplayName: "Late"}}, 404, engine.ENOTFOUND, "token"},
			{"revoked invite", call{method: http.MethodPost, path: "/invites/preview", body: inviteTokenRequest{Token: f.revokedInvite}}, 404, engine.ENOTFOUND, "token"},
			{"made-up invite", call{method: http.MethodPost, path: "/join", body: joinRequest{Token: "avi_nope", DisplayName: "X"}}, 404, engine.ENOTFOUND, "token"},
			{"missing credentials", call{method: http.MethodGet, path: "/groups/" + f.groupID}, 401, engine.EUNAUTHORIZED, "Authorization"},
			{"bad token", call{method: http.MethodGet, path: "/groups/" + f.groupID, token: "avs_forged"}, 401, engine.EUNAUTHORIZED, "Authorization"},
			{"not a bearer header", call{method: http.MethodGet, path: "/groups/" + f.groupID, header: map[string]string{"Authorization": "Basic YTpi"}},
				401, engine.EUNAUTHORIZED, "Authorization"},
			{"member acting as facilitator", call{method: http.MethodPost, path: "/rounds/" + f.roundID + "/transitions", token: f.memberA,
				body: transitionRequest{To: "close"}}, 403, engine.EFORBIDDEN, ""},
			{"unknown transition", call{method: http.MethodPost, path: "/rounds/" + f.roundID + "/transitions", token: f.fac, body: `{"to":"explode"}`},
				422, engine.EINVALID, "to"},
			{"cross-site cookie request", call{method: http.MethodPost, path: "/rounds/" + f.roundID + "/proposals", body: proposalRequest{Text: "CSRF"},
				header: map[string]string{"Cookie": SessionCookie + "=" + f.memberA, "Origin": "https://evil.example"}}, 403, CodeCrossOrigin, "Origin"},
			{"cross-site cookie request (Fetch metadata)", call{method: http.MethodPost, path: "/rounds/" + f.roundID + "/proposals", body: proposalRequest{Text: "CSRF"},
				header: map[string]string{"Cookie": SessionCookie + "=" + f.memberA, "Sec-Fetch-Site": "cross-site"}}, 403, CodeCrossOrigin, "Origin"},
			{"invalid email", call{method: http.MethodPost, path: "/auth/signup", body: signUpRequest{Email: "not-an-email", Name: "X", Password: testPassword}},
				422, engine.EINVALID, "email"},
			{"short password", call{method: http.MethodPost, path: "/auth/signup", body: signUpRequest{Email: unique("p") + "@example.org", Name: "X", Password: "short"}},
				422, engine.EINVALID, "password"},
			{"wrong password", call{method: http.MethodPost, path: "/auth/login", body: logInRequest{Email: "nobody@example.org", Password: "wrong password!"}},
				401, engine.EUNAUTHORIZED, "password"},
			{"perspective not in the group", call{method: http.MethodPost, path: "/groups/" + f.groupID + "/invites", token: f.fac,
				body: inviteRequest{Perspective: "astronaut"}}, 422, engine.EINVALID, "perspective"},
			{"closing before opening", call{method: http.MethodPost, path: "/groups/" + f.groupID + "/rounds", token: f.fac,
				body: `{"prompt":"x","opens_at":"2030-01-02T00:00:00Z","closes_at":"2030-01-01T00:00:00Z"}`}, 422, engine.EINVALID, "closes_at"},
			{"not a date", call{method: http.MethodPost, path: "/rounds/" + f.roundID + "/decisions", token: f.fac,
				body: `{"proposal_id":"` + f.p1 + `","outcome":"adopted","rationale":"x","review_date":"next tuesday"}`}, 422, engine.EINVALID, "review_date"},
			{"invalid consensus rule", call{method: http.MethodPut, path: "/groups/" + f.groupID, token: f.fac,
				body: `{"name":"G","settings":{"consensus_rule":{"min_percent_agree":40,"min_raters":3}}}`}, 422, engine.EINVALID, "settings.consensus_rule.min_percent_agree"},
			{"too many bulk ratings", call{method: http.MethodPost, path: "/rounds/" + f.roundID + "/ratings/bulk", token: f.fac,
				body: bulkRatingsRequest{Ratings: make([]bulkRatingRequest, engine.MaxBulkRatings+1)}}, 422, engine.EINVALID, "ratings"},
			{"no such endpoint", call{method: http.MethodGet, path: "/nothing/here", token: f.fac}, 404, engine.ENOTFOUND, ""},
		}
		if len(cases) < 25 {
			t.Fatalf("only %d kinds of bad input", len(cases))
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				s := s.on(t)
				before := ratingEvents()
				r := s.do(tc.call)
				if r.status >= 500 || r.status != tc.status {
					t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
				}
				p := r.problem(t)
				if p.Code != tc.code {
					t.Errorf("code %q, want %q: %s", p.Code, tc.code, r.body)
				}
				if tc.field == "" {
					if p.Detail == "" {
						t.Errorf("no detail: %s", r.body)
					}
				} else if !hasField(p, tc.field) {
					t.Errorf("errors do not name %q: %s", tc.field, r.body)
				}
				for _, e := range p.Errors {
					if e.Rule == "" {
						t.Errorf("field %q without a rule: %s", e.Field, r.body)
					}
				}
				if after := ratingEvents(); after != before {
					t.Errorf("rating events %d → %d after a refused request", before, after)
				}
				if r.status == http.StatusUnauthorized && r.header.Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
			})
		}

		t.Run("bulk submission failing part-way stores nothing", func(t *testing.T) {
			s := s.on(t)
			// The facilitator enters ratings in the room: the first two are
			// fine, the third names another group's proposal. The engine
			// finds that inside the transaction, after storing the first two.
			var ms listBody[engine.MemberView]
			s.ok(call{method: http.MethodGet, path: "/groups/" + f.groupID + "/members", token: f.fac}, http.StatusOK, &ms)
			var raters []string
			for _, m := range ms.Items {
				if m.Role == engine.RoleMember {
					raters = append(raters, m.ID)
				}
			}
			before := ratingEvents()
			r := s.do(call{method: http.MethodPost, path: "/rounds/" + f.roundID + "/ratings/bulk", token: f.fac, body: bulkRatingsRequest{Ratings: []bulkRatingRequest{
				{ProposalID: f.p2, MemberID: raters[0], Value: intp(5), Mode: engine.ModeInRoom},
				{ProposalID: f.p2, MemberID: raters[1], Value: intp(4), Mode: engine.ModeInRoom},
				{ProposalID: f.q1, MemberID: raters[1], Value: intp(4), Mode: engine.ModeInRoom},
			}}})
			if r.status != http.StatusUnprocessableEntity || !hasField(r.problem(t), "ratings[2].proposal_id") {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			if after := ratingEvents(); after != before {
				t.Fatalf("rating events %d → %d after a failed bulk submission", before, after)
			}
			// The same ratings without the bad one are stored together.
			var res ratingResultsBody
			s.ok(call{method: http.MethodPost, path: "/rounds/" + f.roundID + "/ratings/bulk", token: f.fac, body: bulkRatingsRequest{Ratings: []bulkRatingRequest{
				{ProposalID: f.p2, MemberID: raters[0], Value: intp(5), Mode: engine.ModeInRoom},
				{ProposalID: f.p2, MemberID: raters[1], Value: intp(4), Mode: engine.ModeInRoom},
			}}}, http.StatusCreated, &res)
			if after := ratingEvents(); after != before+2 || len(res.Results) != 2 {
				t.Fatalf("rating events %d → %d, %d results", before, after, len(res.Results))
			}
		})

		t.Run("same-origin cookie requests are accepted", func(t *testing.T) {
			s := s.on(t)
			for _, h := range []map[string]string{
				{"Origin": "http://example.com"},
				{"Sec-Fetch-Site": "same-origin"},
				{}, // not a browser: no Origin, no Fetch metadata
			} {
				h["Cookie"] = SessionCookie + "=" + f.memberA
				s.ok(call{method: http.MethodPost, path: "/rounds/" + f.roundID + "/reflections", body: reflectionRequest{Text: fmt.Sprint("Cookie note ", h)}, header: h},
					http.StatusCreated, nil)
			}
			// Safe methods need no origin check; an unknown cookie is anonymous.
			s.ok(call{method: http.MethodGet, path: "/groups/" + f.groupID, header: map[string]string{"Cookie": SessionCookie + "=" + f.memberA, "Sec-Fetch-Site": "cross-site"}}, http.StatusOK, nil)
			s.ok(call{method: http.MethodGet, path: "/groups/" + f.groupID, header: map[string]string{"Cookie": SessionCookie + "=stale"}}, http.StatusUnauthorized, nil)
		})
	})
}

func hasField(p Problem, field string) bool {
	for _, e := range p.Errors {
		if e.Field == field {
			return true
		}
	}
	return false
}
