package engine_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

func TestMain(m *testing.M) { bunstoretest.Main(m) }

// world is a group with a facilitator and three members, ready to run rounds.
type world struct {
	t       *testing.T
	ctx     context.Context
	e       *engine.Engine
	fac     engine.Actor
	group   *engine.Group
	members []engine.Actor
	names   []string
}

func newWorld(t *testing.T, db *bunstore.DB, settings engine.GroupSettings) *world {
	t.Helper()
	ctx := context.Background()
	e := engine.New(engine.Config{Store: bunstore.NewStore(db)})
	acct, _, err := e.SignUp(ctx, engine.SignUpInput{Email: "Fac@Example.org", Name: "Fac", Password: "correct horse battery"})
	must(t, err)
	w := &world{t: t, ctx: ctx, e: e, fac: engine.Actor{AccountID: acct.ID}}
	if settings.Perspectives == nil {
		settings.Perspectives = []string{"lived experience", "carer", "practitioner"}
	}
	w.group, err = e.CreateGroup(ctx, w.fac, engine.GroupInput{Name: "Test group", Settings: settings})
	must(t, err)
	for i, name := range []string{"Ada", "Bo", "Cy"} {
		w.join(name, settings.Perspectives[i%len(settings.Perspectives)])
	}
	return w
}

func (w *world) join(name, perspective string) engine.Actor {
	w.t.Helper()
	_, token, err := w.e.CreateInvite(w.ctx, w.fac, w.group.ID, engine.InviteInput{})
	must(w.t, err)
	m, session, err := w.e.Join(w.ctx, engine.Actor{}, engine.JoinInput{Token: token, DisplayName: name, Perspective: perspective})
	must(w.t, err)
	actor, err := w.e.Authenticate(w.ctx, session)
	must(w.t, err)
	if actor.MemberID != m.ID {
		w.t.Fatalf("session authenticates as %q, want %q", actor.MemberID, m.ID)
	}
	w.members = append(w.members, actor)
	w.names = append(w.names, name)
	return actor
}

// openRound creates a round, has the first member propose each text and
// moves it to rating.
func (w *world) openRound(texts ...string) (*engine.Round, []*engine.Proposal) {
	w.t.Helper()
	rd, err := w.e.CreateRound(w.ctx, w.fac, w.group.ID, engine.RoundInput{Prompt: "What should change?"})
	must(w.t, err)
	_, err = w.e.TransitionRound(w.ctx, w.fac, rd.ID, engine.TransitionOpen)
	must(w.t, err)
	var ps []*engine.Proposal
	for _, text := range texts {
		p, err := w.e.AddProposal(w.ctx, w.members[0], rd.ID, engine.ProposalInput{Text: text})
		must(w.t, err)
		ps = append(ps, p)
	}
	rd, err = w.e.TransitionRound(w.ctx, w.fac, rd.ID, engine.TransitionRating)
	must(w.t, err)
	return rd, ps
}

