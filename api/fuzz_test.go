package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// checkAnswer fails unless r is a success or a well-formed 4xx problem.
func checkAnswer(t *testing.T, r reply) {
	t.Helper()
	switch {
	case r.status >= 500:
		t.Fatalf("status %d: %s", r.status, r.body)
	case r.status >= 400:
		r.problem(t)
	case !json.Valid(r.body):
		t.Fatalf("status %d with a body that is not JSON: %q", r.status, r.body)
	}
}

// FuzzRatingBody sends arbitrary bodies to the rating endpoint, the API's
// busiest parser of outside input: every answer is a success or a 4xx
// problem, never a 5xx.
func FuzzRatingBody(f *testing.F) {
	s := newServer(f, bunstoretest.SQLite(f))
	fac, _ := s.account("Fuzz")
	g := s.group(fac, nil)
	_, member := s.join(s.invite(fac, g.ID, inviteRequest{}), "Fuzzy", "")
	r := s.round(fac, g.ID, "Fuzz")
	s.transition(fac, r.ID, "open")
	p := s.propose(member, r.ID, "Fuzzed")
	s.transition(fac, r.ID, "rating")
	for _, seed := range []string{
		`{"proposal_id":"` + p.ID + `","value":3}`,
		`{"proposal_id":"` + p.ID + `","pass":true,"reason":"x"}`,
		`{"proposal_id":"` + p.ID + `","value":3,"change_category":"discussion"}`,
		`{"proposal_id":"` + p.ID + `","value":1e400}`,
		`{"proposal_id":"` + p.ID + `","value":-2147483649}`,
		`{"proposal_id":"\u0000","value":3}`,
		`{"proposal_id":"` + p.ID + `","value":3,"mode":"in_room","member_id":"` + p.ID + `"}`,
		`{"value":null,"pass":null}`,
		`{"proposal_id":["a"]}`,
		`{"PROPOSAL_ID":"` + p.ID + `","Value":2}`,
		`{`, `[]`, `null`, `"x"`, ``, "\xff\xfe",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		s := s.on(t)
		rep := s.do(call{method: http.MethodPost, path: "/rounds/" + r.ID + "/ratings", token: member, body: body})
		checkAnswer(t, rep)
	})
}

// FuzzPageQuery sends arbitrary pagination parameters to a list endpoint.
func FuzzPageQuery(f *testing.F) {
	s := newServer(f, bunstoretest.SQLite(f))
	fac, _ := s.account("Fuzz")
	g := s.group(fac, &settingsRequest{Scale: engine.ScaleLikert5})
	for _, seed := range [][2]string{{"10", ""}, {"-1", ""}, {"0", "x"}, {"99999999999999999999", ""}, {"1", g.ID}, {"1.5", "' OR 1=1"}, {"", "\x00"}} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, limit, after string) {
		if len(limit)+len(after) > 512 {
			t.Skip("fasthttp refuses request lines over its read buffer before the API sees them")
		}
		s := s.on(t)
		q := url.Values{"limit": {limit}, "after": {after}}.Encode()
		checkAnswer(t, s.do(call{method: http.MethodGet, path: "/groups/" + g.ID + "/audit?" + q, token: fac}))
	})
}
