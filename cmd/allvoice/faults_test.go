package main

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// outcome is one request of the load an outage test keeps up.
type outcome struct {
	status int // 0: no answer within requestBound
	start  time.Time
	took   time.Duration
	err    error
}

// raters submit ratings continuously until stopped, recording each
// request's outcome.
type raters struct {
	mu       sync.Mutex
	outcomes []outcome
	stop     atomic.Bool
	wg       sync.WaitGroup
}

func startRaters(c *client, fx *fixture, n int, tag string) *raters {
	r := &raters{}
	for m := range n {
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			for i := 0; !r.stop.Load(); i++ {
				start := time.Now()
				a, err := c.rate(fx, m, fmt.Sprintf("%s-%d-%d", tag, m, i),
					ratingBody{ProposalID: fx.proposals[i%len(fx.proposals)], Value: 1 + i%5})
				o := outcome{status: a.status, start: start, took: time.Since(start), err: err}
				r.mu.Lock()
				r.outcomes = append(r.outcomes, o)
				r.mu.Unlock()
				if a.status == http.StatusServiceUnavailable {
					time.Sleep(20 * time.Millisecond) // as a client backs off
				}
			}
		}()
	}
	return r
}

// take returns the outcomes recorded since the last take.
func (r *raters) take() []outcome {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.outcomes
	r.outcomes = nil
	return out
}

func (r *raters) end() []outcome {
	r.stop.Store(true)
	r.wg.Wait()
	return r.take()
}

// TestDatabaseOutage stops the PostgreSQL cluster under load, fast and
// immediate as pg_ctl does: the server keeps answering — 503 for what
// needs the database, never a hung request or a 500 — and /readyz says
// 503; once the cluster is back the same server process recovers by
// itself: /readyz 200 and ratings stored again.
func TestDatabaseOutage(t *testing.T) {
	cl := bunstoretest.NewCluster(t)
	srv := startServer(t, cl.Database(t))
	const members = 8
	c := newClient(srv.base, members+4)
	fx := setUpRound(t, c, members, 6)

	for _, mode := range []bunstoretest.StopMode{bunstoretest.StopFast, bunstoretest.StopImmediate} {
		t.Run(mode.String(), func(t *testing.T) {
			load := startRaters(c, fx, members, "outage-"+mode.String())
			defer load.end()
			waitFor(t, "ratings to be stored before the outage", func() bool { return count(load.take(), http.StatusCreated) > 0 })

			if err := cl.Stop(mode); err != nil {
				t.Fatal(err)
			}
			waitReady(t, c, http.StatusServiceUnavailable, requestBound)
			down := time.Now() // what was sent before may have raced the stop
			var during []outcome
			waitFor(t, "requests answered during the outage", func() bool {
				for _, o := range load.take() {
					if o.start.After(down) {
						during = append(during, o)
					}
				}
				return len(during) >= 50
			})
			var slowest time.Duration
			for _, o := range during {
				slowest = max(slowest, o.took)
				switch {
				case o.err != nil:
					t.Fatalf("a request during the outage got no answer after %s: %v", o.took, o.err)
				case o.status != http.StatusServiceUnavailable:
					t.Fatalf("a rating during the outage answered %d, want 503", o.status)
				}
			}
			t.Logf("%d ratings during the outage, all 503; the slowest answer took %s", len(during), slowest)
			// Other operations that need the database say so too.
			for _, path := range []string{"/rounds/" + fx.roundID, "/rounds/" + fx.roundID + "/results", "/auth/me"} {
				a, err := c.send(http.MethodGet, path, fx.fac, nil, nil)
				if err != nil || a.status != http.StatusServiceUnavailable {
					t.Errorf("GET %s during the outage: %d %s %v, want 503", path, a.status, a.body, err)
				}
			}
			if a, err := c.send(http.MethodGet, "//healthz", "", nil, nil); err != nil || a.status != http.StatusOK {
				t.Errorf("/healthz during the outage: %d %v, want 200 (the process is alive)", a.status, err)
			}

			if err := cl.Start(); err != nil {
				t.Fatal(err)
			}
			waitReady(t, c, http.StatusOK, startBound)
			var recovered time.Time // when the first rating after the outage was stored
			waitFor(t, "a rating stored after the outage", func() bool {
				for _, o := range load.take() {
					if o.status == http.StatusCreated && (recovered.IsZero() || o.start.Add(o.took).Before(recovered)) {
						recovered = o.start.Add(o.took)
					}
				}
				return !recovered.IsZero()
			})
			// Every rating sent from then on is stored (one sent earlier may
			// still come back with the outage's 503).
			var after []outcome
			waitFor(t, "ratings after recovery", func() bool {
				for _, o := range load.take() {
					if o.start.After(recovered) {
						after = append(after, o)
					}
				}
				return len(after) >= 50
			})
			if n := count(after, http.StatusCreated); n != len(after) {
				for _, o := range after {
					if o.status != http.StatusCreated {
						t.Fatalf("%d of %d ratings after recovery failed; e.g. %d %v", len(after)-n, len(after), o.status, o.err)
					}
				}
			}
			for _, o := range load.end() {
				if o.err != nil || o.status >= 500 && o.status != http.StatusServiceUnavailable {
					t.Errorf("a request answered %d %v", o.status, o.err)
				}
			}
		})
	}
	if t.Failed() {
		t.Logf("server log (warnings and errors):\n%.8000s", srv.out.String())
	}
}

// count returns how many outcomes have status.
func count(os []outcome, status int) int {
	n := 0
	for _, o := range os {
		if o.status == status {
			n++
		}
	}
	return n
}

// waitFor polls cond until it holds, at most startBound.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(startBound)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", startBound, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