func (w *world) rate(actor engine.Actor, roundID, proposalID string, value int) *engine.RatingResult {
	w.t.Helper()
	res, err := w.e.SubmitRating(w.ctx, actor, engine.RatingInput{RoundID: roundID, ProposalID: proposalID, Value: &value})
	must(w.t, err)
	return res
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantErr checks err's code and, if field is not empty, that a field
// failure names it.
func wantErr(t *testing.T, err error, code, field string) {
	t.Helper()
	if got := engine.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	if field == "" {
		return
	}
	for _, f := range engine.ErrorFields(err) {
		if f.Field == field {
			return
		}
	}
	t.Fatalf("error %v names fields %v, want %q", err, engine.ErrorFields(err), field)
}

func intp(v int) *int { return &v }

func TestRatingRules(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		w := newWorld(t, db, engine.GroupSettings{Scale: engine.ScaleLikert5})
		rd, ps := w.openRound("Open in the evenings", "No referral needed")
		ada, bo := w.members[0], w.members[1]
		p := ps[0].ID

		first := w.rate(ada, rd.ID, p, 4)
		if first.Changed || first.Replayed {
			t.Fatalf("first rating: %+v", first)
		}
		again := w.rate(ada, rd.ID, p, 4)
		if !again.Replayed || again.Event.ID != first.Event.ID {
			t.Fatalf("repeating the current rating stored a new event: %+v", again)
		}
		changed, err := w.e.SubmitRating(w.ctx, ada, engine.RatingInput{RoundID: rd.ID, ProposalID: p, Value: intp(2),
			Reason: "Heard the carers' view", ChangeCategory: engine.ChangeOthersViews})
		must(t, err)
		if !changed.Changed || changed.Event.PreviousEventID != first.Event.ID {
			t.Fatalf("change: %+v", changed.Event)
		}

		key := engine.RatingInput{RoundID: rd.ID, ProposalID: ps[1].ID, Pass: true, IdempotencyKey: "k-1"}
		r1, err := w.e.SubmitRating(w.ctx, bo, key)
		must(t, err)
		r2, err := w.e.SubmitRating(w.ctx, bo, key)
		must(t, err)
		if !r2.Replayed || r2.Event.ID != r1.Event.ID {
			t.Fatalf("idempotent retry stored a second event")
		}
		key.Pass, key.Value = false, intp(5)
		_, err = w.e.SubmitRating(w.ctx, bo, key)
		wantErr(t, err, engine.ECONFLICT, "idempotency_key")

		cases := []struct {
			name  string
			actor engine.Actor
			in    engine.RatingInput
			code  string
			field string
		}{
			{"value off the scale", bo, engine.RatingInput{RoundID: rd.ID, ProposalID: p, Value: intp(6)}, engine.EINVALID, "value"},
			{"no value and no pass", bo, engine.RatingInput{RoundID: rd.ID, ProposalID: p}, engine.EINVALID, "value"},
			{"value and pass", bo, engine.RatingInput{RoundID: rd.ID, ProposalID: p, Value: intp(3), Pass: true}, engine.EINVALID, "value"},
			{"malformed round id", bo, engine.RatingInput{RoundID: "x", ProposalID: p, Value: intp(3)}, engine.EINVALID, "round_id"},
			{"unknown round", bo, engine.RatingInput{RoundID: engine.NewID(time.Now()), ProposalID: p, Value: intp(3)}, engine.ENOTFOUND, ""},
			{"unknown proposal", bo, engine.RatingInput{RoundID: rd.ID, ProposalID: engine.NewID(time.Now()), Value: intp(3)}, engine.EINVALID, "proposal_id"},
			{"change category on a first rating", bo, engine.RatingInput{RoundID: rd.ID, ProposalID: p, Value: intp(3), ChangeCategory: engine.ChangeOther}, engine.EINVALID, "change_category"},
			{"unknown change category", bo, engine.RatingInput{RoundID: rd.ID, ProposalID: p, Value: intp(3), ChangeCategory: "bribe"}, engine.EINVALID, "change_category"},
			{"unknown mode", bo, engine.RatingInput{RoundID: rd.ID, ProposalID: p, Value: intp(3), Mode: "telepathy"}, engine.EINVALID, "mode"},
			{"member entering for another", bo, engine.RatingInput{RoundID: rd.ID, ProposalID: p, Value: intp(3), Mode: engine.ModeAssisted, MemberID: ada.MemberID}, engine.EFORBIDDEN, ""},
			{"facilitator rating as self", w.fac, engine.RatingInput{RoundID: rd.ID, ProposalID: p, Value: intp(3)}, engine.EFORBIDDEN, ""},
			{"anonymous", engine.Actor{}, engine.RatingInput{RoundID: rd.ID, ProposalID: p, Value: intp(3)}, engine.EUNAUTHORIZED, ""},
			{"reason too long", bo, engine.RatingInput{RoundID: rd.ID, ProposalID: p, Value: intp(3), Reason: string(make([]rune, engine.MaxReasonLen+1))}, engine.EINVALID, "reason"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := w.e.SubmitRating(w.ctx, c.actor, c.in)
				wantErr(t, err, c.code, c.field)
			})
		}

		// Assisted: the facilitator enters Cy's rating with them.
		res, err := w.e.SubmitRating(w.ctx, w.fac, engine.RatingInput{RoundID: rd.ID, ProposalID: p, Value: intp(5),
			Mode: engine.ModeAssisted, MemberID: w.members[2].MemberID})
		must(t, err)
		if res.Event.MemberID != w.members[2].MemberID || res.Event.Mode != engine.ModeAssisted {
			t.Fatalf("assisted rating stored as %+v", res.Event)
		}

		_, err = w.e.TransitionRound(w.ctx, w.fac, rd.ID, engine.TransitionClose)
		must(t, err)
		_, err = w.e.SubmitRating(w.ctx, bo, engine.RatingInput{RoundID: rd.ID, ProposalID: p, Value: intp(3)})
		wantErr(t, err, engine.ECONFLICT, "round_id")
	})
}

