package engine_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// fakeClock is a settable clock for the engine.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestScheduledRoundsAndSessionRevocation(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		ctx := context.Background()
		clk := &fakeClock{t: time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)}
		e := engine.New(engine.Config{Store: bunstore.NewStore(db), Now: clk.now})
		acct, _, err := e.SignUp(ctx, engine.SignUpInput{Email: "s@example.org", Name: "S", Password: "scheduled password"})
		must(t, err)
		fac := engine.Actor{AccountID: acct.ID}
		g, err := e.CreateGroup(ctx, fac, engine.GroupInput{Name: "Scheduled"})
		must(t, err)
		opens, closes := clk.now().Add(time.Hour), clk.now().Add(26*time.Hour)
		rd, err := e.CreateRound(ctx, fac, g.ID, engine.RoundInput{Prompt: "Overnight", Combined: true, OpensAt: &opens, ClosesAt: &closes})
		must(t, err)

		n, err := e.RunSchedule(ctx)
		must(t, err)
		if n != 0 {
			t.Fatalf("%d rounds changed before their time", n)
		}
		clk.advance(61 * time.Minute)
		n, err = e.RunSchedule(ctx)
		must(t, err)
		got, err := e.GetRound(ctx, fac, rd.ID)
		must(t, err)
		if n != 1 || got.State != engine.RoundRating {
			t.Fatalf("after opening time: %d changed, state %s", n, got.State)
		}
		clk.advance(25 * time.Hour)
		_, err = e.RunSchedule(ctx)
		must(t, err)
		got, err = e.GetRound(ctx, fac, rd.ID)
		must(t, err)
		if got.State != engine.RoundClosed || got.ClosedAt == nil {
			t.Fatalf("after closing time: state %s", got.State)
		}

		// A member's session works until it is revoked, then never again.
		_, token, err := e.CreateInvite(ctx, fac, g.ID, engine.InviteInput{})
		must(t, err)
		m, session, err := e.Join(ctx, engine.Actor{}, engine.JoinInput{Token: token, DisplayName: "Mo"})
		must(t, err)
		_, err = e.Authenticate(ctx, session)
		must(t, err)
		must(t, e.RevokeMemberSessions(ctx, fac, m.ID))
		_, err = e.Authenticate(ctx, session)
		wantErr(t, err, engine.EUNAUTHORIZED, "")
		// The invite was single-use and is now spent.
		_, _, err = e.Join(ctx, engine.Actor{}, engine.JoinInput{Token: token, DisplayName: "Again"})
		wantErr(t, err, engine.ENOTFOUND, "token")
		// An expired reusable invite stops working.
		_, reusable, err := e.CreateInvite(ctx, fac, g.ID, engine.InviteInput{Kind: engine.InviteReusable, ExpiresIn: 2 * time.Hour})
		must(t, err)
		clk.advance(3 * time.Hour)
		_, err = e.PreviewInvite(ctx, reusable)
		wantErr(t, err, engine.ENOTFOUND, "token")
	})
}
