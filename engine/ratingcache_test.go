package engine_test

import (
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// TestRatingChecksSeeOtherInstancesChanges: an instance that has checked
// ratings of a round (and keeps what it read) honours a change another
// instance made to what those checks read, at once: the change moves the
// round's revision, and the write refuses the old one.
func TestRatingChecksSeeOtherInstancesChanges(t *testing.T) {
	cases := []struct {
		name   string
		change func(w *world, other *engine.Engine, rd *engine.Round, ps []*engine.Proposal) error
		value  int
		code   string // "" when the rating must still be stored
		field  string
	}{
		{"nothing changed", func(*world, *engine.Engine, *engine.Round, []*engine.Proposal) error { return nil },
			3, "", ""},
		{"another member joined", func(w *world, other *engine.Engine, _ *engine.Round, _ []*engine.Proposal) error {
			_, token, err := other.CreateInvite(w.ctx, w.fac, w.group.ID, engine.InviteInput{})
			if err != nil {
				return err
			}
			_, _, err = other.Join(w.ctx, engine.Actor{}, engine.JoinInput{Token: token, DisplayName: "Di"})
			return err
		}, 3, "", ""},
		{"proposal hidden", func(w *world, other *engine.Engine, _ *engine.Round, ps []*engine.Proposal) error {
			_, err := other.ModerateProposal(w.ctx, w.fac, ps[0].ID, "hide", "Names a person")
			return err
		}, 3, engine.ECONFLICT, "proposal_id"},
		{"member made an observer for the round", func(w *world, other *engine.Engine, rd *engine.Round, _ []*engine.Proposal) error {
			_, err := other.AssignRole(w.ctx, w.fac, w.members[0].MemberID, engine.RoleObserver, rd.ID)
			return err
		}, 3, engine.EFORBIDDEN, ""},
		{"member erased", func(w *world, other *engine.Engine, _ *engine.Round, _ []*engine.Proposal) error {
			return other.EraseMember(w.ctx, w.fac, w.members[0].MemberID)
		}, 3, engine.EUNAUTHORIZED, ""},
		{"settings changed", func(w *world, other *engine.Engine, _ *engine.Round, _ []*engine.Proposal) error {
			st := w.group.Settings
			st.GroundRules = "Listen first."
			_, err := other.UpdateGroup(w.ctx, w.fac, w.group.ID, engine.GroupInput{Name: w.group.Name, Settings: st})
			return err
		}, 3, "", ""},
		{"round closed", func(w *world, other *engine.Engine, rd *engine.Round, _ []*engine.Proposal) error {
			_, err := other.TransitionRound(w.ctx, w.fac, rd.ID, engine.TransitionClose)
			return err
		}, 3, engine.ECONFLICT, "round_id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
				w := newWorld(t, db, engine.GroupSettings{Scale: engine.ScaleLikert5})
				other := engine.New(engine.Config{Store: bunstore.NewStore(db)})
				rd, ps := w.openRound("Open in the evenings", "No referral needed")
				ada := w.members[0]
				// This instance checks, and keeps, everything a rating reads.
				w.rate(ada, rd.ID, ps[0].ID, 4)
				w.rate(ada, rd.ID, ps[1].ID, 4)
				must(t, tc.change(w, other, rd, ps))
				res, err := w.e.SubmitRating(w.ctx, ada, engine.RatingInput{RoundID: rd.ID, ProposalID: ps[0].ID, Value: intp(tc.value)})
				if tc.code != "" {
					wantErr(t, err, tc.code, tc.field)
					return
				}
				must(t, err)
				if !res.Changed || res.Replayed || res.Event.Value == nil || *res.Event.Value != tc.value {
					t.Fatalf("rating after %s: %+v", tc.name, res)
				}
			})
		})
	}
}