func TestBulkRatingsAllOrNothing(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		w := newWorld(t, db, engine.GroupSettings{Scale: engine.ScaleAgreeDisagree})
		rd, ps := w.openRound("A", "B")
		in := []engine.RatingInput{
			{RoundID: rd.ID, ProposalID: ps[0].ID, Value: intp(1), Mode: engine.ModeInRoom, MemberID: w.members[0].MemberID},
			{RoundID: rd.ID, ProposalID: ps[1].ID, Value: intp(-1), Mode: engine.ModeInRoom, MemberID: w.members[1].MemberID},
			{RoundID: rd.ID, ProposalID: ps[1].ID, Value: intp(3), Mode: engine.ModeInRoom, MemberID: w.members[2].MemberID},
		}
		_, err := w.e.SubmitRatings(w.ctx, w.fac, in)
		wantErr(t, err, engine.EINVALID, "ratings[2].value")
		audit, err := w.e.ListAudit(w.ctx, w.fac, w.group.ID, engine.Page{Limit: 1000})
		must(t, err)
		for _, a := range audit {
			if a.Action == "rating.submitted" {
				t.Fatalf("a failed bulk submission left %q behind", a.Action)
			}
		}
		in[2].Value = intp(1)
		res, err := w.e.SubmitRatings(w.ctx, w.fac, in)
		must(t, err)
		if len(res) != 3 {
			t.Fatalf("got %d results", len(res))
		}
	})
}

