package bunstore_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// fiberStorage is fiber v2.52.15's Storage interface (app.go), restated so
// that bunstore need not import fiber: KVStore must keep satisfying it.
type fiberStorage interface {
	Get(key string) ([]byte, error)
	Set(key string, val []byte, exp time.Duration) error
	Delete(key string) error
	Reset() error
	Close() error
}

var _ fiberStorage = (*bunstore.KVStore)(nil)

// storedExp reads a key's expiry column directly.
func storedExp(t *testing.T, db *bunstore.DB, key string) int64 {
	t.Helper()
	var exp int64
	if err := db.Bun().NewRaw("SELECT exp FROM kv_store WHERE k = ?", key).Scan(context.Background(), &exp); err != nil {
		t.Fatal(err)
	}
	return exp
}

func countRows(t *testing.T, db *bunstore.DB) int {
	t.Helper()
	var n int
	if err := db.Bun().NewRaw("SELECT count(*) FROM kv_store").Scan(context.Background(), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// insertRaw writes a row as if stored earlier, e.g. already expired.
func insertRaw(t *testing.T, db *bunstore.DB, key string, exp int64) {
	t.Helper()
	if _, err := db.Bun().ExecContext(context.Background(),
		"INSERT INTO kv_store (k, v, exp) VALUES (?, ?, ?)", key, []byte("old"), exp); err != nil {
		t.Fatal(err)
	}
}

func TestKVStore(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		s := bunstore.NewKVStore(db, 0)
		defer s.Close()
		get := func(key string) []byte {
			t.Helper()
			v, err := s.Get(key)
			if err != nil {
				t.Fatalf("Get(%q): %v", key, err)
			}
			return v
		}
		set := func(key string, val []byte, exp time.Duration) {
			t.Helper()
			if err := s.Set(key, val, exp); err != nil {
				t.Fatalf("Set(%q): %v", key, err)
			}
		}

		if v := get("missing"); v != nil {
			t.Errorf("Get(missing) = %q, want nil", v)
		}

		// Binary values survive byte for byte, NULs and invalid UTF-8 included.
		bin := []byte{0, 1, 2, 0xff, 0xfe, 0, 'x'}
		set("session:a", bin, 0)
		if v := get("session:a"); !bytes.Equal(v, bin) {
			t.Errorf("Get = %v, want %v", v, bin)
		}
		if exp := storedExp(t, db, "session:a"); exp != 0 {
			t.Errorf("exp without expiry = %d, want 0", exp)
		}

		// Set again replaces value and expiry (upsert).
		before := time.Now()
		set("session:a", []byte("second"), time.Hour)
		after := time.Now()
		if v := get("session:a"); string(v) != "second" {
			t.Errorf("Get after overwrite = %q", v)
		}
		if exp := storedExp(t, db, "session:a"); exp < before.Add(time.Hour).Unix() || exp > after.Add(time.Hour).Unix()+1 {
			t.Errorf("exp = %d, want about %d", exp, before.Add(time.Hour).Unix())
		}

		// A sub-second lifetime is rounded up, not down to "already over".
		before = time.Now()
		set("csrf:b", []byte("tok"), 300*time.Millisecond)
		after = time.Now()
		lo, hi := ceilUnix(before.Add(300*time.Millisecond)), ceilUnix(after.Add(300*time.Millisecond))
		if exp := storedExp(t, db, "csrf:b"); exp < lo || exp > hi {
			t.Errorf("exp for 300ms = %d, want in [%d, %d]", exp, lo, hi)
		}

		// Empty key or value: ignored without error (fiber's contract).
		set("", []byte("x"), 0)
		set("empty", nil, 0)
		if v := get("empty"); v != nil {
			t.Errorf("an empty value was stored: %q", v)
		}
		if v := get(""); v != nil {
			t.Errorf("Get(\"\") = %q", v)
		}

		// Expired rows are invisible at once, and DeleteExpired removes
		// exactly them.
		now := time.Now().Unix()
		insertRaw(t, db, "expired:1", now-10)
		insertRaw(t, db, "expired:2", 1)
		if v := get("expired:1"); v != nil {
			t.Errorf("Get(expired) = %q, want nil", v)
		}
		n, err := s.DeleteExpired(context.Background())
		if err != nil || n != 2 {
			t.Errorf("DeleteExpired = %d, %v; want 2", n, err)
		}
		if v := get("session:a"); string(v) != "second" {
			t.Errorf("DeleteExpired removed a live row")
		}
		if v := get("csrf:b"); v == nil && storedExp(t, db, "csrf:b") > time.Now().Unix() {
			t.Errorf("DeleteExpired removed a row not yet expired")
		}

		if err := s.Delete("session:a"); err != nil {
			t.Fatal(err)
		}
		if v := get("session:a"); v != nil {
			t.Errorf("Get after Delete = %q", v)
		}
		if err := s.Delete("never-there"); err != nil {
			t.Errorf("Delete(missing) = %v, want nil", err)
		}
		if err := s.Delete(""); err != nil {
			t.Errorf("Delete(\"\") = %v, want nil", err)
		}

		set("x", []byte("1"), 0)
		set("y", []byte("2"), time.Minute)
		if err := s.Reset(); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, db); n != 0 {
			t.Errorf("%d rows after Reset", n)
		}
	})
}

func ceilUnix(t time.Time) int64 {
	s := t.Unix()
	if t.Nanosecond() > 0 {
		s++
	}
	return s
}

// TestKVStoreCollector checks that the background collector deletes
// expired rows and that Close stops it and leaves the database usable.
func TestKVStoreCollector(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		s := bunstore.NewKVStore(db, 10*time.Millisecond)
		insertRaw(t, db, "expired", time.Now().Unix()-1)
		if err := s.Set("live", []byte("v"), 0); err != nil {
			t.Fatal(err)
		}
		// Wait for the collector (not a timing assertion: the bound only
		// keeps a broken collector from hanging the test).
		deadline := time.Now().Add(30 * time.Second)
		for countRows(t, db) != 1 {
			if time.Now().After(deadline) {
				t.Fatal("the collector did not delete the expired row within 30 s")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("second Close = %v", err)
		}
		// The DB is not the store's to close.
		if v, err := s.Get("live"); err != nil || string(v) != "v" {
			t.Errorf("Get after Close = %q, %v", v, err)
		}
		insertRaw(t, db, "expired-after-close", 1)
		time.Sleep(50 * time.Millisecond)
		if n := countRows(t, db); n != 2 {
			t.Errorf("%d rows after Close, want 2: the collector still runs", n)
		}
	})
}
