package enginetest

import (
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
)

// testRounds: round-trip with and without optional times, order by
// number, updates, duplicate numbers.
func testRounds(t *testing.T, s engine.Store) {
	w := seed(t, s, 0, 0)
	c := w.clock
	r3 := newRound(c, w.group, 3, engine.RoundDraft)
	r3.CarryRules = nil
	r3.RuleVersion = 0
	r2 := newRound(c, w.group, 2, engine.RoundProposing)
	r2.Combined = true
	r2.OpensAt, r2.ClosesAt = ptr(c.now()), ptr(c.now().Add(48*time.Hour))
	r2.OpenedAt = ptr(c.now())
	r2.CarryRules = []string{engine.CarryAll}
	write(t, s, func(tx engine.Tx) error {
		if err := tx.CreateRound(ctx, r3); err != nil {
			return err
		}
		return tx.CreateRound(ctx, r2)
	})
	for _, r := range []*engine.Round{w.round, r2, r3} {
		got, err := s.RoundByID(ctx, r.ID)
		must(t, err, "RoundByID")
		same(t, got, r, "round "+r.Prompt)
	}
	list, err := s.Rounds(ctx, w.group.ID)
	must(t, err, "Rounds")
	same(t, list, []*engine.Round{w.round, r2, r3}, "rounds by number")

	upd := *r2
	upd.Prompt = "Reworded prompt"
	upd.State = engine.RoundClosed
	upd.Combined = false
	upd.OpensAt = nil
	upd.ClosesAt = ptr(c.now())
	upd.ClosedAt = ptr(c.now())
	upd.CarryRules = []string{engine.CarryWithoutConsensus}
	upd.RuleVersion = 2
	write(t, s, func(tx engine.Tx) error { return tx.UpdateRound(ctx, &upd) })
	got, err := s.RoundByID(ctx, r2.ID)
	must(t, err, "RoundByID after UpdateRound")
	same(t, got, &upd, "updated round")

	dup := newRound(c, w.group, 2, engine.RoundDraft)
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.CreateRound(ctx, dup) }), engine.ECONFLICT,
		"CreateRound with a number the group has")
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.UpdateRound(ctx, newRound(c, w.group, 9, engine.RoundDraft)) }),
		engine.ENOTFOUND, "UpdateRound of a missing round")
	_, err = s.RoundByID(ctx, c.id())
	wantCode(t, err, engine.ENOTFOUND, "RoundByID of a missing id")
	none, err := s.Rounds(ctx, c.id())
	must(t, err, "Rounds of a missing group")
	if none == nil || len(none) != 0 {
		t.Errorf("Rounds of a missing group: got %v, want an empty slice", none)
	}
}

// testRoundsDue: drafts past their opening time and open rounds past their
// closing time, and nothing else.
func testRoundsDue(t *testing.T, s engine.Store) {
	w := seed(t, s, 0, 0)
	c := w.clock
	now := c.now()
	past, future := now.Add(-time.Minute), now.Add(time.Minute)
	mk := func(n int, state string, opens, closes *time.Time) *engine.Round {
		r := newRound(c, w.group, n, state)
		r.OpensAt, r.ClosesAt = opens, closes
		return r
	}
	draftDue := mk(2, engine.RoundDraft, &past, &future)
	draftAtNow := mk(3, engine.RoundDraft, &now, nil)
	draftLater := mk(4, engine.RoundDraft, &future, nil)
	draftUnscheduled := mk(5, engine.RoundDraft, nil, &past)
	proposingDue := mk(6, engine.RoundProposing, &past, &past)
	ratingDue := mk(7, engine.RoundRating, nil, &now)
	ratingLater := mk(8, engine.RoundRating, &past, &future)
	ratingOpenEnded := mk(9, engine.RoundRating, &past, nil)
	closed := mk(10, engine.RoundClosed, &past, &past)
	write(t, s, func(tx engine.Tx) error {
		for _, r := range []*engine.Round{draftDue, draftAtNow, draftLater, draftUnscheduled, proposingDue, ratingDue,
			ratingLater, ratingOpenEnded, closed} {
			if err := tx.CreateRound(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	got, err := s.RoundsDue(ctx, now)
	must(t, err, "RoundsDue")
	same(t, got, []*engine.Round{draftDue, draftAtNow, proposingDue, ratingDue}, "rounds due")

	// The same instant in another zone is the same time.
	got, err = s.RoundsDue(ctx, now.In(time.FixedZone("UTC+5", 5*3600)))
	must(t, err, "RoundsDue")
	if len(got) != 4 {
		t.Errorf("RoundsDue with now in another zone: %d rounds, want 4", len(got))
	}
	got, err = s.RoundsDue(ctx, past.Add(-time.Hour))
	must(t, err, "RoundsDue")
	if got == nil || len(got) != 0 {
		t.Errorf("RoundsDue before every schedule: got %d rounds, want an empty slice", len(got))
	}
}

// testAgenda: items by position, duplicates, removal.
func testAgenda(t *testing.T, s engine.Store) {
	w := seed(t, s, 1, 0)
	c := w.clock
	var ps []*engine.Proposal
	for _, text := range []string{"a", "b", "c"} {
		ps = append(ps, newProposal(c, w.round, w.fac, text))
	}
	r2 := newRound(c, w.group, 2, engine.RoundDraft)
	items := []engine.AgendaItem{
		{RoundID: r2.ID, ProposalID: ps[1].ID, Source: engine.AgendaCarried, BaselineRoundID: w.round.ID, Position: 0, CreatedAt: c.now()},
		{RoundID: r2.ID, ProposalID: ps[0].ID, Source: engine.AgendaRevisit, BaselineRoundID: w.round.ID, Position: 1, CreatedAt: c.now()},
		{RoundID: r2.ID, ProposalID: ps[2].ID, Source: engine.AgendaNew, Position: 2, CreatedAt: c.now()},
	}
	write(t, s, func(tx engine.Tx) error {
		for _, p := range ps {
			if err := tx.CreateProposal(ctx, p); err != nil {
				return err
			}
		}
		if err := tx.CreateRound(ctx, r2); err != nil {
			return err
		}
		// Added out of order, listed by position.
		for _, i := range []int{2, 0, 1} {
			if err := tx.AddAgendaItem(ctx, &items[i]); err != nil {
				return err
			}
		}
		return nil
	})
	got, err := s.Agenda(ctx, r2.ID)
	must(t, err, "Agenda")
	same(t, got, items, "agenda")

	again := items[0]
	again.Position = 7
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.AddAgendaItem(ctx, &again) }), engine.ECONFLICT,
		"AddAgendaItem of a proposal already on the agenda")
	write(t, s, func(tx engine.Tx) error { return tx.RemoveAgendaItem(ctx, r2.ID, ps[0].ID) })
	got, err = s.Agenda(ctx, r2.ID)
	must(t, err, "Agenda after RemoveAgendaItem")
	same(t, got, []engine.AgendaItem{items[0], items[2]}, "agenda after removal")
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.RemoveAgendaItem(ctx, r2.ID, ps[0].ID) }), engine.ENOTFOUND,
		"RemoveAgendaItem of a proposal not on the agenda")
	none, err := s.Agenda(ctx, c.id())
	must(t, err, "Agenda of a missing round")
	if none == nil || len(none) != 0 {
		t.Errorf("Agenda of a missing round: got %v, want an empty slice", none)
	}
}

