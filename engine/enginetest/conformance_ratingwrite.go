package enginetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/allvoice/allvoice/engine"
)

func init() {
	conformanceCases = append(conformanceCases,
		struct {
			name string
			run  func(t *testing.T, s engine.Store)
		}{"RoundRevision", testRoundRevision},
		struct {
			name string
			run  func(t *testing.T, s engine.Store)
		}{"WriteRating", testWriteRating},
		struct {
			name string
			run  func(t *testing.T, s engine.Store)
		}{"WriteRatingConcurrently", testWriteRatingConcurrently},
	)
}

// revision returns the round's RoundRevision and fails the test on error.
func revision(t *testing.T, s engine.Store, roundID string) int64 {
	t.Helper()
	rev, err := s.RoundRevision(ctx, roundID)
	must(t, err, "RoundRevision")
	return rev
}

// testRoundRevision: the revision grows with every change to what decides
// who may rate what, and stays put for ratings, which must not invalidate
// the engine's rating checks.
func testRoundRevision(t *testing.T, s engine.Store) {
	w := seed(t, s, 2, 2)
	c := w.clock
	extra := newProposal(c, w.round, w.fac, "extra")
	other := newRound(c, w.group, 2, engine.RoundDraft)
	write(t, s, func(tx engine.Tx) error { return tx.CreateRound(ctx, other) })
	prev := revision(t, s, w.round.ID)
	if again := revision(t, s, w.round.ID); again != prev {
		t.Fatalf("RoundRevision changed without a change: %d then %d", prev, again)
	}
	p0, p1 := w.proposals[0], w.proposals[1]

	// Ratings, by either write, leave it alone.
	append1(t, s, newRating(c, w.round, p0, w.members[0], ptr(4)))
	res, err := s.WriteRating(ctx, ratingWrite(c, w, newRating(c, w.round, p1, w.members[1], ptr(2)), prev))
	must(t, err, "WriteRating")
	if !res.Written {
		t.Fatalf("WriteRating at the current revision did not write: %+v", res)
	}
	if rev := revision(t, s, w.round.ID); rev != prev {
		t.Fatalf("RoundRevision changed after ratings: %d then %d", prev, rev)
	}

	steps := []struct {
		what string
		fn   func(tx engine.Tx) error
	}{
		{"proposal created", func(tx engine.Tx) error { return tx.CreateProposal(ctx, extra) }},
		{"agenda item added", func(tx engine.Tx) error {
			return tx.AddAgendaItem(ctx, &engine.AgendaItem{RoundID: w.round.ID, ProposalID: extra.ID, Source: engine.AgendaNew,
				Position: 5, CreatedAt: c.now()})
		}},
		{"agenda item removed", func(tx engine.Tx) error { return tx.RemoveAgendaItem(ctx, w.round.ID, extra.ID) }},
		{"proposal hidden", func(tx engine.Tx) error {
			p := *p1
			p.State = engine.ProposalHidden
			p.ModerationReason = "off topic"
			return tx.UpdateProposal(ctx, &p)
		}},
		{"member joined", func(tx engine.Tx) error {
			return tx.CreateMember(ctx, newMember(c, w.group, "", "Late joiner", engine.RoleMember))
		}},
		{"member erased", func(tx engine.Tx) error {
			m := *w.members[1]
			m.ErasedAt = ptr(c.now())
			return tx.UpdateMember(ctx, &m)
		}},
		{"role for the round", func(tx engine.Tx) error {
			return tx.CreateRoleAssignment(ctx, &engine.RoleAssignment{ID: c.id(), MemberID: w.members[0].ID,
				RoundID: w.round.ID, Role: engine.RoleObserver, AssignedBy: w.fac.ID, CreatedAt: c.now()})
		}},
		{"settings changed", func(tx engine.Tx) error {
			g := *w.group
			g.Settings.Scale = engine.ScaleLikert7
			g.UpdatedAt = c.now()
			return tx.UpdateGroup(ctx, &g)
		}},
		{"round closed", func(tx engine.Tx) error {
			r := *w.round
			r.State = engine.RoundClosed
			r.ClosedAt = ptr(c.now())
			return tx.UpdateRound(ctx, &r)
		}},
	}
	for _, st := range steps {
		write(t, s, st.fn)
		rev := revision(t, s, w.round.ID)
		if rev <= prev {
			t.Errorf("RoundRevision did not grow after: %s (%d then %d)", st.what, prev, rev)
		}
		prev = rev
	}

	// Another round's changes leave this one alone.
	write(t, s, func(tx engine.Tx) error {
		r := *other
		r.Prompt = "Reworded"
		return tx.UpdateRound(ctx, &r)
	})
	if rev := revision(t, s, w.round.ID); rev != prev {
		t.Errorf("RoundRevision changed after a change to another round: %d then %d", prev, rev)
	}
	_, err = s.RoundRevision(ctx, c.id())
	wantCode(t, err, engine.ENOTFOUND, "RoundRevision of a missing round")
}

