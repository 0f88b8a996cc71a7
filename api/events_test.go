package api

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// TestRoundEvents follows a round's live events over a real connection:
// the stream opens at once, a rating arrives as a content-free event,
// and Close ends the stream so shutdown is not held up.
func TestRoundEvents(t *testing.T) {
	s := newServer(t, bunstoretest.SQLite(t))
	fac, _ := s.account("Live")
	g := s.group(fac, nil)
	inv := s.invite(fac, g.ID, inviteRequest{Kind: engine.InviteReusable})
	_, ada := s.join(inv, "Ada", "")
	r := s.round(fac, g.ID, "Live round")
	s.transition(fac, r.ID, "open")
	p := s.propose(ada, r.ID, "Watch me")
	s.transition(fac, r.ID, "rating")

	// Refusals come before the stream starts, as problems.
	if rep := s.do(call{method: http.MethodGet, path: "/rounds/" + r.ID + "/events"}); rep.status != http.StatusUnauthorized {
		t.Fatalf("anonymous stream: %d %s", rep.status, rep.body)
	}
	other, _ := s.account("Elsewhere")
	if rep := s.do(call{method: http.MethodGet, path: "/rounds/" + r.ID + "/events", token: other}); rep.status != http.StatusNotFound {
		t.Fatalf("another group's stream: %d %s", rep.status, rep.body)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.app.Listener(ln) }()
	defer s.app.Shutdown()
	req, _ := http.NewRequest(http.MethodGet, "http://"+ln.Addr().String()+Prefix+"/rounds/"+r.ID+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+fac)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	next := func() (string, bool) {
		select {
		case l, ok := <-lines:
			return l, ok
		case <-time.After(10 * time.Second):
			t.Fatal("no event within 10 s")
			return "", false
		}
	}
	if l, _ := next(); l != ": connected" {
		t.Fatalf("first line %q", l)
	}
	if n := s.api.streams.count(); n != 1 {
		t.Fatalf("%d open streams", n)
	}
	s.ok(call{method: http.MethodPost, path: "/rounds/" + r.ID + "/ratings", token: ada, body: ratingRequest{ProposalID: p.ID, Value: intp(2), Reason: "secret reason"}}, http.StatusCreated, nil)
	var event, data string
	for event == "" || data == "" {
		l, ok := next()
		if !ok {
			t.Fatal("stream ended early")
		}
		if v, ok := strings.CutPrefix(l, "event: "); ok {
			event = v
		}
		if v, ok := strings.CutPrefix(l, "data: "); ok {
			data = v
		}
	}
	var ev engine.RoundEvent
	if err := json.Unmarshal([]byte(data), &ev); err != nil || event != engine.EventRating || ev.RoundID != r.ID || ev.Kind != engine.EventRating {
		t.Fatalf("event %q data %q", event, data)
	}
	if strings.Contains(data, "secret") {
		t.Fatal("an event carries content")
	}

	s.api.Close()
	for {
		if _, ok := next(); !ok {
			break // the stream ended
		}
	}
	if n := s.api.streams.count(); n != 0 {
		t.Fatalf("%d streams left after Close", n)
	}
	if rep := s.do(call{method: http.MethodGet, path: "/rounds/" + r.ID + "/events", token: fac}); rep.status != http.StatusServiceUnavailable {
		t.Fatalf("stream after Close: %d %s", rep.status, rep.body)
	}
}
