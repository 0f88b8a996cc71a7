package enginetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
)

// append1 appends one rating event in its own transaction.
func append1(t *testing.T, s engine.Store, ev *engine.RatingEvent) {
	t.Helper()
	write(t, s, func(tx engine.Tx) error { return tx.AppendRatingEvent(ctx, ev) })
}

// testRatingEvents: events round-trip, the current pointer moves to the
// latest event, lists are complete and ordered.
func testRatingEvents(t *testing.T, s engine.Store) {
	w := seed(t, s, 3, 2)
	c := w.clock
	p0, p1 := w.proposals[0], w.proposals[1]
	m0, m1 := w.members[0], w.members[1]

	first := newRating(c, w.round, p0, m0, ptr(4))
	first.Reason = "It would help at night."
	first.IdempotencyKey = "k-first"
	append1(t, s, first)
	got, err := s.CurrentRating(ctx, w.round.ID, p0.ID, m0.ID)
	must(t, err, "CurrentRating")
	same(t, got, first, "current rating after the first event")

	// The member changes their mind and passes; a facilitator enters it.
	second := newRating(c, w.round, p0, m0, nil)
	second.Mode = engine.ModeAssisted
	second.EnteredBy = w.fac.ID
	second.ChangeCategory = engine.ChangeDiscussion
	second.PreviousEventID = first.ID
	append1(t, s, second)
	got, err = s.CurrentRating(ctx, w.round.ID, p0.ID, m0.ID)
	must(t, err, "CurrentRating")
	same(t, got, second, "current rating after the second event")

	// Every scale value, the extremes included, and other modes.
	low := newRating(c, w.round, p1, m0, ptr(-1))
	low.Mode = engine.ModePaper
	high := newRating(c, w.round, p0, m1, ptr(9))
	high.Mode = engine.ModeInRoom
	other := newRating(c, w.round, p1, m1, ptr(1))
	other.ChangeCategory = engine.ChangeOther
	for _, ev := range []*engine.RatingEvent{low, high, other} {
		append1(t, s, ev)
	}

	cur, err := s.CurrentRatings(ctx, w.round.ID)
	must(t, err, "CurrentRatings")
	same(t, cur, []*engine.RatingEvent{second, low, high, other}, "current ratings of the round")
	mine, err := s.MemberCurrentRatings(ctx, w.round.ID, m0.ID)
	must(t, err, "MemberCurrentRatings")
	same(t, mine, []*engine.RatingEvent{second, low}, "one member's current ratings of the round")
	mine, err = s.MemberCurrentRatings(ctx, w.round.ID, w.members[2].ID)
	must(t, err, "MemberCurrentRatings of a member who has not rated")
	if mine == nil || len(mine) != 0 {
		t.Errorf("MemberCurrentRatings of a member who has not rated: got %v, want an empty slice", mine)
	}
	all, err := s.RatingEvents(ctx, w.group.ID)
	must(t, err, "RatingEvents")
	same(t, all, []*engine.RatingEvent{first, second, low, high, other}, "rating events of the group")
	byKey, err := s.RatingEventByKey(ctx, m0.ID, "k-first")
	must(t, err, "RatingEventByKey")
	same(t, byKey, first, "rating event by key")

	// An event of another group is not listed.
	w2 := seed(t, s, 1, 1)
	append1(t, s, newRating(w2.clock, w2.round, w2.proposals[0], w2.members[0], ptr(2)))
	all, err = s.RatingEvents(ctx, w.group.ID)
	must(t, err, "RatingEvents")
	if len(all) != 5 {
		t.Errorf("RatingEvents lists %d events, want the group's 5", len(all))
	}

	_, err = s.CurrentRating(ctx, w.round.ID, p1.ID, w.members[2].ID)
	wantCode(t, err, engine.ENOTFOUND, "CurrentRating of a member who has not rated")
	_, err = s.RatingEventByKey(ctx, m1.ID, "k-first")
	wantCode(t, err, engine.ENOTFOUND, "RatingEventByKey of another member's key")
	none, err := s.CurrentRatings(ctx, c.id())
	must(t, err, "CurrentRatings of a missing round")
	if none == nil || len(none) != 0 {
		t.Errorf("CurrentRatings of a missing round: got %v, want an empty slice", none)
	}
	none, err = s.RatingEvents(ctx, c.id())
	must(t, err, "RatingEvents of a missing group")
	if none == nil || len(none) != 0 {
		t.Errorf("RatingEvents of a missing group: got %v, want an empty slice", none)
	}
	dup := *low
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.AppendRatingEvent(ctx, &dup) }), engine.ECONFLICT,
		"AppendRatingEvent with a stored id")
}

