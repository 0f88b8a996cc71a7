package bunstore_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// benchRound is a group with members and proposals on one round in rating.
type benchRound struct {
	group     *engine.Group
	round     *engine.Round
	members   []*engine.Member
	proposals []*engine.Proposal
}

// benchTime is a fixed start time; ids made from increasing offsets sort in
// order.
var benchTime = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// seedBenchRound stores a group of nMembers members and nProposals
// proposals in one transaction.
func seedBenchRound(b *testing.B, s engine.Store, nMembers, nProposals int) *benchRound {
	b.Helper()
	ctx := context.Background()
	now := benchTime
	tick := func() time.Time { now = now.Add(time.Millisecond); return now }
	acct := &engine.Account{ID: engine.NewID(tick()), Email: "bench@example.org", Name: "Bench", PasswordHash: "x", CreatedAt: now}
	w := &benchRound{group: &engine.Group{ID: engine.NewID(tick()), Name: "Bench",
		Settings:  engine.GroupSettings{Scale: engine.ScaleLikert5, RevealPolicy: engine.RevealAfterOwnRating},
		CreatedBy: acct.ID, CreatedAt: now, UpdatedAt: now}}
	w.round = &engine.Round{ID: engine.NewID(tick()), GroupID: w.group.ID, Number: 1, State: engine.RoundRating, RuleVersion: 1, CreatedAt: now}
	for i := 0; i < nMembers; i++ {
		w.members = append(w.members, &engine.Member{ID: engine.NewID(tick()), GroupID: w.group.ID,
			DisplayName: fmt.Sprintf("M%d", i), Role: engine.RoleMember, CreatedAt: now})
	}
	for i := 0; i < nProposals; i++ {
		w.proposals = append(w.proposals, &engine.Proposal{ID: engine.NewID(tick()), GroupID: w.group.ID, RoundID: w.round.ID,
			Text: fmt.Sprintf("P%d", i), State: engine.ProposalVisible, CreatedBy: acct.ID, CreatedAt: now})
	}
	err := s.InTx(ctx, func(tx engine.Tx) error {
		if err := tx.CreateAccount(ctx, acct); err != nil {
			return err
		}
		if err := tx.CreateGroup(ctx, w.group); err != nil {
			return err
		}
		if err := tx.CreateRound(ctx, w.round); err != nil {
			return err
		}
		for _, m := range w.members {
			if err := tx.CreateMember(ctx, m); err != nil {
				return err
			}
		}
		for i, p := range w.proposals {
			if err := tx.CreateProposal(ctx, p); err != nil {
				return err
			}
			if err := tx.AddAgendaItem(ctx, &engine.AgendaItem{RoundID: w.round.ID, ProposalID: p.ID, Source: engine.AgendaNew,
				Position: i, CreatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("seed: %v", err)
	}
	return w
}

// eachDB runs fn as sub-benchmarks on SQLite and PostgreSQL.
func eachDB(b *testing.B, fn func(b *testing.B, db *bunstore.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, bunstoretest.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) { fn(b, bunstoretest.Postgres(b)) })
}

// BenchmarkSubmitRating measures the store's part of a rating submission:
// one transaction that reads the current rating and appends an event, from
// 64 concurrent clients, with throughput and 99th-percentile latency.
func BenchmarkSubmitRating(b *testing.B) {
	eachDB(b, func(b *testing.B, db *bunstore.DB) {
		s := bunstore.NewStore(db)
		w := seedBenchRound(b, s, 64, 60)
		ctx := context.Background()
		rateConcurrently(b, w, func(m *engine.Member, p *engine.Proposal, n int64) error {
			at := benchTime.Add(time.Hour + time.Duration(n)*time.Microsecond)
			v := 1 + int(n)%5
			return s.InTx(ctx, func(tx engine.Tx) error {
				ev := &engine.RatingEvent{ID: engine.NewID(at), GroupID: w.group.ID, RoundID: w.round.ID, ProposalID: p.ID,
					MemberID: m.ID, Value: &v, Mode: engine.ModeSelf, EnteredBy: m.ID,
					IdempotencyKey: fmt.Sprintf("k%d", n), CreatedAt: at}
				cur, err := tx.CurrentRating(ctx, w.round.ID, p.ID, m.ID)
				switch engine.ErrorCode(err) {
				case "":
					ev.PreviousEventID = cur.ID
				case engine.ENOTFOUND:
				default:
					return err
				}
				return tx.AppendRatingEvent(ctx, ev)
			})
		})
	})
}

// rateConcurrently runs b.N calls of rate from 64 concurrent clients, each
// a member of w, cycling over w's proposals (n numbers the call), and
// reports ratings/s and the 99th-percentile latency.
func rateConcurrently(b *testing.B, w *benchRound, rate func(m *engine.Member, p *engine.Proposal, n int64) error) {
	var seq, client atomic.Int64
	var mu sync.Mutex
	var latencies []time.Duration
	b.SetParallelism(32) // 32 × GOMAXPROCS(2) = 64 clients
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		m := w.members[int(client.Add(1)-1)%len(w.members)]
		var mine []time.Duration
		defer func() {
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		}()
		for pb.Next() {
			start := time.Now()
			n := seq.Add(1)
			if err := rate(m, w.proposals[int(n)%len(w.proposals)], n); err != nil {
				b.Errorf("rating %d: %v", n, err)
				return
			}
			mine = append(mine, time.Since(start))
		}
	})
	b.StopTimer()
	if len(latencies) > 0 {
		slices.Sort(latencies)
		b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ratings/s")
	}
}

// BenchmarkRoundVersion measures RoundVersion, the check an analysis cache
// makes on every read, on a co-design round (30 members × 60 proposals,
// 1 800 rating events) and a large one (500 × 60, 30 000 events).
func BenchmarkRoundVersion(b *testing.B) {
	for _, size := range []struct{ members, proposals int }{{30, 60}, {500, 60}} {
		b.Run(fmt.Sprintf("%dx%d", size.members, size.proposals), func(b *testing.B) {
			eachDB(b, func(b *testing.B, db *bunstore.DB) {
				s := bunstore.NewStore(db)
				w := seedBenchRound(b, s, size.members, size.proposals)
				ctx := context.Background()
				at := benchTime.Add(time.Hour)
				err := s.InTx(ctx, func(tx engine.Tx) error {
					for _, m := range w.members {
						for i, p := range w.proposals {
							at = at.Add(time.Millisecond)
							v := 1 + i%5
							if err := tx.AppendRatingEvent(ctx, &engine.RatingEvent{ID: engine.NewID(at), GroupID: w.group.ID,
								RoundID: w.round.ID, ProposalID: p.ID, MemberID: m.ID, Value: &v, Mode: engine.ModeSelf,
								EnteredBy: m.ID, CreatedAt: at}); err != nil {
								return err
							}
						}
					}
					return nil
				})
				if err != nil {
					b.Fatalf("seed ratings: %v", err)
				}
				for b.Loop() {
					if _, err := s.RoundVersion(ctx, w.round.ID); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
