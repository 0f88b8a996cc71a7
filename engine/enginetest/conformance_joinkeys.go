package enginetest

import (
	"sync"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
)

// testJoinKeys: a member stored with a join key's hash is found by it; the
// hash is unique across groups; updating a member keeps it.
func testJoinKeys(t *testing.T, s engine.Store) {
	w := seed(t, s, 1, 0)
	c := w.clock
	m := newMember(c, w.group, "", "Ola", engine.RoleMember)
	m.JoinKeyHash = engine.HashToken("key-1")
	write(t, s, func(tx engine.Tx) error { return tx.CreateMember(ctx, m) })
	got, err := s.MemberByJoinKey(ctx, m.JoinKeyHash)
	must(t, err, "MemberByJoinKey")
	same(t, got, m, "member by join key")

	again := newMember(c, w.group, "", "Ola again", engine.RoleMember)
	again.JoinKeyHash = m.JoinKeyHash
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.CreateMember(ctx, again) }), engine.ECONFLICT,
		"a second member with the same join key")

	upd := *m
	upd.DisplayName = "Ola B"
	write(t, s, func(tx engine.Tx) error { return tx.UpdateMember(ctx, &upd) })
	got, err = s.MemberByJoinKey(ctx, m.JoinKeyHash)
	must(t, err, "MemberByJoinKey after UpdateMember")
	same(t, got, &upd, "updated member by join key")

	// Members without a key never match an empty one.
	_, err = s.MemberByJoinKey(ctx, "")
	wantCode(t, err, engine.ENOTFOUND, "MemberByJoinKey of an empty key")
	_, err = s.MemberByJoinKey(ctx, engine.HashToken("unknown"))
	wantCode(t, err, engine.ENOTFOUND, "MemberByJoinKey of an unknown key")
}

// testSpendSession: a credential is spent once; spending it again is
// ECONFLICT, an unknown one ENOTFOUND, and of concurrent spenders exactly
// one succeeds.
func testSpendSession(t *testing.T, s engine.Store) {
	w := seed(t, s, 1, 0)
	c := w.clock
	newLink := func() string {
		_, hash := engine.NewToken("avl_")
		now := c.now()
		write(t, s, func(tx engine.Tx) error {
			return tx.CreateSession(ctx, &engine.Session{Hash: hash, Kind: engine.SessionMember, MemberID: w.members[0].ID,
				CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
		})
		return hash
	}
	hash := newLink()
	write(t, s, func(tx engine.Tx) error { return tx.SpendSession(ctx, hash, c.now()) })
	got, err := s.SessionByHash(ctx, hash)
	must(t, err, "SessionByHash")
	if got.RevokedAt == nil {
		t.Fatal("a spent session is not revoked")
	}
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.SpendSession(ctx, hash, c.now()) }), engine.ECONFLICT,
		"spending twice")
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.SpendSession(ctx, "unknown", c.now()) }), engine.ENOTFOUND,
		"spending an unknown session")

	hash = newLink()
	var wg sync.WaitGroup
	var mu sync.Mutex
	spent := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if writeErr(s, func(tx engine.Tx) error { return tx.SpendSession(ctx, hash, c.now()) }) == nil {
				mu.Lock()
				spent++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if spent != 1 {
		t.Errorf("%d concurrent spenders succeeded, want 1", spent)
	}
}
