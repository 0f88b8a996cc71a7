package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// TestGracefulShutdown sends SIGTERM while a rating is half-way through
// its request, other members keep submitting, and live event streams of
// both kinds (the API's and the facilitator dashboard's) are open: the
// half-sent rating completes with 201 and is stored, no request is
// answered with an error, every stream ends cleanly (its chunked body
// terminated, not cut), and the process exits 0 within the grace period.
func TestGracefulShutdown(t *testing.T) {
	const grace = 20 * time.Second
	url := bunstoretest.SQLiteURL(t)
	srv := startServer(t, url, "--shutdown-grace", grace.String())
	const members = 6
	c := newClient(srv.base, members+2)
	fx := setUpRound(t, c, members, 4)

	// Live streams: the API's for the facilitator and a member, the
	// dashboard's (a page of the site, signed in by cookie) for the
	// facilitator.
	apiEvents := srv.base + "/api/v1/rounds/" + fx.roundID + "/events"
	streams := map[string]*stream{
		"API, facilitator": openStream(t, apiEvents, map[string]string{"Authorization": "Bearer " + fx.fac}),
		"API, member":      openStream(t, apiEvents, map[string]string{"Authorization": "Bearer " + fx.members[0]}),
		"dashboard":        openStream(t, srv.base+"/rounds/"+fx.roundID+"/events", map[string]string{"Cookie": "allvoice_session=" + fx.fac}),
	}
	if a, err := c.rate(fx, 1, "before", ratingBody{ProposalID: fx.proposals[0], Value: 3}); err != nil || a.status != http.StatusCreated {
		t.Fatalf("rating before shutdown: %d %v", a.status, err)
	}
	for name, s := range streams {
		want := "rating"
		if name == "dashboard" {
			want = "update"
		}
		t.Run("live before shutdown/"+name, func(t *testing.T) { s.next(t, want, requestBound) })
	}

	// A rating whose body is half sent when the signal comes.
	body, _ := json.Marshal(ratingBody{ProposalID: fx.proposals[1], Value: 4, Reason: "Sent slowly"})
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/rounds/%s/ratings HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/json\r\nIdempotency-Key: slow\r\nContent-Length: %d\r\n\r\n",
		fx.roundID, strings.TrimPrefix(srv.base, "http://"), fx.members[2], len(body))
	half := len(body) / 2
	if _, err := conn.Write(body[:half]); err != nil {
		t.Fatal(err)
	}

	// Other members keep submitting throughout.
	load := startRaters(c, fx, members, "shutdown")
	waitFor(t, "ratings stored under load", func() bool {
		load.mu.Lock()
		defer load.mu.Unlock()
		return count(load.outcomes, http.StatusCreated) >= 20
	})

	signalled := time.Now()
	srv.signal(syscall.SIGTERM)
	time.Sleep(300 * time.Millisecond) // the server is draining now
	if _, err := conn.Write(body[half:]); err != nil {
		t.Fatalf("finishing the half-sent rating after SIGTERM: %v", err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(requestBound))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the half-sent rating got no answer after SIGTERM: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("the half-sent rating answered %d, want 201", resp.StatusCode)
	}

	code := srv.wait(grace + requestBound)
	exited := time.Since(signalled)
	if code != 0 {
		t.Fatalf("allvoice serve exited with %d after SIGTERM, want 0:\n%s", code, srv.out.String())
	}
	t.Logf("exited 0 %s after SIGTERM (grace %s)", exited.Round(time.Millisecond), grace)

	answered := 0
	for _, o := range load.end() {
		if o.err != nil {
			continue // sent after the server stopped taking requests
		}
		answered++
		if o.status != http.StatusCreated {
			t.Errorf("a rating during shutdown answered %d", o.status)
		}
	}
	t.Logf("%d ratings answered under load, all 201", answered)
	for name, s := range streams {
		t.Run("ends cleanly/"+name, func(t *testing.T) {
			for range s.events { // drain what came before the end
			}
			if s.err != nil {
				t.Errorf("the stream was cut off instead of ending: %v", s.err)
			}
		})
	}

	// The half-sent rating was stored: a retry replays it.
	srv = startServer(t, url)
	c = newClient(srv.base, 1)
	a, err := c.rate(fx, 2, "slow", ratingBody{ProposalID: fx.proposals[1], Value: 4, Reason: "Sent slowly"})
	var ra ratingAnswer
	_ = json.Unmarshal(a.body, &ra)
	if err != nil || a.status != http.StatusOK || !ra.Replayed {
		t.Fatalf("retrying the half-sent rating after restart: %d %s %v, want a replay", a.status, a.body, err)
	}
}
