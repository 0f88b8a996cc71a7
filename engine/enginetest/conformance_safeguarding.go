package enginetest

import (
	"errors"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
)

// testConcerns: concerns round-trip with and without their optional links,
// list by group in id order and by who raised them; actions append in
// order and move the concern's status and updated time in the same
// transaction; missing, duplicate and dangling rows get the contract's
// codes.
func testConcerns(t *testing.T, s engine.Store) {
	w := seed(t, s, 2, 1)
	c := w.clock
	ada, bo := w.members[0], w.members[1]
	bare := &engine.Concern{ID: c.id(), GroupID: w.group.ID, RaisedBy: ada.ID, Text: "Someone shouted.\nI felt scared. «Quotes» 🙂",
		Source: engine.ConcernFromForm, Status: engine.ConcernOpen, CreatedAt: c.now()}
	bare.UpdatedAt = bare.CreatedAt
	linked := &engine.Concern{ID: c.id(), GroupID: w.group.ID, RaisedBy: bo.ID, Text: "About this idea and this person.",
		RoundID: w.round.ID, ProposalID: w.proposals[0].ID, MemberID: ada.ID, Source: engine.ConcernFromForm,
		Status: engine.ConcernOpen, CreatedAt: c.now()}
	linked.UpdatedAt = linked.CreatedAt
	fromCheckIn := &engine.Concern{ID: c.id(), GroupID: w.group.ID, RaisedBy: ada.ID, RoundID: w.round.ID,
		Source: engine.ConcernFromCheckIn, CheckInZone: engine.CheckInPanic, Status: engine.ConcernOpen, CreatedAt: c.now()}
	fromCheckIn.UpdatedAt = fromCheckIn.CreatedAt
	write(t, s, func(tx engine.Tx) error {
		for _, cn := range []*engine.Concern{bare, linked, fromCheckIn} {
			if err := tx.CreateConcern(ctx, cn); err != nil {
				return err
			}
		}
		return nil
	})
	got, err := s.ConcernByID(ctx, linked.ID)
	must(t, err, "ConcernByID")
	same(t, got, linked, "concern with links")
	all, err := s.Concerns(ctx, w.group.ID, "")
	must(t, err, "Concerns")
	same(t, all, []*engine.Concern{bare, linked, fromCheckIn}, "a group's concerns")
	adas, err := s.Concerns(ctx, w.group.ID, ada.ID)
	must(t, err, "Concerns raised by a member")
	same(t, adas, []*engine.Concern{bare, fromCheckIn}, "concerns Ada raised")
	none, err := s.Concerns(ctx, c.id(), "")
	must(t, err, "Concerns of a missing group")
	if none == nil || len(none) != 0 {
		t.Errorf("Concerns of a missing group: got %v, want an empty slice", none)
	}
	_, err = s.ConcernByID(ctx, c.id())
	wantCode(t, err, engine.ENOTFOUND, "ConcernByID of a missing concern")
	dup := *bare
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.CreateConcern(ctx, &dup) }), engine.ECONFLICT,
		"CreateConcern with a stored id")
	dangling := *bare
	dangling.ID, dangling.RoundID = c.id(), c.id()
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.CreateConcern(ctx, &dangling) }), engine.EINVALID,
		"CreateConcern about a missing round")
	badStatus := *bare
	badStatus.ID, badStatus.Status = c.id(), "solved"
	err = writeErr(s, func(tx engine.Tx) error { return tx.CreateConcern(ctx, &badStatus) })
	wantCode(t, err, engine.EINVALID, "CreateConcern with an unknown status")
	for e := error(err); e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), "Someone shouted") {
			t.Errorf("a refused concern's error quotes its text: %v", err)
		}
	}

	// Actions append in order and move the concern along.
	acts := []*engine.ConcernAction{
		{ID: c.id(), ConcernID: linked.ID, GroupID: w.group.ID, ActorID: w.fac.ID, Action: "Spoke with Bo.",
			Outcome: "Bo feels heard.", Status: engine.ConcernInProgress, CreatedAt: c.now()},
		{ID: c.id(), ConcernID: linked.ID, GroupID: w.group.ID, ActorID: w.fac.ID, Action: "Closed.",
			Learning: "Brief volunteers on ground rules.", Status: engine.ConcernClosed, CreatedAt: c.now()},
	}
	write(t, s, func(tx engine.Tx) error {
		for _, a := range acts {
			if err := tx.AppendConcernAction(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	gotActs, err := s.ConcernActions(ctx, linked.ID)
	must(t, err, "ConcernActions")
	same(t, gotActs, acts, "concern actions")
	got, err = s.ConcernByID(ctx, linked.ID)
	must(t, err, "ConcernByID after actions")
	moved := *linked
	moved.Status, moved.UpdatedAt = engine.ConcernClosed, acts[1].CreatedAt
	same(t, got, &moved, "concern after actions")
	noActs, err := s.ConcernActions(ctx, bare.ID)
	must(t, err, "ConcernActions of a concern without any")
	if noActs == nil || len(noActs) != 0 {
		t.Errorf("ConcernActions without actions: got %v, want an empty slice", noActs)
	}
	lost := &engine.ConcernAction{ID: c.id(), ConcernID: c.id(), GroupID: w.group.ID, ActorID: w.fac.ID, Action: "x",
		Status: engine.ConcernOpen, CreatedAt: c.now()}
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.AppendConcernAction(ctx, lost) }), engine.ENOTFOUND,
		"AppendConcernAction on a missing concern")
	again := *acts[0]
	again.ConcernID = bare.ID
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.AppendConcernAction(ctx, &again) }), engine.ECONFLICT,
		"AppendConcernAction with a stored id")
	got, err = s.ConcernByID(ctx, bare.ID)
	must(t, err, "ConcernByID")
	same(t, got, bare, "a concern whose failed action was rolled back")

}

