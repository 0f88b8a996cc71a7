package api

import (
	"net/http"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/analysis"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// TestReportsCarryETags checks the round reports answer 304 to a client
// that holds the current version, and change ETag when a rating arrives;
// and that the reveal policy holds results back from a member who has
// not rated yet.
func TestReportsCarryETags(t *testing.T) {
	s := newServer(t, bunstoretest.SQLite(t))
	fac, _ := s.account("Reporter")
	g := s.group(fac, nil)
	inv := s.invite(fac, g.ID, inviteRequest{Kind: engine.InviteReusable})
	_, ada := s.join(inv, "Ada", "")
	_, bea := s.join(inv, "Bea", "")
	r := s.round(fac, g.ID, "Report me")
	s.transition(fac, r.ID, "open")
	p := s.propose(ada, r.ID, "Something")
	s.transition(fac, r.ID, "rating")
	s.ok(call{method: http.MethodPost, path: "/rounds/" + r.ID + "/ratings", token: ada, body: ratingRequest{ProposalID: p.ID, Value: intp(5)}}, http.StatusCreated, nil)

	for _, path := range []string{"/rounds/" + r.ID + "/analysis", "/rounds/" + r.ID + "/results"} {
		first := s.ok(call{method: http.MethodGet, path: path, token: fac}, http.StatusOK, nil)
		etag := first.header.Get("ETag")
		if etag == "" || first.header.Get("Cache-Control") != "private, no-cache" {
			t.Fatalf("%s: ETag %q, Cache-Control %q", path, etag, first.header.Get("Cache-Control"))
		}
		if again := s.do(call{method: http.MethodGet, path: path, token: fac, header: map[string]string{"If-None-Match": etag}}); again.status != http.StatusNotModified ||
			len(again.body) != 0 || again.header.Get("ETag") != etag {
			t.Fatalf("%s with If-None-Match: %d %s (ETag %q)", path, again.status, again.body, again.header.Get("ETag"))
		}
		s.ok(call{method: http.MethodPost, path: "/rounds/" + r.ID + "/ratings", token: bea, body: ratingRequest{ProposalID: p.ID, Value: intp(1 + len(path)%5), Reason: path}}, http.StatusCreated, nil)
		changed := s.ok(call{method: http.MethodGet, path: path, token: fac, header: map[string]string{"If-None-Match": etag}}, http.StatusOK, nil)
		if changed.header.Get("ETag") == etag {
			t.Fatalf("%s: ETag unchanged after a rating", path)
		}
	}

	var full analysis.Result
	s.ok(call{method: http.MethodGet, path: "/rounds/" + r.ID + "/analysis", token: fac}, http.StatusOK, &full)
	if full.RoundID != r.ID || len(full.Proposals) != 1 || full.Proposals[0].NRated != 2 {
		t.Fatalf("analysis = %+v", full.Proposals)
	}

	// After-own-rating: a member who has not rated sees no distribution.
	_, cal := s.join(inv, "Cal", "")
	var res listBody[engine.ProposalResults]
	s.ok(call{method: http.MethodGet, path: "/rounds/" + r.ID + "/results", token: cal}, http.StatusOK, &res)
	if len(res.Items) != 1 || res.Items[0].Visible || res.Items[0].Distribution != nil || res.Items[0].Hidden == "" {
		t.Fatalf("results before rating = %+v", res.Items)
	}
	s.ok(call{method: http.MethodPost, path: "/rounds/" + r.ID + "/ratings", token: cal, body: ratingRequest{ProposalID: p.ID, Pass: true}}, http.StatusCreated, nil)
	s.ok(call{method: http.MethodGet, path: "/rounds/" + r.ID + "/results", token: cal}, http.StatusOK, &res)
	if !res.Items[0].Visible || res.Items[0].NRated != 2 || res.Items[0].NPassed != 1 {
		t.Fatalf("results after passing = %+v", res.Items)
	}
}
