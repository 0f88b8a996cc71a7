package enginetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
)

// testDecisions: evidence as JSON and the optional review date round-trip;
// one decision per proposal and round.
func testDecisions(t *testing.T, s engine.Store) {
	w := seed(t, s, 1, 3)
	c := w.clock
	r2 := newRound(c, w.group, 2, engine.RoundDraft)
	adopted := &engine.Decision{ID: c.id(), GroupID: w.group.ID, RoundID: w.round.ID, ProposalID: w.proposals[0].ID,
		Outcome: engine.DecisionAdopted, Rationale: "Clear consensus.",
		Evidence: engine.DecisionEvidence{RuleVersion: 1, Verdict: "consensus_for", NRated: 12, PctAgree: ptr(0.8333333333333334),
			Dissenters: 1, Note: "one carer disagreed", AnalysisNote: "analysis/1"},
		DecidedBy: w.fac.ID, CreatedAt: c.now()}
	revisit := &engine.Decision{ID: c.id(), GroupID: w.group.ID, RoundID: w.round.ID, ProposalID: w.proposals[1].ID,
		Outcome: engine.DecisionRevisit, Evidence: engine.DecisionEvidence{RuleVersion: 1, NRated: 3},
		ReviewDate: ptr(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)), DecidedBy: w.fac.ID, CreatedAt: c.now()}
	parked := &engine.Decision{ID: c.id(), GroupID: w.group.ID, RoundID: w.round.ID, ProposalID: w.proposals[2].ID,
		Outcome: engine.DecisionParked, DecidedBy: w.fac.ID, CreatedAt: c.now()}
	// The same proposal may be decided again in a later round.
	later := &engine.Decision{ID: c.id(), GroupID: w.group.ID, RoundID: r2.ID, ProposalID: w.proposals[1].ID,
		Outcome: engine.DecisionNotAdopted, Rationale: "Revisited; not adopted.", DecidedBy: w.fac.ID, CreatedAt: c.now()}
	write(t, s, func(tx engine.Tx) error {
		if err := tx.CreateRound(ctx, r2); err != nil {
			return err
		}
		for _, d := range []*engine.Decision{adopted, revisit, parked, later} {
			if err := tx.CreateDecision(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
	got, err := s.Decisions(ctx, w.group.ID)
	must(t, err, "Decisions")
	same(t, got, []*engine.Decision{adopted, revisit, parked, later}, "decisions")

	again := *adopted
	again.ID = c.id()
	again.Outcome = engine.DecisionNotAdopted
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.CreateDecision(ctx, &again) }), engine.ECONFLICT,
		"a second decision on a proposal in the same round")
	none, err := s.Decisions(ctx, c.id())
	must(t, err, "Decisions of a missing group")
	if none == nil || len(none) != 0 {
		t.Errorf("Decisions of a missing group: got %v, want an empty slice", none)
	}
}