// TestRatingRetryAfterClose: a retried submission (same idempotency key
// and body) is answered as before even once the round has closed, while a
// new one is refused.
func TestRatingRetryAfterClose(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		w := newWorld(t, db, engine.GroupSettings{Scale: engine.ScaleLikert5})
		rd, ps := w.openRound("A")
		in := engine.RatingInput{RoundID: rd.ID, ProposalID: ps[0].ID, Value: intp(5), IdempotencyKey: "submit-1"}
		first, err := w.e.SubmitRating(w.ctx, w.members[0], in)
		must(t, err)
		_, err = w.e.TransitionRound(w.ctx, w.fac, rd.ID, engine.TransitionClose)
		must(t, err)
		again, err := w.e.SubmitRating(w.ctx, w.members[0], in)
		must(t, err)
		if !again.Replayed || again.Event.ID != first.Event.ID {
			t.Fatalf("retry after close: %+v, want a replay of %s", again, first.Event.ID)
		}
		in.Value = intp(1)
		_, err = w.e.SubmitRating(w.ctx, w.members[0], in)
		wantErr(t, err, engine.ECONFLICT, "idempotency_key")
		_, err = w.e.SubmitRating(w.ctx, w.members[1], engine.RatingInput{RoundID: rd.ID, ProposalID: ps[0].ID, Value: intp(5)})
		wantErr(t, err, engine.ECONFLICT, "round_id")
	})
}

// TestRatingRefusalsAreNotKept: an instance that refused a rating on what
// it had read (round closed, idea hidden, rater made an observer) takes
// the rating once another instance has undone that change.
func TestRatingRefusalsAreNotKept(t *testing.T) {
	cases := []struct {
		name        string
		break_, fix func(w *world, other *engine.Engine, rd *engine.Round, ps []*engine.Proposal) error
		code        string
	}{
		{"round closed, then reopened",
			func(w *world, other *engine.Engine, rd *engine.Round, _ []*engine.Proposal) error {
				_, err := other.TransitionRound(w.ctx, w.fac, rd.ID, engine.TransitionClose)
				return err
			},
			func(w *world, other *engine.Engine, rd *engine.Round, _ []*engine.Proposal) error {
				_, err := other.TransitionRound(w.ctx, w.fac, rd.ID, engine.TransitionReopen)
				return err
			}, engine.ECONFLICT},
		{"idea hidden, then restored",
			func(w *world, other *engine.Engine, _ *engine.Round, ps []*engine.Proposal) error {
				_, err := other.ModerateProposal(w.ctx, w.fac, ps[0].ID, "hide", "Names a person")
				return err
			},
			func(w *world, other *engine.Engine, _ *engine.Round, ps []*engine.Proposal) error {
				_, err := other.ModerateProposal(w.ctx, w.fac, ps[0].ID, "restore", "")
				return err
			}, engine.ECONFLICT},
		{"made an observer, then a member again",
			func(w *world, other *engine.Engine, rd *engine.Round, _ []*engine.Proposal) error {
				_, err := other.AssignRole(w.ctx, w.fac, w.members[0].MemberID, engine.RoleObserver, rd.ID)
				return err
			},
			func(w *world, other *engine.Engine, rd *engine.Round, _ []*engine.Proposal) error {
				_, err := other.AssignRole(w.ctx, w.fac, w.members[0].MemberID, engine.RoleMember, rd.ID)
				return err
			}, engine.EFORBIDDEN},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
				w := newWorld(t, db, engine.GroupSettings{Scale: engine.ScaleLikert5})
				other := engine.New(engine.Config{Store: bunstore.NewStore(db)})
				rd, ps := w.openRound("Open in the evenings", "No referral needed")
				ada := w.members[0]
				w.rate(ada, rd.ID, ps[0].ID, 4)
				must(t, tc.break_(w, other, rd, ps))
				in := engine.RatingInput{RoundID: rd.ID, ProposalID: ps[0].ID, Value: intp(2)}
				_, err := w.e.SubmitRating(w.ctx, ada, in)
				wantErr(t, err, tc.code, "")
				must(t, tc.fix(w, other, rd, ps))
				res, err := w.e.SubmitRating(w.ctx, ada, in)
				must(t, err)
				if !res.Changed || *res.Event.Value != 2 {
					t.Fatalf("rating after the change was undone: %+v", res)
				}
			})
		})
	}
}