// testIdempotencyKeys: a member's key is used once; a replay changes
// nothing, and the first event is found by the key.
func testIdempotencyKeys(t *testing.T, s engine.Store) {
	w := seed(t, s, 2, 1)
	c := w.clock
	p, m0, m1 := w.proposals[0], w.members[0], w.members[1]
	first := newRating(c, w.round, p, m0, ptr(5))
	first.IdempotencyKey = "submit-1"
	append1(t, s, first)

	replay := newRating(c, w.round, p, m0, ptr(1))
	replay.IdempotencyKey = "submit-1"
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.AppendRatingEvent(ctx, replay) }), engine.ECONFLICT,
		"AppendRatingEvent with a used idempotency key")
	got, err := s.CurrentRating(ctx, w.round.ID, p.ID, m0.ID)
	must(t, err, "CurrentRating")
	same(t, got, first, "current rating after a replayed key")
	_, err = s.CurrentRating(ctx, w.round.ID, p.ID, m1.ID)
	wantCode(t, err, engine.ENOTFOUND, "CurrentRating of another member")
	byKey, err := s.RatingEventByKey(ctx, m0.ID, "submit-1")
	must(t, err, "RatingEventByKey")
	same(t, byKey, first, "event by key after a replay")

	// The same key is free for another member, and events without a key
	// never collide.
	other := newRating(c, w.round, p, m1, ptr(3))
	other.IdempotencyKey = "submit-1"
	append1(t, s, other)
	for i := 0; i < 3; i++ {
		append1(t, s, newRating(c, w.round, p, m0, ptr(2+i)))
	}
	all, err := s.RatingEvents(ctx, w.group.ID)
	must(t, err, "RatingEvents")
	if len(all) != 5 {
		t.Errorf("RatingEvents lists %d events, want 5", len(all))
	}
	byKey, err = s.RatingEventByKey(ctx, m1.ID, "submit-1")
	must(t, err, "RatingEventByKey")
	same(t, byKey, other, "the other member's event by the same key")
	_, err = s.RatingEventByKey(ctx, m0.ID, "")
	wantCode(t, err, engine.ENOTFOUND, "RatingEventByKey with an empty key")
}

// testConcurrentRatings: 50 members rate the same proposal at once; every
// event and every current pointer is stored.
func testConcurrentRatings(t *testing.T, s engine.Store) {
	const n = 50
	w := seed(t, s, n, 1)
	c := w.clock
	p := w.proposals[0]
	evs := make([]*engine.RatingEvent, n)
	for i, m := range w.members {
		evs[i] = newRating(c, w.round, p, m, ptr(1+i%5))
		evs[i].IdempotencyKey = fmt.Sprintf("key-%d", i)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range evs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = writeErr(s, func(tx engine.Tx) error { return tx.AppendRatingEvent(ctx, evs[i]) })
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("member %d: AppendRatingEvent: %v", i, err)
		}
	}
	all, err := s.RatingEvents(ctx, w.group.ID)
	must(t, err, "RatingEvents")
	cur, err := s.CurrentRatings(ctx, w.round.ID)
	must(t, err, "CurrentRatings")
	if len(all) != n || len(cur) != n {
		t.Fatalf("after %d concurrent ratings: %d events and %d current ratings, want %d of each", n, len(all), len(cur), n)
	}
	seen := map[string]bool{}
	for _, ev := range cur {
		seen[ev.MemberID] = true
	}
	if len(seen) != n {
		t.Errorf("current ratings cover %d members, want %d", len(seen), n)
	}
}