// testReflections: round-trip and order.
func testReflections(t *testing.T, s engine.Store) {
	w := seed(t, s, 2, 0)
	c := w.clock
	want := []*engine.Reflection{
		{ID: c.id(), GroupID: w.group.ID, RoundID: w.round.ID, MemberID: w.members[1].ID, Text: "Small groups worked.", CreatedAt: c.now()},
		{ID: c.id(), GroupID: w.group.ID, RoundID: w.round.ID, MemberID: w.members[0].ID, Text: "Too much jargon.\nMore breaks.", CreatedAt: c.now()},
	}
	write(t, s, func(tx engine.Tx) error {
		for _, r := range want {
			if err := tx.CreateReflection(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	got, err := s.Reflections(ctx, w.group.ID)
	must(t, err, "Reflections")
	same(t, got, want, "reflections")
	dup := *want[0]
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.CreateReflection(ctx, &dup) }), engine.ECONFLICT,
		"CreateReflection with a stored id")
}

// testAuditEvents: events with and without group or actor, keyset pages.
func testAuditEvents(t *testing.T, s engine.Store) {
	w := seed(t, s, 1, 0)
	c := w.clock
	var want []*engine.AuditEvent
	signup := &engine.AuditEvent{ID: c.id(), ActorID: w.account.ID, Action: "account.created", SubjectType: "account",
		SubjectID: w.account.ID, CreatedAt: c.now()}
	write(t, s, func(tx engine.Tx) error {
		if err := tx.AppendAudit(ctx, signup); err != nil {
			return err
		}
		for i := 0; i < 7; i++ {
			ev := &engine.AuditEvent{ID: c.id(), GroupID: w.group.ID, ActorID: w.fac.ID, Action: fmt.Sprintf("thing.%d", i),
				SubjectType: "round", SubjectID: w.round.ID, CreatedAt: c.now()}
			if i == 3 {
				ev.ActorID = "" // the scheduler
			}
			if err := tx.AppendAudit(ctx, ev); err != nil {
				return err
			}
			want = append(want, ev)
		}
		return nil
	})
	all, err := s.AuditEvents(ctx, w.group.ID, engine.Page{})
	must(t, err, "AuditEvents")
	same(t, all, want, "audit events")
	var paged []*engine.AuditEvent
	after := ""
	for pages := 0; pages < 10; pages++ {
		page, err := s.AuditEvents(ctx, w.group.ID, engine.Page{Limit: 3, After: after})
		must(t, err, "AuditEvents page")
		if len(page) > 3 {
			t.Fatalf("page of limit 3 has %d events", len(page))
		}
		if len(page) == 0 {
			break
		}
		paged = append(paged, page...)
		after = page[len(page)-1].ID
	}
	same(t, paged, want, "audit events read three at a time")
	groupless, err := s.AuditEvents(ctx, "", engine.Page{})
	must(t, err, "AuditEvents of no group")
	same(t, groupless, []*engine.AuditEvent{signup}, "audit events of no group")

	// Limit 0 is a default page, and no page is unbounded.
	many := make([]*engine.AuditEvent, 1100)
	write(t, s, func(tx engine.Tx) error {
		for i := range many {
			many[i] = &engine.AuditEvent{ID: c.id(), GroupID: w.group.ID, Action: "bulk", SubjectType: "group",
				SubjectID: w.group.ID, CreatedAt: c.now()}
			if err := tx.AppendAudit(ctx, many[i]); err != nil {
				return err
			}
		}
		return nil
	})
	def, err := s.AuditEvents(ctx, w.group.ID, engine.Page{})
	must(t, err, "AuditEvents")
	if len(def) == 0 || len(def) >= len(want)+len(many) {
		t.Errorf("AuditEvents with Limit 0 returned %d of %d events, want a bounded default page", len(def), len(want)+len(many))
	}
	huge, err := s.AuditEvents(ctx, w.group.ID, engine.Page{Limit: 1 << 30})
	must(t, err, "AuditEvents")
	if len(huge) >= len(want)+len(many) {
		t.Errorf("AuditEvents with a huge limit returned all %d events, want a capped page", len(huge))
	}
	dup := *signup
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.AppendAudit(ctx, &dup) }), engine.ECONFLICT,
		"AppendAudit with a stored id")
}

// errRollback is returned from InTx callbacks to force a rollback.
var errRollback = errors.New("enginetest: roll back")

