package enginetest

import (
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
)

// testAccounts: round-trip, lower-case email lookup, duplicates.
func testAccounts(t *testing.T, s engine.Store) {
	c := newClock()
	a := newAccount(c, "Ann")
	a.Email = "Ann.Example@Example.ORG"
	write(t, s, func(tx engine.Tx) error { return tx.CreateAccount(ctx, a) })

	want := *a
	want.Email = "ann.example@example.org"
	got, err := s.AccountByID(ctx, a.ID)
	must(t, err, "AccountByID")
	same(t, got, &want, "account by id")
	for _, email := range []string{"ann.example@example.org", "ANN.EXAMPLE@EXAMPLE.ORG", "Ann.Example@Example.ORG"} {
		got, err := s.AccountByEmail(ctx, email)
		must(t, err, "AccountByEmail "+email)
		same(t, got, &want, "account by email "+email)
	}

	dupEmail := newAccount(c, "Other")
	dupEmail.Email = "ANN.example@example.org"
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.CreateAccount(ctx, dupEmail) }), engine.ECONFLICT,
		"same email in another case")
	dupID := newAccount(c, "Third")
	dupID.ID = a.ID
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.CreateAccount(ctx, dupID) }), engine.ECONFLICT, "same id")

	_, err = s.AccountByID(ctx, c.id())
	wantCode(t, err, engine.ENOTFOUND, "AccountByID of a missing id")
	_, err = s.AccountByEmail(ctx, "nobody@example.org")
	wantCode(t, err, engine.ENOTFOUND, "AccountByEmail of a missing email")
}

// testSessions: round-trip of every kind, revocation, duplicates.
func testSessions(t *testing.T, s engine.Store) {
	w := seed(t, s, 2, 0)
	c := w.clock
	exp := c.now().Add(30 * 24 * time.Hour)
	acct := &engine.Session{Hash: engine.HashToken("acct"), Kind: engine.SessionAccount, AccountID: w.account.ID,
		CreatedAt: c.now(), ExpiresAt: exp}
	tok := &engine.Session{Hash: engine.HashToken("tok"), Kind: engine.SessionAPIToken, Name: "survey export",
		AccountID: w.account.ID, CreatedAt: c.now(), ExpiresAt: exp}
	m1a := &engine.Session{Hash: engine.HashToken("m1a"), Kind: engine.SessionMember, MemberID: w.members[0].ID,
		CreatedAt: c.now(), ExpiresAt: exp}
	m1b := &engine.Session{Hash: engine.HashToken("m1b"), Kind: engine.SessionMember, MemberID: w.members[0].ID,
		CreatedAt: c.now(), ExpiresAt: exp}
	m2 := &engine.Session{Hash: engine.HashToken("m2"), Kind: engine.SessionMember, MemberID: w.members[1].ID,
		CreatedAt: c.now(), ExpiresAt: exp}
	revoked := &engine.Session{Hash: engine.HashToken("old"), Kind: engine.SessionAccount, AccountID: w.account.ID,
		CreatedAt: c.now(), ExpiresAt: exp, RevokedAt: ptr(c.now())}
	all := []*engine.Session{acct, tok, m1a, m1b, m2, revoked}
	write(t, s, func(tx engine.Tx) error {
		for _, sess := range all {
			if err := tx.CreateSession(ctx, sess); err != nil {
				return err
			}
		}
		return nil
	})
	for _, sess := range all {
		got, err := s.SessionByHash(ctx, sess.Hash)
		must(t, err, "SessionByHash")
		same(t, got, sess, "session "+sess.Kind+" "+sess.Name)
	}

	dup := *acct
	dup.AccountID = ""
	dup.MemberID = w.members[1].ID
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.CreateSession(ctx, &dup) }), engine.ECONFLICT,
		"CreateSession with a stored hash")

	at := c.now()
	write(t, s, func(tx engine.Tx) error { return tx.RevokeSession(ctx, acct.Hash, at) })
	got, err := s.SessionByHash(ctx, acct.Hash)
	must(t, err, "SessionByHash")
	same(t, got.RevokedAt, &at, "revoked_at after RevokeSession")
	// Revoking again keeps the first time.
	write(t, s, func(tx engine.Tx) error { return tx.RevokeSession(ctx, acct.Hash, c.now()) })
	got, err = s.SessionByHash(ctx, acct.Hash)
	must(t, err, "SessionByHash")
	same(t, got.RevokedAt, &at, "revoked_at after a second RevokeSession")
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.RevokeSession(ctx, engine.HashToken("none"), c.now()) }),
		engine.ENOTFOUND, "RevokeSession of a missing hash")

	at2 := c.now()
	write(t, s, func(tx engine.Tx) error { return tx.RevokeMemberSessions(ctx, w.members[0].ID, at2) })
	for _, tc := range []struct {
		sess *engine.Session
		want *time.Time
	}{
		{m1a, &at2}, {m1b, &at2}, {m2, nil}, {tok, nil}, {revoked, revoked.RevokedAt},
	} {
		got, err := s.SessionByHash(ctx, tc.sess.Hash)
		must(t, err, "SessionByHash")
		same(t, got.RevokedAt, tc.want, "revoked_at after RevokeMemberSessions")
	}
	// A member without sessions is not an error.
	write(t, s, func(tx engine.Tx) error { return tx.RevokeMemberSessions(ctx, w.fac.ID, c.now()) })

	_, err = s.SessionByHash(ctx, engine.HashToken("none"))
	wantCode(t, err, engine.ENOTFOUND, "SessionByHash of a missing hash")
}
