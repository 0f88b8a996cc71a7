package engine_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// gatedStore holds every CurrentRatings answer (which each analysis reads
// once per round it covers) at a gate while hold is set, and counts them.
type gatedStore struct {
	engine.Store
	hold    atomic.Bool
	release chan struct{}
	calls   atomic.Int64
	waiting atomic.Int64
}

func (s *gatedStore) CurrentRatings(ctx context.Context, roundID string) ([]*engine.RatingEvent, error) {
	s.calls.Add(1)
	evs, err := s.Store.CurrentRatings(ctx, roundID)
	if s.hold.Load() {
		s.waiting.Add(1)
		<-s.release
	}
	return evs, err
}

// waitFor polls cond until it holds, failing after a generous bound (a
// bound on a hang, not a timing assertion).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// TestAnalysesQueueBehindTheRunningOne: readers who arrive while a round's
// analysis is being computed all share one analysis queued behind it,
// instead of computing one each, and that analysis includes the ratings
// acknowledged before they asked; the reader of the running analysis gets
// what it started from.
func TestAnalysesQueueBehindTheRunningOne(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		w := newWorld(t, db, engine.GroupSettings{Scale: engine.ScaleLikert5})
		rd, ps := w.openRound("Open in the evenings", "No referral needed")
		w.rate(w.members[0], rd.ID, ps[0].ID, 4)
		gate := &gatedStore{Store: bunstore.NewStore(db), release: make(chan struct{})}
		reader := engine.New(engine.Config{Store: gate})
		nRated := func() (int, error) {
			res, err := reader.RoundResults(w.ctx, w.fac, rd.ID)
			if err != nil {
				return 0, err
			}
			for _, p := range res {
				if p.ProposalID == ps[0].ID {
					return p.NRated, nil
				}
			}
			return 0, fmt.Errorf("no results for the proposal")
		}

		gate.hold.Store(true)
		type answer struct {
			n   int
			err error
		}
		first := make(chan answer, 1)
		go func() { n, err := nRated(); first <- answer{n, err} }()
		waitFor(t, "the first analysis to start", func() bool { return gate.waiting.Load() == 1 })

		w.rate(w.members[1], rd.ID, ps[0].ID, 2)
		const readers = 20
		later := make(chan answer, readers)
		for range readers {
			go func() { n, err := nRated(); later <- answer{n, err} }()
		}
		waitFor(t, "every reader to arrive", func() bool { return engine.AnalysisReaders(reader, rd.ID) == readers+1 })
		close(gate.release)

		if a := <-first; a.err != nil || a.n != 1 {
			t.Errorf("the first reader: %d rated, %v; want the 1 rating there when it asked", a.n, a.err)
		}
		for range readers {
			if a := <-later; a.err != nil || a.n != 2 {
				t.Errorf("a later reader: %d rated, %v; want both ratings", a.n, a.err)
			}
		}
		if n := gate.calls.Load(); n != 2 {
			t.Errorf("%d analyses computed for %d readers, want 2 (the running one and one queued)", n, readers+1)
		}
		// Nothing changed since: the next reader is answered from the cache.
		if n, err := nRated(); err != nil || n != 2 || gate.calls.Load() != 2 {
			t.Errorf("a reader after: %d rated, %v, %d analyses; want 2 rated from the cache", n, err, gate.calls.Load())
		}
	})
}
