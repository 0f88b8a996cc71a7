package bunstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// TestRatingWritesShareTransactions: many ratings written at once (which
// share transactions) each get the outcome they would get alone — a
// rating that fails does not take the others with it, a key used twice is
// written once, a cancelled caller's rating is not written — and
// everything acknowledged is stored with its audit event.
func TestRatingWritesShareTransactions(t *testing.T) {
	for _, d := range []struct {
		name string
		open func(testing.TB) *bunstore.DB
	}{{"sqlite", bunstoretest.SQLite}, {"postgres", bunstoretest.Postgres}} {
		t.Run(d.name, func(t *testing.T) { testRatingWritesShareTransactions(t, bunstore.NewStore(d.open(t))) })
	}
}

func testRatingWritesShareTransactions(t *testing.T, s *bunstore.Store) {
	w := seedRound(t, s, 16, 8)
	ctx := context.Background()
	rev, err := s.RoundRevision(ctx, w.round.ID)
	if err != nil {
		t.Fatal(err)
	}
	at := benchTime.Add(time.Hour)
	write := func(n int, proposalID, key string) *engine.RatingWrite {
		m := w.members[n%len(w.members)]
		now := at.Add(time.Duration(n) * time.Millisecond)
		v := 1 + n%5
		ev := &engine.RatingEvent{ID: engine.NewID(now), GroupID: w.group.ID, RoundID: w.round.ID, ProposalID: proposalID,
			MemberID: m.ID, Value: &v, Mode: engine.ModeSelf, EnteredBy: m.ID, IdempotencyKey: key, BodyHash: "h", CreatedAt: now}
		return &engine.RatingWrite{Event: ev, Revision: rev, Audit: &engine.AuditEvent{ID: engine.NewID(now), GroupID: w.group.ID,
			ActorID: m.ID, Action: "rating.submitted", SubjectType: "rating_event", SubjectID: ev.ID, CreatedAt: now}}
	}
	const n = 96
	writes := make([]*engine.RatingWrite, n)
	ctxs := make([]context.Context, n)
	for i := range writes {
		writes[i] = write(i, w.proposals[i%len(w.proposals)].ID, fmt.Sprintf("k%d", i))
		ctxs[i] = ctx
	}
	const bad, twice, cancelled = 40, 41, 42
	writes[bad] = write(bad, engine.NewID(at), "bad") // no such proposal
	writes[twice].Event.IdempotencyKey = writes[twice-16].Event.IdempotencyKey
	writes[twice].Event.MemberID = writes[twice-16].Event.MemberID
	gone, cancel := context.WithCancel(ctx)
	cancel()
	ctxs[cancelled] = gone

	outs := make([]*engine.RatingWritten, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range writes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			outs[i], errs[i] = s.WriteRating(ctxs[i], writes[i])
		}()
	}
	close(start)
	wg.Wait()

	stored := map[string]bool{}
	events, err := s.RatingEvents(ctx, w.group.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		stored[e.ID] = true
	}
	audit, err := s.AuditEvents(ctx, w.group.ID, engine.Page{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	audited := map[string]bool{}
	for _, a := range audit {
		audited[a.SubjectID] = true
	}
	written := 0
	for i := range writes {
		id := writes[i].Event.ID
		switch {
		case i == bad:
			if engine.ErrorCode(errs[i]) != engine.EINVALID {
				t.Errorf("the rating of a missing proposal: %v, want invalid", errs[i])
			}
		case i == cancelled:
			if errs[i] == nil && outs[i].Written {
				t.Errorf("a cancelled caller's rating was written")
			}
		case errs[i] != nil:
			t.Errorf("write %d: %v", i, errs[i])
		case i == twice || i == twice-16:
			// One of the two with the same key is written, the other finds it.
			if outs[i].Written == (outs[i].Keyed != nil) {
				t.Errorf("write %d with a shared key: %+v", i, outs[i])
			}
		case !outs[i].Written:
			t.Errorf("write %d not written: %+v", i, outs[i])
		}
		if errs[i] == nil && outs[i].Written {
			written++
			if !stored[id] || !audited[id] {
				t.Errorf("write %d acknowledged but stored %v, audited %v", i, stored[id], audited[id])
			}
		} else if stored[id] || audited[id] {
			t.Errorf("write %d not acknowledged but stored %v, audited %v", i, stored[id], audited[id])
		}
	}
	if written != len(events) || written != n-3 {
		t.Errorf("%d writes acknowledged, %d events stored, want %d", written, len(events), n-3)
	}
}

// seedRound stores a group with members and proposals on the agenda of
// a round in rating.
func seedRound(t *testing.T, s engine.Store, nMembers, nProposals int) *benchRound {
	t.Helper()
	ctx := context.Background()
	now := benchTime
	tick := func() time.Time { now = now.Add(time.Millisecond); return now }
	acct := &engine.Account{ID: engine.NewID(tick()), Email: "batch@example.org", Name: "Batch", PasswordHash: "x", CreatedAt: now}
	w := &benchRound{group: &engine.Group{ID: engine.NewID(tick()), Name: "Batch",
		Settings: engine.GroupSettings{Scale: engine.ScaleLikert5}, CreatedBy: acct.ID, CreatedAt: now, UpdatedAt: now}}
	w.round = &engine.Round{ID: engine.NewID(tick()), GroupID: w.group.ID, Number: 1, State: engine.RoundRating, RuleVersion: 1, CreatedAt: now}
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
		for i := range nMembers {
			m := &engine.Member{ID: engine.NewID(tick()), GroupID: w.group.ID, DisplayName: fmt.Sprintf("M%d", i),
				Role: engine.RoleMember, CreatedAt: now}
			if err := tx.CreateMember(ctx, m); err != nil {
				return err
			}
			w.members = append(w.members, m)
		}
		for i := range nProposals {
			p := &engine.Proposal{ID: engine.NewID(tick()), GroupID: w.group.ID, RoundID: w.round.ID, Text: fmt.Sprintf("P%d", i),
				State: engine.ProposalVisible, CreatedBy: acct.ID, CreatedAt: now}
			if err := tx.CreateProposal(ctx, p); err != nil {
				return err
			}
			if err := tx.AddAgendaItem(ctx, &engine.AgendaItem{RoundID: w.round.ID, ProposalID: p.ID, Source: engine.AgendaNew,
				Position: i, CreatedAt: now}); err != nil {
				return err
			}
			w.proposals = append(w.proposals, p)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	return w
}

// TestRatingBatchSurvivesAPanic: a write that panics (here a programming
// error: no audit event) fails alone with an internal error, and the
// writes after it are still taken, instead of every later rating waiting
// on a batch that never ends.
func TestRatingBatchSurvivesAPanic(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		s := bunstore.NewStore(db)
		w := seedRound(t, s, 2, 2)
		ctx := context.Background()
		rev, err := s.RoundRevision(ctx, w.round.ID)
		if err != nil {
			t.Fatal(err)
		}
		write := func(n int, audited bool) *engine.RatingWrite {
			now := benchTime.Add(time.Duration(n) * time.Minute)
			v := 3
			m := w.members[n%2]
			ev := &engine.RatingEvent{ID: engine.NewID(now), GroupID: w.group.ID, RoundID: w.round.ID, ProposalID: w.proposals[n%2].ID,
				MemberID: m.ID, Value: &v, Mode: engine.ModeSelf, EnteredBy: m.ID, BodyHash: "h", CreatedAt: now}
			rw := &engine.RatingWrite{Event: ev, Revision: rev}
			if audited {
				rw.Audit = &engine.AuditEvent{ID: engine.NewID(now), GroupID: w.group.ID, ActorID: m.ID, Action: "rating.submitted",
					SubjectType: "rating_event", SubjectID: ev.ID, CreatedAt: now}
			}
			return rw
		}
		if _, err := s.WriteRating(ctx, write(1, false)); engine.ErrorCode(err) != engine.EINTERNAL {
			t.Fatalf("a write that panics: %v, want an internal error", err)
		}
		for n := 2; n < 6; n++ {
			out, err := s.WriteRating(ctx, write(n, true))
			if err != nil || !out.Written {
				t.Fatalf("write %d after the panic: %+v, %v", n, out, err)
			}
		}
	})
}
