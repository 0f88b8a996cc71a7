package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// concern raises a concern as the matrix fixture's member and returns its
// id, for the operations that act on one.
func (f *matrixFixture) concern() string {
	var c engine.ConcernView
	f.s.ok(call{method: http.MethodPost, path: "/groups/" + f.groupA + "/concerns", token: f.tokens[roleMember],
		body: concernRequest{Text: "Something in the break worried me"}}, http.StatusCreated, &c)
	return c.ID
}

// checkIn checks the member role in to the fixture's round, so that the
// operations on one's own check-in have one to act on for that role.
func (f *matrixFixture) checkIn(role string) {
	if role == roleMember {
		f.s.ok(call{method: http.MethodPut, path: "/rounds/" + f.roundA + "/checkin", token: f.tokens[roleMember],
			body: checkInRequest{Zone: engine.CheckInComfort}}, http.StatusOK, nil)
	}
}

// safeguardingFixture is a group with a facilitator, a safeguarding lead,
// two members and an evaluator, and an open round with one proposal.
type safeguardingFixture struct {
	fac, lead, ada, bo, eve string // tokens
	adaID                   string
	groupID, roundID, pID   string
}

func newSafeguardingFixture(s *server) *safeguardingFixture {
	f := &safeguardingFixture{}
	f.fac, _ = s.account("Facilitator")
	g := s.group(f.fac, &settingsRequest{MinCellSize: 2})
	f.groupID = g.ID
	_, f.lead = s.join(s.invite(f.fac, g.ID, inviteRequest{Role: engine.RoleSafeguardingLead}), "Lee", "")
	var ada *engine.Member
	ada, f.ada = s.join(s.invite(f.fac, g.ID, inviteRequest{}), "Ada", "")
	f.adaID = ada.ID
	_, f.bo = s.join(s.invite(f.fac, g.ID, inviteRequest{}), "Bo", "")
	_, f.eve = s.join(s.invite(f.fac, g.ID, inviteRequest{Role: engine.RoleEvaluator}), "Eve", "")
	r := s.round(f.fac, g.ID, "What next?")
	f.roundID = r.ID
	s.transition(f.fac, r.ID, "open")
	f.pID = s.propose(f.ada, r.ID, "Open in the evenings").ID
	return f
}

