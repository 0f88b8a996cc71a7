package api

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// logKeys are the only attributes a log line may carry: what happened to
// which route, how it ended and how long it took, never what was sent.
var logKeys = []string{"time", "level", "msg", "method", "route", "status", "duration_ms", "request_id", "error", "err", "page"}

// TestNoContentInLogs runs a whole story through the real app, as people
// and scripts do — sign-up, a group, members joining with names and access
// needs, proposals, ratings with reasons on the API, in bulk and on the
// rating page, changed ratings, check-ins and concerns on the API and the
// pages, a reflection, a decision, details changed — and a set of bad
// requests that carry the same kinds of text, with every log line
// captured. Every text is a marker found nowhere else. No marker may reach
// the log, no log line may carry an attribute beyond logKeys (so no value,
// reason, name or body field can ride along), and no error response — a
// problem from the API or an error page — may echo what was sent. A page
// showing a person's own form back with its errors is not an error
// response: it is their text, returned to them to correct.
func TestNoContentInLogs(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		s := newFullServer(t, db)
		var markers []string
		mark := func(kind string) string {
			m := fmt.Sprintf("Lgx%sQ%d", kind, len(markers))
			markers = append(markers, m)
			return m
		}
		var errorBodies []string
		check := func(what string, r webReply, want int) webReply {
			t.Helper()
			if r.status != want {
				t.Fatalf("%s: status %d, want %d: %s", what, r.status, want, r.body)
			}
			if r.status >= 400 {
				errorBodies = append(errorBodies, what+"\n"+r.body)
			}
			return r
		}
		decode := func(r webReply, into any) {
			t.Helper()
			if err := json.Unmarshal([]byte(r.body), into); err != nil {
				t.Fatalf("decode %s: %v", r.body, err)
			}
		}
		api := func(token string) *webClient {
			c := s.client("")
			c.bearer = token
			return c
		}

		// The facilitator signs up and sets up an anonymous group.
		anon := api("")
		password := mark("Pwd") + " correct horse battery"
		var facSession sessionBody
		decode(check("sign up", anon.call(http.MethodPost, pathSignUp, signUpRequest{Email: "logscan@example.org", Name: mark("Fac"), Password: password}), 201), &facSession)
		fac := api(facSession.Token)
		var g engine.Group
		decode(check("create group", fac.call(http.MethodPost, "/groups", groupRequest{Name: "Log scan",
			Settings: &settingsRequest{Anonymous: true, Perspectives: []string{"carer", "practitioner"}, RevealPolicy: "after_own_rating"}}), 201), &g)
		var inv inviteBody
		decode(check("invite", fac.call(http.MethodPost, "/groups/"+g.ID+"/invites", inviteRequest{Kind: engine.InviteReusable}), 201), &inv)

		// Members join with names and access needs.
		var members []joinBody
		for i := range 3 {
			var jb joinBody
			decode(check("join", anon.call(http.MethodPost, pathJoin, joinRequest{Token: inv.Token, DisplayName: mark("Name"),
				Perspective: []string{"carer", "practitioner"}[i%2], AccessNeeds: mark("Access"), ResearchConsent: true}), 201), &jb)
			members = append(members, jb)
		}
		ada, bo, cy := api(members[0].Token), s.client(members[1].Token), api(members[2].Token)

		var r engine.Round
		decode(check("create round", fac.call(http.MethodPost, "/groups/"+g.ID+"/rounds", roundRequest{Prompt: "What should change?", Combined: true}), 201), &r)
		check("open", fac.call(http.MethodPost, "/rounds/"+r.ID+"/transitions", transitionRequest{To: "open"}), 200)
		var p1 engine.Proposal
		decode(check("propose on the API", ada.call(http.MethodPost, "/rounds/"+r.ID+"/proposals", proposalRequest{Text: mark("Idea")}), 201), &p1)
		check("propose form", bo.get("/rounds/"+r.ID+"/propose"), 200)
		check("propose on the page", bo.post("/rounds/"+r.ID+"/propose", url.Values{"text": {mark("Idea")}}), 303)

		// Ratings with reasons: on the API, changed, on the page, in bulk.
		check("rate on the API", ada.call(http.MethodPost, "/rounds/"+r.ID+"/ratings", ratingRequest{ProposalID: p1.ID, Value: intp(4), Reason: mark("Reason")}), 201)
		check("change on the API", ada.call(http.MethodPost, "/rounds/"+r.ID+"/ratings", ratingRequest{ProposalID: p1.ID, Value: intp(2),
			Reason: mark("Reason"), ChangeCategory: engine.ChangeDiscussion}), 201)
		check("rating form", bo.get("/rounds/"+r.ID+"/proposals/"+p1.ID+"/rate"), 200)
		key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(bo.get("/rounds/" + r.ID + "/proposals/" + p1.ID + "/rate").body)
		if key == nil {
			t.Fatal("the rating form has no key")
		}
		check("rate on the page", bo.post("/rounds/"+r.ID+"/proposals/"+p1.ID+"/rate", url.Values{"choice": {"5"}, "reason": {mark("Reason")}, "key": {key[1]}}), 303)
		check("rate in bulk", fac.call(http.MethodPost, "/rounds/"+r.ID+"/ratings/bulk", bulkRatingsRequest{Ratings: []bulkRatingRequest{
			{ProposalID: p1.ID, MemberID: members[2].Member.ID, Value: intp(1), Reason: mark("Reason"), Mode: engine.ModeInRoom}}}), 201)
		check("pass", cy.call(http.MethodPost, "/rounds/"+r.ID+"/ratings", ratingRequest{ProposalID: p1.ID, Pass: true, Reason: mark("Reason")}), 201)

		// Check-ins and concerns, on the API and on the pages.
		check("check in on the API", ada.call(http.MethodPut, "/rounds/"+r.ID+"/checkin", checkInRequest{Zone: engine.CheckInPanic}), 200)
		check("check-in form", bo.get("/rounds/"+r.ID+"/checkin"), 200)
		check("check in: zone", bo.post("/rounds/"+r.ID+"/checkin", url.Values{"step": {"zone"}, "zone": {engine.CheckInStretch}}), 200)
		check("check in: share", bo.post("/rounds/"+r.ID+"/checkin", url.Values{"step": {"share"}, "zone": {engine.CheckInStretch}, "share": {"no"}}), 303)
		check("concern on the API", ada.call(http.MethodPost, "/groups/"+g.ID+"/concerns", concernRequest{Text: mark("Concern")}), 201)
		check("concern form", bo.get("/concerns/new?group_id="+g.ID), 200)
		check("concern on the page", bo.post("/concerns/new", url.Values{"group_id": {g.ID}, "about": {"nothing"}, "concern_text": {mark("Concern")}}), 303)

		check("reflect", cy.call(http.MethodPost, "/rounds/"+r.ID+"/reflections", reflectionRequest{Text: mark("Reflection")}), 201)
		check("decide", fac.call(http.MethodPost, "/rounds/"+r.ID+"/decisions", decisionRequest{ProposalID: p1.ID,
			Outcome: engine.DecisionParked, Rationale: mark("Rationale")}), 201)
		check("change details", ada.call(http.MethodPatch, "/members/"+members[0].Member.ID, memberUpdateRequest{DisplayName: new(mark("Name")),
			AccessNeeds: new(mark("Access"))}), 200)
		check("details form", bo.get("/groups/"+g.ID+"/me"), 200)
		check("change details on the page", bo.post("/groups/"+g.ID+"/me", url.Values{"display_name": {mark("Name")}, "access_needs": {mark("Access")}}), 303)
		for _, path := range []string{"/rounds/" + r.ID + "/analysis", "/rounds/" + r.ID + "/report", "/groups/" + g.ID + "/audit"} {
			check("read "+path, fac.get(Prefix+path), 200)
		}

		// Bad requests carrying the same kinds of text.
		reason := mark("Reason")
		bad := []struct {
			what   string
			c      *webClient
			method string
			path   string
			body   any
			status int
		}{
			{"a value off the scale", ada, http.MethodPost, "/rounds/" + r.ID + "/ratings", ratingRequest{ProposalID: p1.ID, Value: intp(42), Reason: reason}, 422},
			{"a value the group's scale lacks", ada, http.MethodPost, "/rounds/" + r.ID + "/ratings", ratingRequest{ProposalID: p1.ID, Value: intp(9), Reason: reason}, 422},
			{"a reason too long", ada, http.MethodPost, "/rounds/" + r.ID + "/ratings", ratingRequest{ProposalID: p1.ID, Value: intp(3), Reason: strings.Repeat(reason+" ", 200)}, 422},
			{"a value of the wrong type", ada, http.MethodPost, "/rounds/" + r.ID + "/ratings", `{"proposal_id":"` + p1.ID + `","value":"` + mark("Value") + `"}`, 422},
			{"malformed JSON", ada, http.MethodPost, "/rounds/" + r.ID + "/ratings", `{"proposal_id":"` + p1.ID + `","reason":"` + reason + `","value":4`, 400},
			{"an unknown proposal", ada, http.MethodPost, "/rounds/" + r.ID + "/ratings", ratingRequest{ProposalID: g.ID, Value: intp(3), Reason: reason}, 422},
			{"a concern too long", ada, http.MethodPost, "/groups/" + g.ID + "/concerns", concernRequest{Text: strings.Repeat(mark("Concern")+" ", 1000)}, 422},
			{"a name too long", ada, http.MethodPatch, "/members/" + members[0].Member.ID, memberUpdateRequest{DisplayName: new(strings.Repeat(mark("Name"), 10))}, 422},
			{"someone else's details", ada, http.MethodPatch, "/members/" + members[1].Member.ID, memberUpdateRequest{DisplayName: new(mark("Name"))}, 403},
			{"a rating without a session", api(""), http.MethodPost, "/rounds/" + r.ID + "/ratings", ratingRequest{ProposalID: p1.ID, Value: intp(3), Reason: reason}, 401},
			{"a rating with a bad token", api("avm_" + mark("Token")), http.MethodPost, "/rounds/" + r.ID + "/ratings", ratingRequest{ProposalID: p1.ID, Value: intp(3), Reason: reason}, 401},
			{"a wrong password", anon, http.MethodPost, pathLogIn, logInRequest{Email: "logscan@example.org", Password: mark("Pwd") + " wrong horse battery"}, 401},
		}
		for _, b := range bad {
			check(b.what, b.c.call(b.method, b.path, b.body), b.status)
		}
		// A form without its CSRF token, and an API call signed in by cookie
		// from another site, are refused without echoing what they carried.
		forged := s.client(members[1].Token)
		check("a forged form", forged.post("/rounds/"+r.ID+"/propose", url.Values{"_csrf": {"forged"}, "text": {mark("Idea")}}), 403)
		cross := s.client(members[1].Token)
		req, _ := http.NewRequest(http.MethodPost, s.base+Prefix+"/rounds/"+r.ID+"/ratings",
			strings.NewReader(`{"proposal_id":"`+p1.ID+`","value":3,"reason":"`+mark("Reason")+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", "https://elsewhere.example")
		check("a cross-site call", cross.send(req), 403)

		logs := s.logs.String()
		for _, m := range markers {
			if strings.Contains(logs, m) {
				t.Errorf("the log holds %q", m)
			}
		}
		for _, body := range errorBodies {
			for _, m := range markers {
				if strings.Contains(body, m) {
					t.Errorf("an error response echoes %q: %s", m, body)
				}
			}
		}
		keys := map[string]bool{}
		requests, failures := 0, 0
		sc := bufio.NewScanner(strings.NewReader(logs))
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		for sc.Scan() {
			var line map[string]any
			if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
				t.Fatalf("a log line is not JSON: %s", sc.Text())
			}
			for k := range line {
				keys[k] = true
				if !slices.Contains(logKeys, k) {
					t.Errorf("a log line carries %q: %s", k, sc.Text())
				}
			}
			switch {
			case line["msg"] == "request":
				requests++
				if st, _ := line["status"].(float64); st >= 400 {
					failures++
				}
			}
		}
		var seen []string
		for k := range keys {
			seen = append(seen, k)
		}
		sort.Strings(seen)
		if requests < 30 || failures < len(bad) {
			t.Errorf("the log has %d request lines (%d failed), keys %v: the scan read too little", requests, failures, seen)
		}
		if len(markers) < 30 || len(errorBodies) < len(bad) {
			t.Errorf("only %d markers sent and %d error responses read", len(markers), len(errorBodies))
		}
	})
}
