package engine_test

import (
	"sync"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// later is an engine on the same store whose clock runs ahead by d.
func later(db *bunstore.DB, d time.Duration) *engine.Engine {
	return engine.New(engine.Config{Store: bunstore.NewStore(db), Now: func() time.Time { return time.Now().Add(d) }})
}

// TestJoinKeyMakesJoiningIdempotent checks that a join form sent twice
// makes one member, even at once and with a single-use invite, and that a
// key cannot be replayed later or into another group.
func TestJoinKeyMakesJoiningIdempotent(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		w := newWorld(t, db, engine.GroupSettings{})
		before, err := w.e.ListMembers(w.ctx, w.fac, w.group.ID)
		must(t, err)
		_, token, err := w.e.CreateInvite(w.ctx, w.fac, w.group.ID, engine.InviteInput{})
		must(t, err)
		in := engine.JoinInput{Token: token, DisplayName: "Dee", JoinKey: "form-key-1"}

		// Ten submissions of one form at once: one member, ten sessions.
		const n = 10
		ids := make([]string, n)
		sessions := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				m, s, err := w.e.Join(w.ctx, engine.Actor{}, in)
				errs[i] = err
				if err == nil {
					ids[i], sessions[i] = m.ID, s
				}
			}()
		}
		wg.Wait()
		for i := range n {
			must(t, errs[i])
			if ids[i] != ids[0] {
				t.Fatalf("submission %d made member %s, the first made %s", i, ids[i], ids[0])
			}
			actor, err := w.e.Authenticate(w.ctx, sessions[i])
			must(t, err)
			if actor.MemberID != ids[0] {
				t.Errorf("session %d signs in as %s, want %s", i, actor.MemberID, ids[0])
			}
		}
		after, err := w.e.ListMembers(w.ctx, w.fac, w.group.ID)
		must(t, err)
		if len(after) != len(before)+1 {
			t.Fatalf("members: %d before, %d after; want one more", len(before), len(after))
		}

		// Another form (another key) on the used single-use invite fails.
		_, _, err = w.e.Join(w.ctx, engine.Actor{}, engine.JoinInput{Token: token, DisplayName: "Eve", JoinKey: "form-key-2"})
		wantErr(t, err, engine.ENOTFOUND, "token")

		// The key does not work after JoinKeyTTL, nor with another group's invite.
		_, _, err = later(db, engine.JoinKeyTTL+time.Minute).Join(w.ctx, engine.Actor{}, in)
		wantErr(t, err, engine.ECONFLICT, "join_key")
		acct, _, err := w.e.SignUp(w.ctx, engine.SignUpInput{Email: "other@example.org", Name: "Other", Password: "correct horse battery"})
		must(t, err)
		other := engine.Actor{AccountID: acct.ID}
		g2, err := w.e.CreateGroup(w.ctx, other, engine.GroupInput{Name: "Other group"})
		must(t, err)
		_, token2, err := w.e.CreateInvite(w.ctx, other, g2.ID, engine.InviteInput{})
		must(t, err)
		_, _, err = w.e.Join(w.ctx, engine.Actor{}, engine.JoinInput{Token: token2, DisplayName: "Dee", JoinKey: "form-key-1"})
		wantErr(t, err, engine.ECONFLICT, "join_key")

		// Too long a key is named.
		_, _, err = w.e.Join(w.ctx, engine.Actor{}, engine.JoinInput{Token: token2, DisplayName: "Dee", JoinKey: string(make([]byte, 101))})
		wantErr(t, err, engine.EINVALID, "join_key")
	})
}

// TestSignInLinks checks who may make a sign-in link, that it is never a
// session itself, that it works once for its member, and not after a day
// or after erasure.
func TestSignInLinks(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		w := newWorld(t, db, engine.GroupSettings{})
		ada, bo := w.members[0], w.members[1]

		link, err := w.e.CreateSignInLink(w.ctx, ada, ada.MemberID)
		must(t, err)
		if !engine.IsSignInLink(link.Token) {
			t.Fatalf("link %q is not recognised as one", link.Token)
		}
		_, err = w.e.Authenticate(w.ctx, link.Token)
		wantErr(t, err, engine.EUNAUTHORIZED, "")
		m, err := w.e.PreviewSignInLink(w.ctx, link.Token)
		must(t, err)
		if m.ID != ada.MemberID {
			t.Fatalf("preview shows member %s, want %s", m.ID, ada.MemberID)
		}
		m, session, err := w.e.UseSignInLink(w.ctx, link.Token)
		must(t, err)
		actor, err := w.e.Authenticate(w.ctx, session)
		must(t, err)
		if m.ID != ada.MemberID || actor.MemberID != ada.MemberID {
			t.Fatalf("link signed in as %s / %s, want %s", m.ID, actor.MemberID, ada.MemberID)
		}
		// The link is spent.
		_, _, err = w.e.UseSignInLink(w.ctx, link.Token)
		wantErr(t, err, engine.ENOTFOUND, "token")
		_, err = w.e.PreviewSignInLink(w.ctx, link.Token)
		wantErr(t, err, engine.ENOTFOUND, "token")

		// Two devices opening one link at once: one gets in.
		link, err = w.e.CreateSignInLink(w.ctx, ada, ada.MemberID)
		must(t, err)
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, _, err := w.e.UseSignInLink(w.ctx, link.Token); err == nil {
					mu.Lock()
					ok++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if ok != 1 {
			t.Errorf("one link let %d devices in, want 1", ok)
		}

		// Who may make one.
		_, err = w.e.CreateSignInLink(w.ctx, bo, ada.MemberID)
		wantErr(t, err, engine.EFORBIDDEN, "")
		byFac, err := w.e.CreateSignInLink(w.ctx, w.fac, bo.MemberID)
		must(t, err)
		members, err := w.e.ListMembers(w.ctx, w.fac, w.group.ID)
		must(t, err)
		for _, mv := range members {
			if mv.Role == engine.RoleFacilitator {
				_, err = w.e.CreateSignInLink(w.ctx, w.fac, mv.ID)
				wantErr(t, err, engine.EINVALID, "member_id")
			}
		}
		acct, _, err := w.e.SignUp(w.ctx, engine.SignUpInput{Email: "out@example.org", Name: "Out", Password: "correct horse battery"})
		must(t, err)
		_, err = w.e.CreateSignInLink(w.ctx, engine.Actor{AccountID: acct.ID}, ada.MemberID)
		wantErr(t, err, engine.ENOTFOUND, "")
		_, err = w.e.CreateSignInLink(w.ctx, ada, "not-an-id")
		wantErr(t, err, engine.ENOTFOUND, "")

		// A day later the facilitator's link no longer works.
		_, _, err = later(db, engine.SignInLinkTTL+time.Minute).UseSignInLink(w.ctx, byFac.Token)
		wantErr(t, err, engine.ENOTFOUND, "token")
		_, _, err = w.e.UseSignInLink(w.ctx, "avl_made-up")
		wantErr(t, err, engine.ENOTFOUND, "token")
		_, _, err = w.e.UseSignInLink(w.ctx, "avm_not-a-link")
		wantErr(t, err, engine.ENOTFOUND, "token")
	})
}