func TestAuthorisationAcrossGroups(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		w := newWorld(t, db, engine.GroupSettings{})
		rd, ps := w.openRound("Shared idea")
		// A second facilitator with a group of their own.
		acct, _, err := w.e.SignUp(w.ctx, engine.SignUpInput{Email: "other@example.org", Name: "Other", Password: "another long password"})
		must(t, err)
		other := engine.Actor{AccountID: acct.ID}
		og, err := w.e.CreateGroup(w.ctx, other, engine.GroupInput{Name: "Other group"})
		must(t, err)

		_, err = w.e.GetGroup(w.ctx, other, w.group.ID)
		wantErr(t, err, engine.ENOTFOUND, "")
		_, err = w.e.GetGroup(w.ctx, w.members[0], og.ID)
		wantErr(t, err, engine.ENOTFOUND, "")
		_, err = w.e.GetRound(w.ctx, other, rd.ID)
		wantErr(t, err, engine.ENOTFOUND, "")
		_, err = w.e.TransitionRound(w.ctx, other, rd.ID, engine.TransitionClose)
		wantErr(t, err, engine.ENOTFOUND, "")
		_, err = w.e.TransitionRound(w.ctx, w.members[0], rd.ID, engine.TransitionClose)
		wantErr(t, err, engine.EFORBIDDEN, "")
		_, err = w.e.ModerateProposal(w.ctx, w.members[1], ps[0].ID, engine.ModerationHide, "no")
		wantErr(t, err, engine.EFORBIDDEN, "")
		_, _, err = w.e.CreateInvite(w.ctx, w.members[0], w.group.ID, engine.InviteInput{})
		wantErr(t, err, engine.EFORBIDDEN, "")

		// An evaluator joins with their account and sees only pseudonyms.
		evAcct, _, err := w.e.SignUp(w.ctx, engine.SignUpInput{Email: "eval@example.org", Name: "Eva", Password: "evaluator password!"})
		must(t, err)
		_, token, err := w.e.CreateInvite(w.ctx, w.fac, w.group.ID, engine.InviteInput{Role: engine.RoleEvaluator})
		must(t, err)
		evaluator := engine.Actor{AccountID: evAcct.ID}
		_, _, err = w.e.Join(w.ctx, evaluator, engine.JoinInput{Token: token, DisplayName: "Eva"})
		must(t, err)
		ms, err := w.e.ListMembers(w.ctx, evaluator, w.group.ID)
		must(t, err)
		for _, m := range ms {
			if m.DisplayName != "" || m.ID == w.members[0].MemberID {
				t.Fatalf("evaluator sees identity %+v", m)
			}
		}
		_, err = w.e.SubmitRating(w.ctx, evaluator, engine.RatingInput{RoundID: rd.ID, ProposalID: ps[0].ID, Value: intp(3)})
		wantErr(t, err, engine.EFORBIDDEN, "")
	})
}

func TestSingleUseInviteRace(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		w := newWorld(t, db, engine.GroupSettings{})
		_, token, err := w.e.CreateInvite(w.ctx, w.fac, w.group.ID, engine.InviteInput{Kind: engine.InviteSingleUse})
		must(t, err)
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, errs[i] = w.e.Join(w.ctx, engine.Actor{}, engine.JoinInput{Token: token, DisplayName: fmt.Sprint("P", i)})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if c := engine.ErrorCode(err); c != engine.ECONFLICT && c != engine.ENOTFOUND {
				t.Fatalf("unexpected error %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d people joined on one single-use invite", ok)
		}
	})
}

func TestLineageAndModeration(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		w := newWorld(t, db, engine.GroupSettings{})
		rd, ps := w.openRound("Evenings", "Open later", "Rude idea")
		w.rate(w.members[1], rd.ID, ps[0].ID, 5)
		merged, err := w.e.RewriteProposals(w.ctx, w.fac, engine.LineageInput{Kind: engine.LineageMerge, RoundID: rd.ID,
			ProposalIDs: []string{ps[0].ID, ps[1].ID}, Texts: []engine.ProposalInput{{Text: "Open on two evenings"}}})
		must(t, err)
		if len(merged) != 1 || len(merged[0].Parents) != 2 || merged[0].AuthorID != w.members[0].MemberID {
			t.Fatalf("merge: %+v", merged)
		}
		_, err = w.e.SubmitRating(w.ctx, w.members[1], engine.RatingInput{RoundID: rd.ID, ProposalID: ps[0].ID, Value: intp(4)})
		wantErr(t, err, engine.ECONFLICT, "proposal_id")
		view, err := w.e.GetRound(w.ctx, w.members[1], rd.ID)
		must(t, err)
		var ids []string
		for _, it := range view.Agenda {
			ids = append(ids, it.ProposalID)
		}
		if !slices.Contains(ids, merged[0].ID) || slices.Contains(ids, ps[0].ID) {
			t.Fatalf("agenda after merge: %v", ids)
		}
		_, err = w.e.ModerateProposal(w.ctx, w.fac, ps[2].ID, engine.ModerationHide, "")
		wantErr(t, err, engine.EINVALID, "reason")
		_, err = w.e.ModerateProposal(w.ctx, w.fac, ps[2].ID, engine.ModerationHide, "It names a staff member.")
		must(t, err)
		// The author sees it with the reason; others do not see it at all.
		for i, m := range w.members[:2] {
			view, err := w.e.GetRound(w.ctx, m, rd.ID)
			must(t, err)
			found := false
			for _, it := range view.Agenda {
				if it.ProposalID == ps[2].ID {
					found = true
					if it.Proposal.ModerationReason != "It names a staff member." {
						t.Fatalf("author sees reason %q", it.Proposal.ModerationReason)
					}
				}
			}
			if found != (i == 0) {
				t.Fatalf("member %d sees hidden proposal: %v", i, found)
			}
		}
	})
}

