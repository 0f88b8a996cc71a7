package main

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// liveClients is the number of live stream clients of ARCHITECTURE.md §7.
const liveClients = 1000

// liveRound is an in-process server (the real wiring of newServer) with a
// round in rating and many clients holding its live stream open.
type liveRound struct {
	srv     *server
	c       *client
	fx      *fixture
	mu      sync.Mutex
	arrived []chan time.Time // one per client: when each "event: name" line arrived
}

// raiseFileLimit lifts the soft limit on open files to the hard limit:
// every stream is a socket at both ends of the loopback.
func raiseFileLimit(tb testing.TB, need uint64) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return
	}
	if lim.Cur < need && lim.Cur < lim.Max {
		lim.Cur = min(max(need, lim.Cur), lim.Max)
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
		_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
	if lim.Cur < need {
		tb.Skipf("only %d files may be open; %d live streams need about %d", lim.Cur, liveClients, need)
	}
}

// newLiveRound starts the server on databaseURL and prepares the round.
func newLiveRound(tb testing.TB, databaseURL string) *liveRound {
	tb.Helper()
	raiseFileLimit(tb, 2*liveClients+512)
	ctx, cancel := context.WithCancel(context.Background())
	cfg := &config{DatabaseURL: databaseURL, Migrate: true, LogLevel: "error"}
	srv, err := newServer(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.serve(ctx, ln, 10*time.Second) }()
	tb.Cleanup(func() {
		cancel()
		<-served
		srv.close()
	})
	lr := &liveRound{srv: srv, c: newClient("http://"+ln.Addr().String(), 4)}
	lr.fx = setUpRound(tb, lr.c, 2, 2)
	return lr
}

// open connects n clients to url (a full URL with the given header) and
// returns once every one is subscribed. Each client reports the arrival
// time of every event named name.
func (lr *liveRound) open(tb testing.TB, n int, url string, header map[string]string, name string) {
	tb.Helper()
	// Every step is bounded, so a machine too loaded to connect a client
	// fails the test instead of hanging it.
	tr := &http.Transport{MaxConnsPerHost: 0, DisableKeepAlives: true, DisableCompression: true,
		DialContext: (&net.Dialer{Timeout: requestBound}).DialContext, ResponseHeaderTimeout: requestBound}
	cl := &http.Client{Transport: tr}
	tb.Cleanup(tr.CloseIdleConnections)
	errs := make(chan error, n)
	var ready sync.WaitGroup
	sem := make(chan struct{}, 64) // connect 64 at a time, as browsers arriving
	for range n {
		ready.Add(1)
		sem <- struct{}{}
		go func() {
			subscribed := func() { ready.Done(); <-sem }
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			for k, v := range header {
				req.Header.Set(k, v)
			}
			resp, err := cl.Do(req)
			if err == nil && resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("status %d", resp.StatusCode)
				resp.Body.Close()
			}
			if err != nil {
				errs <- err
				subscribed()
				return
			}
			tb.Cleanup(func() { resp.Body.Close() })
			br := bufio.NewReader(resp.Body)
			stalled := time.AfterFunc(requestBound, func() { resp.Body.Close() })
			_, err = br.ReadString('\n') // the server's first comment: subscribed
			if !stalled.Stop() && err == nil {
				err = fmt.Errorf("no subscription comment within %s", requestBound)
			}
			if err != nil {
				errs <- err
				subscribed()
				return
			}
			ch := make(chan time.Time, 16)
			lr.mu.Lock()
			lr.arrived = append(lr.arrived, ch)
			lr.mu.Unlock()
			subscribed()
			want := "event: " + name
			for {
				line, err := br.ReadString('\n')
				if err != nil {
					close(ch)
					return
				}
				if strings.TrimRight(line, "\r\n") == want {
					ch <- time.Now()
				}
			}
		}()
	}
	ready.Wait()
	close(errs)
	for err := range errs {
		tb.Fatalf("opening a live stream: %v", err)
	}
}

// deliver submits a rating and returns how long each client took to
// receive its event, sorted; it fails tb when a client gets none within
// requestBound.
func (lr *liveRound) deliver(tb testing.TB, n int) []time.Duration {
	tb.Helper()
	start := time.Now()
	a, err := lr.c.rate(lr.fx, n%2, fmt.Sprintf("live-%d-%d", n, start.UnixNano()), ratingBody{ProposalID: lr.fx.proposals[n%2], Value: 1 + n%5})
	if err != nil || a.status != http.StatusCreated {
		tb.Fatalf("rating: %d %s %v", a.status, a.body, err)
	}
	took := make([]time.Duration, 0, len(lr.arrived))
	deadline := time.After(requestBound)
	for i, ch := range lr.arrived {
		select {
		case at, ok := <-ch:
			if !ok {
				tb.Fatalf("client %d's stream ended", i)
			}
			took = append(took, at.Sub(start))
		case <-deadline:
			tb.Fatalf("client %d of %d received no event within %s", i, len(lr.arrived), requestBound)
		}
	}
	slices.Sort(took)
	return took
}

// TestThousandLiveStreams: with 1,000 clients on a round's API event
// stream, one rating reaches every one of them.
func TestThousandLiveStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 1,000 connections")
	}
	lr := newLiveRound(t, bunstoretest.SQLiteURL(t))
	lr.open(t, liveClients, lr.c.base+"/api/v1/rounds/"+lr.fx.roundID+"/events", map[string]string{"Authorization": "Bearer " + lr.fx.fac}, "rating")
	if got := lr.srv.hub.Subscribers(lr.fx.roundID); got != liveClients {
		t.Fatalf("%d subscribers, want %d", got, liveClients)
	}
	for n := range 3 {
		if took := lr.deliver(t, n); len(took) != liveClients {
			t.Fatalf("rating %d reached %d clients, want %d", n, len(took), liveClients)
		}
	}
}

// BenchmarkLiveDelivery measures how long a rating takes to reach every
// one of 1,000 live stream clients of its round (ARCHITECTURE.md §7: all
// within 1 s), from sending the rating to the last client reading its
// event: the API's event stream (an event per rating) and the facilitator
// dashboard's (the dashboard's live part re-rendered for each client).
// It reports the slowest client's time (max-ms) and the median client's
// (p50-ms), averaged over the ratings.
func BenchmarkLiveDelivery(b *testing.B) {
	for _, kind := range []struct{ name, event string }{{"api", "rating"}, {"dashboard", "update"}} {
		b.Run(kind.name, func(b *testing.B) {
			lr := newLiveRound(b, bunstoretest.SQLiteURL(b))
			url := lr.c.base + "/api/v1/rounds/" + lr.fx.roundID + "/events"
			header := map[string]string{"Authorization": "Bearer " + lr.fx.fac}
			if kind.name == "dashboard" {
				url = lr.c.base + "/rounds/" + lr.fx.roundID + "/events"
				header = map[string]string{"Cookie": "allvoice_session=" + lr.fx.fac}
			}
			lr.open(b, liveClients, url, header, kind.event)
			var worst, median time.Duration
			b.ResetTimer()
			for n := range b.N {
				took := lr.deliver(b, n)
				worst += took[len(took)-1]
				median += took[len(took)/2]
				// Let the streams settle before the next rating, so each is
				// measured on its own.
				time.Sleep(50 * time.Millisecond)
			}
			b.StopTimer()
			b.ReportMetric(float64(worst.Microseconds())/1000/float64(b.N), "max-ms")
			b.ReportMetric(float64(median.Microseconds())/1000/float64(b.N), "p50-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}
