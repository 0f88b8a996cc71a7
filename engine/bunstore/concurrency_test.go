package bunstore_test

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// TestSQLiteConcurrentWriters runs many read-then-write transactions at
// once on SQLite. Without _txlock=immediate most of them fail with
// SQLITE_BUSY (a deferred transaction cannot upgrade its read lock while
// another writes); with it, they queue and no increment is lost.
func TestSQLiteConcurrentWriters(t *testing.T) {
	const goroutines, perGoroutine = 16, 50
	db := bunstoretest.SQLite(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*perGoroutine)
	for range goroutines {
		wg.Go(func() {
			for range perGoroutine {
				err := db.Bun().RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
					var v []byte
					err := tx.NewRaw("SELECT v FROM kv_store WHERE k = 'counter'").Scan(ctx, &v)
					if err != nil && !errors.Is(err, sql.ErrNoRows) {
						return err
					}
					n := 0
					if v != nil {
						if n, err = strconv.Atoi(string(v)); err != nil {
							return err
						}
					}
					_, err = tx.ExecContext(ctx,
						"INSERT INTO kv_store (k, v, exp) VALUES ('counter', ?, 0) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v",
						[]byte(strconv.Itoa(n+1)))
					return err
				})
				if err != nil {
					errs <- bunstore.MapError(err, "counter")
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if failed == 0 {
			t.Errorf("first failure: %v", err)
		}
		failed++
	}
	if failed > 0 {
		t.Fatalf("%d of %d transactions failed", failed, goroutines*perGoroutine)
	}
	var v []byte
	if err := db.Bun().NewRaw("SELECT v FROM kv_store WHERE k = 'counter'").Scan(ctx, &v); err != nil {
		t.Fatal(err)
	}
	if got := string(v); got != strconv.Itoa(goroutines*perGoroutine) {
		t.Fatalf("counter = %s after %d increments: updates were lost", got, goroutines*perGoroutine)
	}
}