// TestConcernsThroughAPI raises a concern, reads it as each person, has
// the lead act on it, and checks that nothing said in it reaches the
// audit log, the server's log or any error.
func TestConcernsThroughAPI(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		var logs syncBuffer
		s := newServer(t, db, withLog(&logs))
		f := newSafeguardingFixture(s)
		secret := "Marker-7731 the minibus driver frightened me"
		var c engine.ConcernView
		r := s.ok(call{method: http.MethodPost, path: "/groups/" + f.groupID + "/concerns", token: f.ada,
			body: concernRequest{Text: secret, RoundID: f.roundID, ProposalID: f.pID}}, http.StatusCreated, &c)
		if r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("concern answered with Cache-Control %q", r.header.Get("Cache-Control"))
		}
		if c.Text != secret || !c.YouRaised || c.RoundNumber != 1 || c.ProposalText != "Open in the evenings" ||
			!reflect.DeepEqual(c.Readers, []string{"Lee"}) || c.RaisedByName != "" {
			t.Fatalf("raised concern: %+v", c)
		}
		tests := []struct {
			name, token string
			status      int
		}{
			{"raiser", f.ada, http.StatusOK},
			{"lead", f.lead, http.StatusOK},
			{"facilitator", f.fac, http.StatusNotFound},
			{"evaluator", f.eve, http.StatusNotFound},
			{"other member", f.bo, http.StatusNotFound},
			{"anonymous", "", http.StatusUnauthorized},
		}
		for _, tt := range tests {
			r := s.do(call{method: http.MethodGet, path: "/concerns/" + c.ID, token: tt.token})
			if r.status != tt.status {
				t.Errorf("%s reads the concern: %d, want %d: %s", tt.name, r.status, tt.status, r.body)
			}
			if tt.status != http.StatusOK && strings.Contains(string(r.body), "Marker-7731") {
				t.Errorf("%s's refusal quotes the concern", tt.name)
			}
		}
		var list struct{ Items []engine.ConcernView }
		s.ok(call{method: http.MethodGet, path: "/groups/" + f.groupID + "/concerns", token: f.fac}, http.StatusOK, &list)
		if len(list.Items) != 0 {
			t.Errorf("the facilitator lists %d concerns", len(list.Items))
		}
		s.ok(call{method: http.MethodGet, path: "/groups/" + f.groupID + "/concerns", token: f.lead}, http.StatusOK, &list)
		if len(list.Items) != 1 || list.Items[0].RaisedByName != "Ada" {
			t.Errorf("the lead lists %+v", list.Items)
		}
		var act engine.ConcernAction
		s.ok(call{method: http.MethodPost, path: "/concerns/" + c.ID + "/actions", token: f.lead,
			body: concernActionRequest{Action: "Marker-7731 called Ada", Learning: "Marker-7731 brief drivers", Status: "closed"}},
			http.StatusCreated, &act)
		r = s.do(call{method: http.MethodPost, path: "/concerns/" + c.ID + "/actions", token: f.ada,
			body: concernActionRequest{Action: "Marker-7731 I did it myself", Status: "closed"}})
		if r.status != http.StatusForbidden {
			t.Errorf("the raiser records an action: %d %s", r.status, r.body)
		}
		var lead engine.ConcernView
		s.ok(call{method: http.MethodGet, path: "/concerns/" + c.ID, token: f.lead}, http.StatusOK, &lead)
		if lead.Status != engine.ConcernClosed || len(lead.Actions) != 1 || lead.Actions[0].ActorName != "Lee" {
			t.Errorf("lead's view after the action: %+v", lead)
		}
		var mine engine.ConcernView
		s.ok(call{method: http.MethodGet, path: "/concerns/" + c.ID, token: f.ada}, http.StatusOK, &mine)
		if mine.Status != engine.ConcernClosed || mine.Actions != nil {
			t.Errorf("raiser's view after the action: %+v", mine)
		}

		// Bad input, with the words in it: refused naming field and rule,
		// never echoed.
		bad := []struct {
			name   string
			path   string
			token  string
			body   any
			status int
			field  string
		}{
			{"empty text", "/groups/" + f.groupID + "/concerns", f.ada, concernRequest{Text: "  "}, http.StatusUnprocessableEntity, "text"},
			{"text too long", "/groups/" + f.groupID + "/concerns", f.ada,
				concernRequest{Text: "Marker-7731 " + strings.Repeat("y", engine.MaxLongTextLen)}, http.StatusUnprocessableEntity, "text"},
			{"malformed round", "/groups/" + f.groupID + "/concerns", f.ada, concernRequest{Text: "Marker-7731", RoundID: "round-1"},
				http.StatusUnprocessableEntity, "round_id"},
			{"unknown member", "/groups/" + f.groupID + "/concerns", f.ada, concernRequest{Text: "Marker-7731", MemberID: f.roundID},
				http.StatusUnprocessableEntity, "member_id"},
			{"not JSON", "/groups/" + f.groupID + "/concerns", f.ada, `{"text": "Marker-7731 unterminated`, http.StatusBadRequest, ""},
			{"unknown status", "/concerns/" + c.ID + "/actions", f.lead, concernActionRequest{Action: "Marker-7731", Status: "solved"},
				http.StatusUnprocessableEntity, "status"},
			{"no action", "/concerns/" + c.ID + "/actions", f.lead, concernActionRequest{Status: "open", Outcome: "Marker-7731"},
				http.StatusUnprocessableEntity, "action"},
			{"malformed concern id", "/concerns/nope/actions", f.lead, concernActionRequest{Action: "Marker-7731", Status: "open"},
				http.StatusUnprocessableEntity, "concernId"},
		}
		for _, tt := range bad {
			t.Run(tt.name, func(t *testing.T) {
				r := s.do(call{method: http.MethodPost, path: tt.path, token: tt.token, body: tt.body})
				if r.status != tt.status {
					t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
				}
				p := r.problem(t)
				if strings.Contains(string(r.body), "Marker-7731") {
					t.Errorf("the problem quotes the concern: %s", r.body)
				}
				if tt.field == "" {
					return
				}
				for _, fe := range p.Errors {
					if fe.Field == tt.field && fe.Rule != "" {
						return
					}
				}
				t.Errorf("problem %s does not name field %q with a rule", r.body, tt.field)
			})
		}

		// The audit log as stored holds ids, who and when, never the words;
		// the facilitator's copy does not say who.
		evs, err := bunstore.NewStore(db).AuditEvents(t.Context(), f.groupID, engine.Page{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(evs)
		if strings.Contains(string(raw), "Marker-7731") {
			t.Errorf("audit events hold concern content")
		}
		var audit struct{ Items []engine.AuditEvent }
		s.ok(call{method: http.MethodGet, path: "/groups/" + f.groupID + "/audit", token: f.fac}, http.StatusOK, &audit)
		n := 0
		for _, ev := range audit.Items {
			if strings.HasPrefix(ev.Action, "concern.") {
				n++
				if ev.ActorID != "" || ev.SubjectID != c.ID {
					t.Errorf("facilitator's audit event %+v", ev)
				}
			}
		}
		if n != 2 {
			t.Errorf("%d concern events in the audit log, want 2 (raised, actioned)", n)
		}
		if out := logs.String(); strings.Contains(out, "Marker-7731") || strings.Contains(out, "minibus") {
			t.Errorf("the server log holds concern content:\n%s", out)
		} else if !strings.Contains(out, "/concerns") {
			t.Errorf("the server log recorded no concern request; the check above proves nothing:\n%s", out)
		}
	})
}