// testRoundVersion: the version is stable while nothing changes and
// changes with everything an analysis of the round reads.
func testRoundVersion(t *testing.T, s engine.Store) {
	w := seed(t, s, 2, 2)
	c := w.clock
	other := newRound(c, w.group, 2, engine.RoundDraft)
	extra := newProposal(c, w.round, w.fac, "extra")
	write(t, s, func(tx engine.Tx) error {
		if err := tx.CreateRound(ctx, other); err != nil {
			return err
		}
		return tx.CreateProposal(ctx, extra)
	})
	version := func() string {
		t.Helper()
		v, err := s.RoundVersion(ctx, w.round.ID)
		must(t, err, "RoundVersion")
		return v
	}
	prev := version()
	if again := version(); again != prev {
		t.Fatalf("RoundVersion changed without a change: %q then %q", prev, again)
	}
	p0, p1 := w.proposals[0], w.proposals[1]
	steps := []struct {
		what string
		fn   func(tx engine.Tx) error
	}{
		{"first rating", func(tx engine.Tx) error {
			return tx.AppendRatingEvent(ctx, newRating(c, w.round, p0, w.members[0], ptr(4)))
		}},
		{"changed rating", func(tx engine.Tx) error {
			return tx.AppendRatingEvent(ctx, newRating(c, w.round, p0, w.members[0], nil))
		}},
		{"another member's rating", func(tx engine.Tx) error {
			return tx.AppendRatingEvent(ctx, newRating(c, w.round, p1, w.members[1], ptr(2)))
		}},
		{"agenda item added", func(tx engine.Tx) error {
			return tx.AddAgendaItem(ctx, &engine.AgendaItem{RoundID: w.round.ID, ProposalID: extra.ID, Source: engine.AgendaNew,
				Position: 5, CreatedAt: c.now()})
		}},
		{"agenda item removed", func(tx engine.Tx) error { return tx.RemoveAgendaItem(ctx, w.round.ID, extra.ID) }},
		{"proposal created", func(tx engine.Tx) error { return tx.CreateProposal(ctx, newProposal(c, w.round, w.fac, "new")) }},
		{"proposal hidden", func(tx engine.Tx) error {
			p := *p1
			p.State = engine.ProposalHidden
			p.ModerationReason = "off topic"
			return tx.UpdateProposal(ctx, &p)
		}},
		{"decision", func(tx engine.Tx) error {
			return tx.CreateDecision(ctx, &engine.Decision{ID: c.id(), GroupID: w.group.ID, RoundID: w.round.ID,
				ProposalID: p0.ID, Outcome: engine.DecisionAdopted, DecidedBy: w.fac.ID, CreatedAt: c.now()})
		}},
		{"reflection", func(tx engine.Tx) error {
			return tx.CreateReflection(ctx, &engine.Reflection{ID: c.id(), GroupID: w.group.ID, RoundID: w.round.ID,
				MemberID: w.members[0].ID, Text: "It went well", CreatedAt: c.now()})
		}},
		{"member joined", func(tx engine.Tx) error {
			return tx.CreateMember(ctx, newMember(c, w.group, "", "Late joiner", engine.RoleMember))
		}},
		{"member's perspective changed", func(tx engine.Tx) error {
			m := *w.members[1]
			m.Perspective = "commissioner"
			return tx.UpdateMember(ctx, &m)
		}},
		{"role for the round", func(tx engine.Tx) error {
			return tx.CreateRoleAssignment(ctx, &engine.RoleAssignment{ID: c.id(), MemberID: w.members[0].ID,
				RoundID: w.round.ID, Role: engine.RoleObserver, AssignedBy: w.fac.ID, CreatedAt: c.now()})
		}},
		{"settings changed", func(tx engine.Tx) error {
			g := *w.group
			g.Settings.MinCellSize = 3
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
		v := version()
		if v == prev {
			t.Errorf("RoundVersion did not change after: %s", st.what)
		}
		prev = v
	}

	// An event whose id sorts below the largest (another instance's clock
	// a little behind) still changes the version.
	behind := newRating(c, w.round, p1, w.members[0], ptr(3))
	behind.ID = engine.NewID(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	write(t, s, func(tx engine.Tx) error { return tx.AppendRatingEvent(ctx, behind) })
	if v := version(); v == prev {
		t.Errorf("RoundVersion did not change after an event with a lower id")
	} else {
		prev = v
	}

	// Changes to another round leave this one's version alone.
	write(t, s, func(tx engine.Tx) error {
		return tx.AddAgendaItem(ctx, &engine.AgendaItem{RoundID: other.ID, ProposalID: extra.ID, Source: engine.AgendaCarried,
			BaselineRoundID: w.round.ID, CreatedAt: c.now()})
	})
	if v := version(); v != prev {
		t.Errorf("RoundVersion changed after a change to another round: %q then %q", prev, v)
	}
	_, err := s.RoundVersion(ctx, c.id())
	wantCode(t, err, engine.ENOTFOUND, "RoundVersion of a missing round")
}