// testCheckIns: a check-in round-trips, a second save replaces its zone,
// share flag and updated time but keeps when it was first made, lists come
// by member id, and a deleted check-in is gone.
func testCheckIns(t *testing.T, s engine.Store) {
	w := seed(t, s, 3, 0)
	c := w.clock
	m := w.members
	first := &engine.CheckIn{RoundID: w.round.ID, GroupID: w.group.ID, MemberID: m[2].ID, Zone: engine.CheckInStretch,
		CreatedAt: c.now()}
	first.UpdatedAt = first.CreatedAt
	other := &engine.CheckIn{RoundID: w.round.ID, GroupID: w.group.ID, MemberID: m[0].ID, Zone: engine.CheckInComfort,
		Shared: true, CreatedAt: c.now()}
	other.UpdatedAt = other.CreatedAt
	write(t, s, func(tx engine.Tx) error {
		if err := tx.SaveCheckIn(ctx, first); err != nil {
			return err
		}
		return tx.SaveCheckIn(ctx, other)
	})
	got, err := s.CheckIn(ctx, w.round.ID, m[2].ID)
	must(t, err, "CheckIn")
	same(t, got, first, "check-in")
	changed := &engine.CheckIn{RoundID: w.round.ID, GroupID: w.group.ID, MemberID: m[2].ID, Zone: engine.CheckInPanic,
		Shared: true, CreatedAt: c.now(), UpdatedAt: c.now()}
	write(t, s, func(tx engine.Tx) error { return tx.SaveCheckIn(ctx, changed) })
	got, err = s.CheckIn(ctx, w.round.ID, m[2].ID)
	must(t, err, "CheckIn after a change")
	want := *changed
	want.CreatedAt = first.CreatedAt
	same(t, got, &want, "changed check-in")
	list, err := s.CheckIns(ctx, w.round.ID)
	must(t, err, "CheckIns")
	byMember := []*engine.CheckIn{other, &want}
	if m[2].ID < m[0].ID {
		byMember = []*engine.CheckIn{&want, other}
	}
	same(t, list, byMember, "a round's check-ins by member id")
	_, err = s.CheckIn(ctx, w.round.ID, m[1].ID)
	wantCode(t, err, engine.ENOTFOUND, "CheckIn of a member who did not check in")

	write(t, s, func(tx engine.Tx) error { return tx.DeleteCheckIn(ctx, w.round.ID, m[2].ID) })
	_, err = s.CheckIn(ctx, w.round.ID, m[2].ID)
	wantCode(t, err, engine.ENOTFOUND, "CheckIn after DeleteCheckIn")
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.DeleteCheckIn(ctx, w.round.ID, m[2].ID) }), engine.ENOTFOUND,
		"DeleteCheckIn of a deleted check-in")
	list, err = s.CheckIns(ctx, w.round.ID)
	must(t, err, "CheckIns")
	same(t, list, []*engine.CheckIn{other}, "check-ins after a delete")
	empty, err := s.CheckIns(ctx, c.id())
	must(t, err, "CheckIns of a missing round")
	if empty == nil || len(empty) != 0 {
		t.Errorf("CheckIns of a missing round: got %v, want an empty slice", empty)
	}

	bad := *other
	bad.MemberID, bad.Zone = m[1].ID, "green"
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.SaveCheckIn(ctx, &bad) }), engine.EINVALID,
		"SaveCheckIn with an unknown zone")
	lost := *other
	lost.RoundID = c.id()
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.SaveCheckIn(ctx, &lost) }), engine.EINVALID,
		"SaveCheckIn on a missing round")
}
