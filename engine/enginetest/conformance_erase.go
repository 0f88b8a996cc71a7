package enginetest

import (
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
)

func init() {
	conformanceCases = append(conformanceCases, struct {
		name string
		run  func(t *testing.T, s engine.Store)
	}{"EraseMemberContent", testEraseMemberContent})
}

// testEraseMemberContent: only the erased member's reasons (non-empty
// ones), idempotency keys, fingerprints, reflections, join key, shared
// check-ins and the named invites' labels change; values, passes, current
// pointers and every other member's rows stay; RoundVersion moves; the
// erasure rolls back with its transaction.
func testEraseMemberContent(t *testing.T, s engine.Store) {
	w := seed(t, s, 2, 2)
	c := w.clock
	gone, kept := newMember(c, w.group, "", "Gwen", engine.RoleMember), w.members[1]
	gone.JoinKeyHash = engine.HashToken("join-key-of-gone")
	checkIn := func(m *engine.Member) *engine.CheckIn {
		now := c.now()
		return &engine.CheckIn{RoundID: w.round.ID, GroupID: w.group.ID, MemberID: m.ID, Zone: "stretch", Shared: true,
			CreatedAt: now, UpdatedAt: now}
	}
	ciGone, ciKept := checkIn(gone), checkIn(kept)
	four, two := 4, 2
	evs := []*engine.RatingEvent{
		newRating(c, w.round, w.proposals[0], gone, &four),
		newRating(c, w.round, w.proposals[1], gone, nil),
		newRating(c, w.round, w.proposals[0], kept, &two),
	}
	evs[0].Reason, evs[0].IdempotencyKey = "Because of my son's care plan", "key-gone-1"
	evs[1].Reason = "" // a pass without a reason stays without one
	evs[2].Reason, evs[2].IdempotencyKey = "I was not convinced", "key-kept-1"
	later := newRating(c, w.round, w.proposals[0], gone, &two)
	later.Reason, later.PreviousEventID, later.ChangeCategory = "Changed after the discussion", evs[0].ID, engine.ChangeDiscussion
	rfGone := &engine.Reflection{ID: c.id(), GroupID: w.group.ID, RoundID: w.round.ID, MemberID: gone.ID, Text: "I felt heard today", CreatedAt: c.now()}
	rfKept := &engine.Reflection{ID: c.id(), GroupID: w.group.ID, RoundID: w.round.ID, MemberID: kept.ID, Text: "Too fast for me", CreatedAt: c.now()}
	inv := func(label string) *engine.Invite {
		return &engine.Invite{ID: c.id(), GroupID: w.group.ID, Kind: engine.InviteSingleUse, Role: engine.RoleMember,
			Label: label, MaxUses: 1, ExpiresAt: c.now().Add(24 * time.Hour), CreatedBy: w.fac.ID, CreatedAt: c.now(),
			TokenHash: "hash-" + label}
	}
	invGone, invKept := inv("For Gwen Jones"), inv("For Kim")
	write(t, s, func(tx engine.Tx) error {
		if err := tx.CreateMember(ctx, gone); err != nil {
			return err
		}
		for _, ci := range []*engine.CheckIn{ciGone, ciKept} {
			if err := tx.SaveCheckIn(ctx, ci); err != nil {
				return err
			}
		}
		for _, ev := range append(evs, later) {
			if err := tx.AppendRatingEvent(ctx, ev); err != nil {
				return err
			}
		}
		for _, rf := range []*engine.Reflection{rfGone, rfKept} {
			if err := tx.CreateReflection(ctx, rf); err != nil {
				return err
			}
		}
		for _, i := range []*engine.Invite{invGone, invKept} {
			if err := tx.CreateInvite(ctx, i); err != nil {
				return err
			}
		}
		return nil
	})
	before, err := s.RoundVersion(ctx, w.round.ID)
	must(t, err, "RoundVersion")
	er := &engine.Erasure{MemberID: gone.ID, GroupID: w.group.ID, InviteIDs: []string{invGone.ID}, Text: engine.ErasedText}

	// A rolled-back erasure changes nothing.
	err = writeErr(s, func(tx engine.Tx) error {
		if err := tx.EraseMemberContent(ctx, er); err != nil {
			return err
		}
		return engine.Errorf(engine.ECONFLICT, "roll back")
	})
	wantCode(t, err, engine.ECONFLICT, "InTx returning an error after EraseMemberContent")
	got, err := s.RatingEvents(ctx, w.group.ID)
	must(t, err, "RatingEvents after a rolled-back erasure")
	same(t, got, append(evs, later), "rating events after a rolled-back erasure")

	write(t, s, func(tx engine.Tx) error { return tx.EraseMemberContent(ctx, er) })

	want := make([]*engine.RatingEvent, 0, 4)
	for _, ev := range append(evs, later) {
		cp := *ev
		if cp.MemberID == gone.ID {
			if cp.Reason != "" {
				cp.Reason = engine.ErasedText
			}
			cp.IdempotencyKey, cp.BodyHash = "", ""
		}
		want = append(want, &cp)
	}
	got, err = s.RatingEvents(ctx, w.group.ID)
	must(t, err, "RatingEvents after erasure")
	same(t, got, want, "rating events after erasure")
	cur, err := s.CurrentRatings(ctx, w.round.ID)
	must(t, err, "CurrentRatings after erasure")
	same(t, cur, []*engine.RatingEvent{want[1], want[2], want[3]}, "current ratings after erasure")
	_, err = s.RatingEventByKey(ctx, gone.ID, "key-gone-1")
	wantCode(t, err, engine.ENOTFOUND, "RatingEventByKey of an erased member's key")
	ev, err := s.RatingEventByKey(ctx, kept.ID, "key-kept-1")
	must(t, err, "RatingEventByKey of another member's key")
	same(t, ev, want[2], "another member's keyed event")

	rfs, err := s.Reflections(ctx, w.group.ID)
	must(t, err, "Reflections after erasure")
	erasedRf := *rfGone
	erasedRf.Text = engine.ErasedText
	same(t, rfs, []*engine.Reflection{&erasedRf, rfKept}, "reflections after erasure")

	gotInv, err := s.InviteByID(ctx, invGone.ID)
	must(t, err, "InviteByID of the erased member's invite")
	wantInv := *invGone
	wantInv.Label = ""
	same(t, gotInv, &wantInv, "the erased member's invite")
	gotInv, err = s.InviteByID(ctx, invKept.ID)
	must(t, err, "InviteByID of another invite")
	same(t, gotInv, invKept, "another member's invite")

	_, err = s.MemberByJoinKey(ctx, gone.JoinKeyHash)
	wantCode(t, err, engine.ENOTFOUND, "MemberByJoinKey of an erased member's key")
	cis, err := s.CheckIns(ctx, w.round.ID)
	must(t, err, "CheckIns after erasure")
	unshared := *ciGone
	unshared.Shared = false
	want2 := []*engine.CheckIn{&unshared, ciKept}
	if cis[0].MemberID != gone.ID {
		want2 = []*engine.CheckIn{ciKept, &unshared}
	}
	same(t, cis, want2, "check-ins after erasure")

	after, err := s.RoundVersion(ctx, w.round.ID)
	must(t, err, "RoundVersion after erasure")
	if after == before {
		t.Errorf("RoundVersion stayed %q across an erasure; cached analyses would keep the erased reasons", after)
	}

	// Erasing again, or a member with nothing written, is harmless.
	write(t, s, func(tx engine.Tx) error {
		if err := tx.EraseMemberContent(ctx, er); err != nil {
			return err
		}
		return tx.EraseMemberContent(ctx, &engine.Erasure{MemberID: w.fac.ID, GroupID: w.group.ID, Text: engine.ErasedText})
	})
	got, err = s.RatingEvents(ctx, w.group.ID)
	must(t, err, "RatingEvents after erasing twice")
	same(t, got, want, "rating events after erasing twice")
}
