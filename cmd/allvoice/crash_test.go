package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// ack is a rating the server acknowledged with a 2xx.
type ack struct {
	member  int
	key     string
	body    ratingBody
	eventID string
}

// TestCrashKeepsAcknowledgedRatings kills the server (SIGKILL, no chance
// to flush or shut down) while members submit ratings concurrently, starts
// it again on the same database, and checks that every rating that got a
// 2xx is there: resubmitting it with its idempotency key and body replays
// the same event instead of storing a new one (SPEC §4: nothing
// acknowledged is ever lost).
func TestCrashKeepsAcknowledgedRatings(t *testing.T) {
	for _, db := range []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return bunstoretest.SQLiteURL(t) }},
		// A cluster of the test's own commits durably, as production does.
		{"postgres", func(t *testing.T) string { return bunstoretest.NewCluster(t).Database(t) }},
	} {
		t.Run(db.name, func(t *testing.T) {
			url := db.url(t)
			srv := startServer(t, url)
			const members, proposals = 16, 8
			c := newClient(srv.base, members)
			fx := setUpRound(t, c, members, proposals)

			var mu sync.Mutex
			var acks []ack
			var stop atomic.Bool
			var inFlightLost atomic.Int64 // requests that got no answer: in flight at the kill
			var wg sync.WaitGroup
			for m := range members {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for n := 0; !stop.Load(); n++ {
						b := ratingBody{ProposalID: fx.proposals[(m+n)%proposals], Value: 1 + (m+n)%5}
						if n%3 == 0 {
							b.Reason = fmt.Sprintf("Reason %d of member %d", n, m)
						}
						key := fmt.Sprintf("crash-%d-%d", m, n)
						a, err := c.rate(fx, m, key, b)
						if err != nil {
							inFlightLost.Add(1)
							return // the server is gone
						}
						if a.status != http.StatusCreated {
							t.Errorf("member %d: status %d: %s", m, a.status, a.body)
							return
						}
						var ra ratingAnswer
						if err := json.Unmarshal(a.body, &ra); err != nil || ra.Event.ID == "" {
							t.Errorf("member %d: answer %s: %v", m, a.body, err)
							return
						}
						mu.Lock()
						acks = append(acks, ack{member: m, key: key, body: b, eventID: ra.Event.ID})
						mu.Unlock()
					}
				}()
			}
			// Kill mid-load, once plenty has been acknowledged.
			deadline := time.Now().Add(startBound)
			for {
				mu.Lock()
				n := len(acks)
				mu.Unlock()
				if n >= 300 || time.Now().After(deadline) || t.Failed() {
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			srv.signal(syscall.SIGKILL)
			if code := srv.wait(requestBound); code == 0 {
				t.Fatalf("the killed server exited with 0")
			}
			stop.Store(true)
			wg.Wait()
			if t.Failed() {
				return
			}
			t.Logf("%d ratings acknowledged before the kill; %d requests were cut off", len(acks), inFlightLost.Load())
			if len(acks) == 0 {
				t.Fatal("nothing was acknowledged before the kill")
			}

			// Again on the same database: every acknowledged rating is there.
			srv = startServer(t, url)
			c = newClient(srv.base, 8)
			var next atomic.Int64
			var lost, bad atomic.Int64
			var check sync.WaitGroup
			for range 8 {
				check.Add(1)
				go func() {
					defer check.Done()
					for {
						i := int(next.Add(1) - 1)
						if i >= len(acks) {
							return
						}
						k := acks[i]
						a, err := c.rate(fx, k.member, k.key, k.body)
						if err != nil {
							t.Errorf("replaying %s: %v", k.key, err)
							return
						}
						var ra ratingAnswer
						_ = json.Unmarshal(a.body, &ra)
						switch {
						case a.status == http.StatusCreated:
							lost.Add(1) // stored anew: the acknowledged one was gone
						case a.status != http.StatusOK || !ra.Replayed || ra.Event.ID != k.eventID:
							bad.Add(1)
							t.Errorf("replaying %s: %d %s, want a replay of event %s", k.key, a.status, a.body, k.eventID)
						}
					}
				}()
			}
			check.Wait()
			if n := lost.Load(); n > 0 {
				t.Fatalf("%d of %d acknowledged ratings were lost in the crash", n, len(acks))
			}
		})
	}
}
