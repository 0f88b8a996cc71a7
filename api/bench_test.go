package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// benchClients is the number of concurrent clients of ARCHITECTURE.md §7.
const benchClients = 64

// BenchmarkSubmitRating measures rating submissions through the API over
// a real loopback listener: 64 clients, each a member of the group,
// submit ratings (each a new event: fresh idempotency keys, values
// cycling over 20 proposals) as fast as the server answers. It reports
// ratings/s and the latency percentiles; the target is ≥ 2,000/s with
// p99 < 50 ms on each database.
//
// Both databases commit as in production: SQLite with its production
// settings, PostgreSQL in a cluster of the benchmark's own with fsync and
// synchronous_commit on (the shared test cluster waits for no disk).
//
// Each database and server is set up once, on the parent benchmark: the
// sub-benchmark's function runs again for every b.N, with cleanups in
// between. PostgreSQL is set up after SQLite has run, so that its absence
// (a skip) leaves the SQLite figures standing.
func BenchmarkSubmitRating(b *testing.B) {
	sqlite := setUpRatingBench(b, bunstoretest.SQLite(b))
	b.Run("sqlite", func(b *testing.B) { benchSubmitRating(b, sqlite) })
	postgres := setUpRatingBench(b, bunstoretest.NewDurableCluster(b).Open(b))
	b.Run("postgres", func(b *testing.B) { benchSubmitRating(b, postgres) })
}

// ratingBench is a group ready for rating, served on a loopback port.
type ratingBench struct {
	url       string
	client    *http.Client
	tokens    []string
	proposals []string
	roundID   string
}

func benchSubmitRating(b *testing.B, rb *ratingBench) {
	var next atomic.Int64
	var failures atomic.Int64
	var firstErr atomic.Value
	latencies := make([][]time.Duration, benchClients)
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for c := range benchClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := next.Add(1)
				if n > int64(b.N) {
					return
				}
				body, _ := json.Marshal(ratingRequest{ProposalID: rb.proposals[int(n)%len(rb.proposals)], Value: intp(1 + int(n)%5)})
				req, _ := http.NewRequest(http.MethodPost, rb.url+Prefix+"/rounds/"+rb.roundID+"/ratings", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+rb.tokens[c])
				req.Header.Set("Idempotency-Key", "bench-"+strconv.FormatInt(n, 10)+"-"+strconv.FormatInt(start.UnixNano(), 36))
				t0 := time.Now()
				resp, err := rb.client.Do(req)
				if err == nil {
					raw, _ := io.ReadAll(resp.Body)
					_ = resp.Body.Close()
					if resp.StatusCode != http.StatusCreated {
						err = fmt.Errorf("status %d: %s", resp.StatusCode, raw)
					}
				}
				latencies[c] = append(latencies[c], time.Since(t0))
				if err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failures.Load(); n > 0 {
		b.Fatalf("%d of %d submissions failed; first: %v", n, b.N, firstErr.Load())
	}
	all := slices.Concat(latencies...)
	slices.Sort(all)
	pct := func(p float64) float64 {
		return float64(all[min(len(all)-1, int(p*float64(len(all))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "ratings/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

func setUpRatingBench(b *testing.B, db *bunstore.DB) *ratingBench {
	s := newServer(b, db)
	fac, _ := s.account("Bench")
	g := s.group(fac, nil)
	inv := s.invite(fac, g.ID, inviteRequest{Kind: engine.InviteReusable, MaxUses: benchClients})
	rb := &ratingBench{}
	for i := range benchClients {
		_, tok := s.join(inv, fmt.Sprintf("Client %d", i), "")
		rb.tokens = append(rb.tokens, tok)
	}
	r := s.round(fac, g.ID, "Benchmark")
	rb.roundID = r.ID
	s.transition(fac, r.ID, "open")
	for i := range 20 {
		rb.proposals = append(rb.proposals, s.propose(rb.tokens[i], r.ID, fmt.Sprintf("Proposal %d", i)).ID)
	}
	s.transition(fac, r.ID, "rating")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = s.app.Listener(ln) }()
	b.Cleanup(func() { _ = s.app.Shutdown() })
	rb.url = "http://" + ln.Addr().String()
	rb.client = &http.Client{Transport: &http.Transport{MaxIdleConns: benchClients, MaxIdleConnsPerHost: benchClients, MaxConnsPerHost: benchClients}}
	return rb
}