// testInTx: an error leaves nothing written and comes back unchanged; a
// nil return commits; reads inside see the transaction's own writes.
func testInTx(t *testing.T, s engine.Store) {
	w := seed(t, s, 2, 1)
	c := w.clock
	a := newAccount(c, "Rolled back")
	ev := newRating(c, w.round, w.proposals[0], w.members[0], ptr(3))
	err := s.InTx(ctx, func(tx engine.Tx) error {
		if err := tx.CreateAccount(ctx, a); err != nil {
			return err
		}
		if err := tx.AppendRatingEvent(ctx, ev); err != nil {
			return err
		}
		if err := tx.AppendAudit(ctx, &engine.AuditEvent{ID: c.id(), GroupID: w.group.ID, Action: "x", SubjectType: "y",
			SubjectID: "z", CreatedAt: c.now()}); err != nil {
			return err
		}
		// The transaction sees its own writes.
		if _, err := tx.AccountByID(ctx, a.ID); err != nil {
			return fmt.Errorf("reading own write: %w", err)
		}
		if _, err := tx.CurrentRating(ctx, w.round.ID, w.proposals[0].ID, w.members[0].ID); err != nil {
			return fmt.Errorf("reading own write: %w", err)
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("InTx returned %v, want the callback's error", err)
	}
	_, err = s.AccountByID(ctx, a.ID)
	wantCode(t, err, engine.ENOTFOUND, "account after rollback")
	_, err = s.CurrentRating(ctx, w.round.ID, w.proposals[0].ID, w.members[0].ID)
	wantCode(t, err, engine.ENOTFOUND, "current rating after rollback")
	evs, err := s.RatingEvents(ctx, w.group.ID)
	must(t, err, "RatingEvents")
	if len(evs) != 0 {
		t.Errorf("%d rating events after rollback, want 0", len(evs))
	}
	audit, err := s.AuditEvents(ctx, w.group.ID, engine.Page{})
	must(t, err, "AuditEvents")
	if len(audit) != 0 {
		t.Errorf("%d audit events after rollback, want 0", len(audit))
	}

	// A store error inside fn also rolls back what came before it.
	b := newAccount(c, "Half")
	err = s.InTx(ctx, func(tx engine.Tx) error {
		if err := tx.CreateAccount(ctx, b); err != nil {
			return err
		}
		return tx.CreateGroup(ctx, w.group) // duplicate id
	})
	wantCode(t, err, engine.ECONFLICT, "InTx failing on a duplicate")
	_, err = s.AccountByID(ctx, b.ID)
	wantCode(t, err, engine.ENOTFOUND, "account written before a failed write")

	// A panic rolls back too, and propagates.
	p := newAccount(c, "Panicked")
	func() {
		defer func() {
			if recover() == nil {
				t.Errorf("a panic inside InTx did not propagate")
			}
		}()
		_ = s.InTx(ctx, func(tx engine.Tx) error {
			if err := tx.CreateAccount(ctx, p); err != nil {
				return err
			}
			panic("enginetest: panic inside InTx")
		})
	}()
	_, err = s.AccountByID(ctx, p.ID)
	wantCode(t, err, engine.ENOTFOUND, "account written before a panic")

	write(t, s, func(tx engine.Tx) error { return tx.CreateAccount(ctx, a) })
	_, err = s.AccountByID(ctx, a.ID)
	must(t, err, "account after commit")
}

// testMissingReferences: a row that refers to a missing row is EINVALID,
// not stored.
func testMissingReferences(t *testing.T, s engine.Store) {
	w := seed(t, s, 1, 1)
	c := w.clock
	cases := []struct {
		what string
		fn   func(tx engine.Tx) error
	}{
		{"member of a missing group", func(tx engine.Tx) error {
			m := newMember(c, w.group, "", "Lost", engine.RoleMember)
			m.GroupID = c.id()
			return tx.CreateMember(ctx, m)
		}},
		{"member of a missing account", func(tx engine.Tx) error {
			return tx.CreateMember(ctx, newMember(c, w.group, c.id(), "Lost", engine.RoleMember))
		}},
		{"rating of a missing proposal", func(tx engine.Tx) error {
			ev := newRating(c, w.round, w.proposals[0], w.members[0], ptr(2))
			ev.ProposalID = c.id()
			return tx.AppendRatingEvent(ctx, ev)
		}},
		{"rating by a missing member", func(tx engine.Tx) error {
			ev := newRating(c, w.round, w.proposals[0], w.members[0], ptr(2))
			ev.MemberID = c.id()
			return tx.AppendRatingEvent(ctx, ev)
		}},
		{"agenda item of a missing round", func(tx engine.Tx) error {
			return tx.AddAgendaItem(ctx, &engine.AgendaItem{RoundID: c.id(), ProposalID: w.proposals[0].ID,
				Source: engine.AgendaNew, CreatedAt: c.now()})
		}},
		{"lineage to a missing parent", func(tx engine.Tx) error {
			p := newProposal(c, w.round, w.fac, "orphan")
			p.Parents = []engine.LineageLink{{ProposalID: p.ID, ParentID: c.id(), Kind: engine.LineageReword}}
			return tx.CreateProposal(ctx, p)
		}},
		{"session of a missing member", func(tx engine.Tx) error {
			return tx.CreateSession(ctx, &engine.Session{Hash: engine.HashToken(c.id()), Kind: engine.SessionMember,
				MemberID: c.id(), CreatedAt: c.now(), ExpiresAt: c.now()})
		}},
	}
	for _, tc := range cases {
		wantCode(t, writeErr(s, tc.fn), engine.EINVALID, tc.what)
	}
	members, err := s.Members(ctx, w.group.ID)
	must(t, err, "Members")
	if len(members) != 2 {
		t.Errorf("%d members after failed writes, want 2", len(members))
	}
	evs, err := s.RatingEvents(ctx, w.group.ID)
	must(t, err, "RatingEvents")
	if len(evs) != 0 {
		t.Errorf("%d rating events after failed writes, want 0", len(evs))
	}
}