// TestCheckInsThroughAPI checks in members, reads one's own, counts for
// the facilitator with small cells suppressed, sharing, withdrawing, and
// bad input.
func TestCheckInsThroughAPI(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		var logs syncBuffer
		s := newServer(t, db, withLog(&logs))
		f := newSafeguardingFixture(s)
		path := "/rounds/" + f.roundID + "/checkin"
		var ci engine.CheckIn
		s.ok(call{method: http.MethodPut, path: path, token: f.ada, body: checkInRequest{Zone: "panic"}}, http.StatusOK, &ci)
		if ci.Zone != engine.CheckInPanic || ci.Shared {
			t.Errorf("check-in %+v", ci)
		}
		s.ok(call{method: http.MethodPut, path: path, token: f.bo, body: checkInRequest{Zone: "comfort", Shared: true}}, http.StatusOK, nil)
		var mine engine.CheckIn
		s.ok(call{method: http.MethodGet, path: path, token: f.ada}, http.StatusOK, &mine)
		if mine.Zone != engine.CheckInPanic || mine.MemberID != f.adaID {
			t.Errorf("own check-in %+v", mine)
		}
		if r := s.do(call{method: http.MethodGet, path: path, token: f.fac}); r.status != http.StatusNotFound {
			t.Errorf("the facilitator's own check-in: %d %s", r.status, r.body)
		}
		var sum engine.CheckInSummary
		r := s.ok(call{method: http.MethodGet, path: path + "s", token: f.fac}, http.StatusOK, &sum)
		// Minimum cell size 2: one in panic and one comfortable are both suppressed.
		if sum.Total != nil || len(sum.Zones) != 3 || !sum.Zones[0].Suppressed || !sum.Zones[2].Suppressed ||
			sum.Zones[1].Count == nil || *sum.Zones[1].Count != 0 {
			t.Errorf("summary %s", r.body)
		}
		if len(sum.Shared) != 1 || sum.Shared[0].DisplayName != "Bo" || strings.Contains(string(r.body), f.adaID) {
			t.Errorf("shared check-ins %s", r.body)
		}
		for _, tok := range []string{f.ada, f.lead, f.eve} {
			if r := s.do(call{method: http.MethodGet, path: path + "s", token: tok}); r.status != http.StatusForbidden {
				t.Errorf("counts read by a non-facilitator: %d %s", r.status, r.body)
			}
		}
		s.ok(call{method: http.MethodDelete, path: path, token: f.ada}, http.StatusNoContent, nil)
		if r := s.do(call{method: http.MethodGet, path: path, token: f.ada}); r.status != http.StatusNotFound {
			t.Errorf("after withdrawing: %d %s", r.status, r.body)
		}
		for _, tt := range []struct {
			name   string
			token  string
			body   any
			status int
			field  string
		}{
			{"unknown zone", f.ada, checkInRequest{Zone: "green"}, http.StatusUnprocessableEntity, "zone"},
			{"no zone", f.ada, map[string]any{"shared": true}, http.StatusUnprocessableEntity, "zone"},
			{"facilitator", f.fac, checkInRequest{Zone: "comfort"}, http.StatusForbidden, ""},
		} {
			r := s.do(call{method: http.MethodPut, path: path, token: tt.token, body: tt.body})
			if r.status != tt.status {
				t.Errorf("%s: %d, want %d: %s", tt.name, r.status, tt.status, r.body)
				continue
			}
			p := r.problem(t)
			if tt.field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != tt.field) {
				t.Errorf("%s: problem %s does not name %s", tt.name, r.body, tt.field)
			}
		}
		if out := logs.String(); strings.Contains(out, "panic") && strings.Contains(out, `"zone"`) {
			t.Errorf("the server log holds a zone:\n%s", out)
		}
	})
}

// TestSafeguardingDTOLimits keeps the safeguarding DTOs' tags equal to the
// engine's limits and vocabularies.
func TestSafeguardingDTOLimits(t *testing.T) {
	for _, tc := range []struct {
		v          any
		field, tag string
		want       string
	}{
		{concernRequest{}, "Text", "maxLength", "10000"},
		{concernActionRequest{}, "Action", "maxLength", "10000"},
		{concernActionRequest{}, "Outcome", "maxLength", "10000"},
		{concernActionRequest{}, "Learning", "maxLength", "10000"},
		{concernActionRequest{}, "Status", "enum", strings.Join(engine.ConcernStatuses, ",")},
		{checkInRequest{}, "Zone", "enum", strings.Join(engine.CheckInZones, ",")},
	} {
		f, ok := reflect.TypeOf(tc.v).FieldByName(tc.field)
		if !ok {
			t.Fatalf("%T has no field %s", tc.v, tc.field)
		}
		if got := f.Tag.Get(tc.tag); got != tc.want {
			t.Errorf("%T.%s %s = %q, want %q", tc.v, tc.field, tc.tag, got, tc.want)
		}
	}
	if engine.MaxLongTextLen != 10000 {
		t.Errorf("engine.MaxLongTextLen = %d; update the concern DTOs' maxLength", engine.MaxLongTextLen)
	}
}