func TestGroupSettingsValidation(t *testing.T) {
	db := bunstoretest.SQLite(t)
	ctx := context.Background()
	e := engine.New(engine.Config{Store: bunstore.NewStore(db)})
	acct, _, err := e.SignUp(ctx, engine.SignUpInput{Email: "f@example.org", Name: "F", Password: "long enough password"})
	must(t, err)
	fac := engine.Actor{AccountID: acct.ID}
	cases := []struct {
		name  string
		in    engine.GroupInput
		field string
	}{
		{"no name", engine.GroupInput{}, "name"},
		{"unknown scale", engine.GroupInput{Name: "G", Settings: engine.GroupSettings{Scale: "likert4"}}, "settings.scale"},
		{"unknown reveal", engine.GroupInput{Name: "G", Settings: engine.GroupSettings{RevealPolicy: "sometimes"}}, "settings.reveal_policy"},
		{"zone off scale", engine.GroupInput{Name: "G", Settings: engine.GroupSettings{Scale: engine.ScaleLikert5, AgreeZone: &engine.Zone{Min: 4, Max: 6}}}, "settings.agree_zone"},
		{"quantile type", engine.GroupInput{Name: "G", Settings: engine.GroupSettings{QuantileType: 8}}, "settings.quantile_type"},
		{"repeated perspective", engine.GroupInput{Name: "G", Settings: engine.GroupSettings{Perspectives: []string{"carer", "carer"}}}, "settings.perspectives"},
		{"control characters", engine.GroupInput{Name: "G\x00"}, "name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.CreateGroup(ctx, fac, c.in)
			wantErr(t, err, engine.EINVALID, c.field)
		})
	}
	_, _, err = e.SignUp(ctx, engine.SignUpInput{Email: "F@example.org", Name: "Dup", Password: "long enough password"})
	wantErr(t, err, engine.ECONFLICT, "email")
	_, _, err = e.LogIn(ctx, "f@example.org", "wrong password!!")
	wantErr(t, err, engine.EUNAUTHORIZED, "password")
	_, token, err := e.LogIn(ctx, "F@EXAMPLE.ORG", "long enough password")
	must(t, err)
	actor, err := e.Authenticate(ctx, token)
	must(t, err)
	must(t, e.LogOut(ctx, actor))
	_, err = e.Authenticate(ctx, token)
	wantErr(t, err, engine.EUNAUTHORIZED, "")
}

// TestRuleWithoutVersion: a rule sent without a version is numbered by the
// engine, not refused; changing it makes version 2.
func TestRuleWithoutVersion(t *testing.T) {
	db := bunstoretest.SQLite(t)
	w := newWorld(t, db, engine.GroupSettings{})
	pct := 80.0
	in := engine.GroupInput{Name: "Renamed", Settings: w.group.Settings}
	in.Settings.ConsensusRule.Version = 0
	in.Settings.ConsensusRule.MinPercentAgree = &pct
	g, err := w.e.UpdateGroup(w.ctx, w.fac, w.group.ID, in)
	must(t, err)
	if g.Settings.ConsensusRule.Version != 2 {
		t.Fatalf("rule version %d after a change, want 2", g.Settings.ConsensusRule.Version)
	}
	hist, err := w.e.RuleHistory(w.ctx, w.fac, w.group.ID)
	must(t, err)
	if len(hist) != 2 {
		t.Fatalf("%d rule versions kept, want 2", len(hist))
	}
}