// testProposals: lineage links round-trip, moderation updates only state
// and reason, duplicates.
func testProposals(t *testing.T, s engine.Store) {
	w := seed(t, s, 2, 3)
	c := w.clock
	a, b := w.proposals[0], w.proposals[1]
	merged := newProposal(c, w.round, w.members[0], "a and b together")
	merged.AuthorID = ""
	merged.EasyRead = ""
	merged.Parents = []engine.LineageLink{
		{ProposalID: merged.ID, ParentID: a.ID, Kind: engine.LineageMerge},
		{ProposalID: merged.ID, ParentID: b.ID, Kind: engine.LineageMerge},
	}
	reworded := newProposal(c, w.round, w.members[1], "a, reworded")
	reworded.Parents = []engine.LineageLink{{ProposalID: reworded.ID, ParentID: a.ID, Kind: engine.LineageReword}}
	write(t, s, func(tx engine.Tx) error {
		if err := tx.CreateProposal(ctx, merged); err != nil {
			return err
		}
		return tx.CreateProposal(ctx, reworded)
	})
	for _, p := range []*engine.Proposal{a, merged, reworded} {
		got, err := s.ProposalByID(ctx, p.ID)
		must(t, err, "ProposalByID")
		same(t, got, p, "proposal "+p.Text)
	}
	list, err := s.Proposals(ctx, w.group.ID)
	must(t, err, "Proposals")
	same(t, list, append(append([]*engine.Proposal{}, w.proposals...), merged, reworded), "proposals by id")

	hidden := *w.proposals[2]
	hidden.State = engine.ProposalHidden
	hidden.ModerationReason = "Names a member of staff."
	sneaky := hidden
	sneaky.Text = "changed text"
	sneaky.CreatedBy = c.id()
	write(t, s, func(tx engine.Tx) error { return tx.UpdateProposal(ctx, &sneaky) })
	got, err := s.ProposalByID(ctx, hidden.ID)
	must(t, err, "ProposalByID after UpdateProposal")
	same(t, got, &hidden, "proposal after UpdateProposal (state and reason only)")

	dup := newProposal(c, w.round, w.fac, "copy")
	dup.ID = a.ID
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.CreateProposal(ctx, dup) }), engine.ECONFLICT,
		"CreateProposal with a stored id")
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.UpdateProposal(ctx, newProposal(c, w.round, w.fac, "ghost")) }),
		engine.ENOTFOUND, "UpdateProposal of a missing proposal")
	_, err = s.ProposalByID(ctx, c.id())
	wantCode(t, err, engine.ENOTFOUND, "ProposalByID of a missing id")
	none, err := s.Proposals(ctx, c.id())
	must(t, err, "Proposals of a missing group")
	if none == nil || len(none) != 0 {
		t.Errorf("Proposals of a missing group: got %v, want an empty slice", none)
	}
}
