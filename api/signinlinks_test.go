package api

import (
	"net/http"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// signInLink makes a fresh sign-in link for the fixture's target member,
// for the matrix's operations that use one up.
func (f *matrixFixture) signInLink() string {
	var out engine.SignInLink
	f.s.ok(call{method: http.MethodPost, path: "/members/" + f.target + "/sign-in-links", token: f.tokens[roleFac]}, http.StatusCreated, &out)
	return out.Token
}

// TestJoinIdempotencyAndSignInLinks: a join retried with the same
// idempotency key makes one member; a member's sign-in link gives another
// device a session once, and is never a session itself.
func TestJoinIdempotencyAndSignInLinks(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		s := newServer(t, db)
		fac, _ := s.account("Fac")
		g := s.group(fac, nil)
		inv := s.invite(fac, g.ID, inviteRequest{})

		req := joinRequest{Token: inv, DisplayName: "Pat", IdempotencyKey: "retry-1"}
		var first, second joinBody
		s.ok(call{method: http.MethodPost, path: "/join", body: req}, http.StatusCreated, &first)
		// The single-use invite is spent, yet the retry finds the member.
		s.ok(call{method: http.MethodPost, path: "/join", body: req}, http.StatusCreated, &second)
		if first.Member.ID != second.Member.ID || second.Token == "" || second.Token == first.Token {
			t.Fatalf("retry: member %s then %s, tokens differ: %v", first.Member.ID, second.Member.ID, second.Token != first.Token)
		}
		var members struct {
			Items []engine.MemberView `json:"items"`
		}
		s.ok(call{method: http.MethodGet, path: "/groups/" + g.ID + "/members", token: fac}, http.StatusOK, &members)
		n := 0
		for _, m := range members.Items {
			if m.DisplayName == "Pat" {
				n++
				if !m.ByInvite {
					t.Errorf("Pat joined by invite, but by_invite is false")
				}
			}
		}
		if n != 1 {
			t.Fatalf("%d members named Pat, want 1", n)
		}

		var link engine.SignInLink
		s.ok(call{method: http.MethodPost, path: "/members/" + first.Member.ID + "/sign-in-links", token: first.Token}, http.StatusCreated, &link)
		r := s.do(call{method: http.MethodGet, path: "/auth/me", token: link.Token})
		if r.status != http.StatusUnauthorized {
			t.Fatalf("a sign-in link worked as a session: %d", r.status)
		}
		var who engine.Member
		s.ok(call{method: http.MethodPost, path: "/sign-in-links/preview", body: signInLinkRequest{Token: link.Token}}, http.StatusOK, &who)
		if who.ID != first.Member.ID {
			t.Fatalf("preview: %s, want %s", who.ID, first.Member.ID)
		}
		var used joinBody
		s.ok(call{method: http.MethodPost, path: "/sign-in-links/use", body: signInLinkRequest{Token: link.Token}}, http.StatusOK, &used)
		var me engine.Me
		s.ok(call{method: http.MethodGet, path: "/auth/me", token: used.Token}, http.StatusOK, &me)
		if me.Member == nil || me.Member.ID != first.Member.ID {
			t.Fatalf("the new session is not Pat's: %+v", me)
		}
		r = s.do(call{method: http.MethodPost, path: "/sign-in-links/use", body: signInLinkRequest{Token: link.Token}})
		if r.status != http.StatusNotFound {
			t.Fatalf("a spent link: %d, want 404", r.status)
		}
		if p := r.problem(t); len(p.Errors) == 0 || p.Errors[0].Field != "token" {
			t.Errorf("a spent link's problem should name the token: %+v", p)
		}
	})
}