// ratingWrite wraps ev with its audit event at revision rev.
func ratingWrite(c *clock, w *world, ev *engine.RatingEvent, rev int64) *engine.RatingWrite {
	return &engine.RatingWrite{Event: ev, Revision: rev,
		Audit: &engine.AuditEvent{ID: c.id(), GroupID: w.group.ID, ActorID: ev.EnteredBy, Action: "rating.submitted",
			SubjectType: "rating_event", SubjectID: ev.ID, CreatedAt: ev.CreatedAt}}
}

// writeOutcome is what a WriteRating result says, for comparing.
type writeOutcome struct {
	Written, Stale bool
	Current, Keyed string // event ids, "" for none
}

func outcomeOf(r *engine.RatingWritten) writeOutcome {
	o := writeOutcome{Written: r.Written, Stale: r.Stale}
	if r.Current != nil {
		o.Current = r.Current.ID
	}
	if r.Keyed != nil {
		o.Keyed = r.Keyed.ID
	}
	return o
}

// testWriteRating: each condition of RatingWrite decides alone whether
// the event is written; what is found comes back exactly; a write stores
// the event as current with its predecessor and its audit event, and a
// refusal stores nothing; inside InTx it rolls back with the transaction.
func testWriteRating(t *testing.T, s engine.Store) {
	w := seed(t, s, 3, 2)
	c := w.clock
	rev := revision(t, s, w.round.ID)
	p0, p1 := w.proposals[0], w.proposals[1]
	m0, m1, m2 := w.members[0], w.members[1], w.members[2]

	first := newRating(c, w.round, p0, m0, ptr(4))
	first.Reason = "Helps at night"
	first.IdempotencyKey = "key-1"
	changed := newRating(c, w.round, p0, m0, ptr(2))
	changed.ChangeCategory = engine.ChangeDiscussion
	sameAgain := newRating(c, w.round, p0, m0, ptr(2))
	otherReason := newRating(c, w.round, p0, m0, ptr(2))
	otherReason.Reason = "Heard the carers"
	keyAgain := newRating(c, w.round, p1, m0, ptr(1))
	keyAgain.IdempotencyKey = "key-1"
	keyOther := newRating(c, w.round, p1, m1, ptr(1))
	keyOther.IdempotencyKey = "key-1" // another member's key of the same name is theirs
	stale := newRating(c, w.round, p1, m2, ptr(3))
	firstForM2 := newRating(c, w.round, p1, m2, nil)

	cases := []struct {
		name    string
		ev      *engine.RatingWrite
		want    writeOutcome
		current *engine.RatingEvent // the current rating of (p, member) afterwards
	}{
		{"first rating", ratingWrite(c, w, first, rev), writeOutcome{Written: true}, first},
		{"change category with a current rating", func() *engine.RatingWrite {
			rw := ratingWrite(c, w, changed, rev)
			rw.RequireCurrent = true
			return rw
		}(), writeOutcome{Written: true, Current: first.ID}, changed},
		{"the same again, skipped", func() *engine.RatingWrite {
			rw := ratingWrite(c, w, sameAgain, rev)
			rw.SkipSame = true
			return rw
		}(), writeOutcome{Current: changed.ID}, changed},
		{"the same value with another reason", func() *engine.RatingWrite {
			rw := ratingWrite(c, w, otherReason, rev)
			rw.SkipSame = true
			return rw
		}(), writeOutcome{Written: true, Current: changed.ID}, otherReason},
		{"idempotency key used before", ratingWrite(c, w, keyAgain, rev), writeOutcome{Keyed: first.ID}, nil},
		{"another member's key of the same name", ratingWrite(c, w, keyOther, rev), writeOutcome{Written: true}, keyOther},
		{"stale revision", ratingWrite(c, w, stale, rev-1), writeOutcome{Stale: true}, nil},
		{"change category without a current rating", func() *engine.RatingWrite {
			rw := ratingWrite(c, w, firstForM2, rev)
			rw.RequireCurrent = true
			return rw
		}(), writeOutcome{}, nil},
		{"unknown round", func() *engine.RatingWrite {
			ev := *stale
			ev.ID = c.id()
			ev.RoundID = c.id()
			return ratingWrite(c, w, &ev, rev)
		}(), writeOutcome{Stale: true}, nil},
	}
	for _, tc := range cases {
		ev := tc.ev.Event
		res, err := s.WriteRating(ctx, tc.ev)
		must(t, err, tc.name)
		if got := outcomeOf(res); got != tc.want {
			t.Errorf("%s: WriteRating found %+v, want %+v", tc.name, got, tc.want)
		}
		if tc.want.Written {
			ev.PreviousEventID = tc.want.Current // as stored, for later comparisons
		}
		if tc.want.Current != "" && res.Current != nil {
			prev := first
			if tc.want.Current == changed.ID {
				prev = changed
			}
			same(t, res.Current, prev, tc.name+": the current rating found")
		}
		if tc.want.Keyed != "" && res.Keyed != nil {
			same(t, res.Keyed, first, tc.name+": the keyed event found")
		}
		if tc.current != nil {
			got, err := s.CurrentRating(ctx, w.round.ID, tc.current.ProposalID, tc.current.MemberID)
			must(t, err, tc.name+": CurrentRating")
			same(t, got, tc.current, tc.name+": the current rating afterwards")
		}
		if !tc.want.Written {
			events, err := s.RatingEvents(ctx, w.group.ID)
			must(t, err, "RatingEvents")
			for _, e := range events {
				if e.ID == ev.ID {
					t.Errorf("%s: a refused write stored its event", tc.name)
				}
			}
		}
	}
	// Exactly the written events have their audit events.
	audit, err := s.AuditEvents(ctx, w.group.ID, engine.Page{Limit: 1000})
	must(t, err, "AuditEvents")
	audited := map[string]bool{}
	for _, a := range audit {
		if a.Action == "rating.submitted" {
			audited[a.SubjectID] = true
		}
	}
	for _, tc := range cases {
		if audited[tc.ev.Event.ID] != tc.want.Written {
			t.Errorf("%s: audit event stored = %v, want %v", tc.name, audited[tc.ev.Event.ID], tc.want.Written)
		}
	}

	// Inside a transaction that fails, the write is undone.
	rolled := newRating(c, w.round, p1, m2, ptr(5))
	boom := errors.New("boom")
	err = writeErr(s, func(tx engine.Tx) error {
		res, err := tx.WriteRating(ctx, ratingWrite(c, w, rolled, rev))
		if err != nil {
			return err
		}
		if !res.Written {
			return fmt.Errorf("not written: %+v", res)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx returned %v, want the callback's error", err)
	}
	_, err = s.CurrentRating(ctx, w.round.ID, p1.ID, m2.ID)
	wantCode(t, err, engine.ENOTFOUND, "CurrentRating after a rolled-back WriteRating")
}

// testWriteRatingConcurrently: retries of one submission racing each
// other store one event; every other attempt finds it (or loses the race
// to it) without an error.
func testWriteRatingConcurrently(t *testing.T, s engine.Store) {
	w := seed(t, s, 1, 1)
	c := w.clock
	rev := revision(t, s, w.round.ID)
	const n = 8
	writes := make([]*engine.RatingWrite, n)
	for i := range writes {
		ev := newRating(c, w.round, w.proposals[0], w.members[0], ptr(3))
		ev.IdempotencyKey = "retried"
		writes[i] = ratingWrite(c, w, ev, rev)
	}
	results := make([]*engine.RatingWritten, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range writes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = s.WriteRating(ctx, writes[i])
		}()
	}
	wg.Wait()
	written := 0
	for i, res := range results {
		if errs[i] != nil {
			t.Fatalf("attempt %d: %v", i, errs[i])
		}
		if res.Written {
			written++
		}
		if res.Stale {
			t.Errorf("attempt %d found the round stale", i)
		}
	}
	if written != 1 {
		t.Fatalf("%d of %d racing writes with one key were written, want 1", written, n)
	}
	events, err := s.RatingEvents(ctx, w.group.ID)
	must(t, err, "RatingEvents")
	if len(events) != 1 {
		t.Fatalf("%d events stored, want 1", len(events))
	}
}
