package bunstore_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun/migrate"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
	"github.com/allvoice/allvoice/migrations"
)

// migrationNames lists the embedded migrations, oldest first.
func migrationNames(t *testing.T) []string {
	t.Helper()
	set, err := migrations.New()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range set.Sorted() {
		names = append(names, m.String())
	}
	if len(names) == 0 {
		t.Fatal("no embedded migrations")
	}
	return names
}

// userTables lists the tables in db, sorted.
func userTables(t *testing.T, db *bunstore.DB) []string {
	t.Helper()
	q := "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
	if db.Dialect() == migrations.DialectSQLite {
		q = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	}
	var tables []string
	if err := db.Bun().NewRaw(q).Scan(context.Background(), &tables); err != nil {
		t.Fatal(err)
	}
	slices.Sort(tables)
	return tables
}

func appliedNames(t *testing.T, db *bunstore.DB) []string {
	t.Helper()
	st, err := db.MigrationStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range st {
		if s.Applied {
			if s.Group == 0 || s.MigratedAt.IsZero() {
				t.Errorf("applied migration %s has group %d, time %v", s.Name, s.Group, s.MigratedAt)
			}
			names = append(names, s.Name)
		}
	}
	return names
}

// TestMigrateUpDownUp applies every migration, rolls them all back group by
// group until nothing is applied, and applies them again: the down files
// must undo their up files exactly.
func TestMigrateUpDownUp(t *testing.T) {
	want := migrationNames(t)
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		ctx := context.Background()
		if got := appliedNames(t, db); !slices.Equal(got, want) {
			t.Fatalf("after setup applied = %v, want %v", got, want)
		}
		schema := userTables(t, db)
		if !slices.Contains(schema, "kv_store") {
			t.Fatalf("tables after migrating = %v, want kv_store among them", schema)
		}

		var rolled []string
		for range len(want) + 1 {
			names, err := db.MigrateDown(ctx)
			if err != nil {
				t.Fatalf("MigrateDown: %v", err)
			}
			if len(names) == 0 {
				break
			}
			rolled = append(rolled, names...)
		}
		slices.Reverse(rolled)
		if !slices.Equal(rolled, want) {
			t.Fatalf("rolled back %v, want %v", rolled, want)
		}
		if got := appliedNames(t, db); len(got) != 0 {
			t.Fatalf("still applied after rolling everything back: %v", got)
		}
		if got, wantTables := userTables(t, db), []string{"bun_migration_locks", "bun_migrations"}; !slices.Equal(got, wantTables) {
			t.Fatalf("tables after rolling everything back = %v, want only %v: a down migration forgets something", got, wantTables)
		}

		applied, err := db.MigrateUp(ctx)
		if err != nil {
			t.Fatalf("MigrateUp again: %v", err)
		}
		if !slices.Equal(applied, want) {
			t.Fatalf("MigrateUp again applied %v, want %v", applied, want)
		}
		if got := userTables(t, db); !slices.Equal(got, schema) {
			t.Fatalf("tables after migrating again = %v, want %v", got, schema)
		}
		again, err := db.MigrateUp(ctx)
		if err != nil || len(again) != 0 {
			t.Fatalf("MigrateUp on a current schema = %v, %v; want nothing applied", again, err)
		}
	})
}

func openURL(t *testing.T, url string) *bunstore.DB {
	t.Helper()
	db, err := bunstore.Open(context.Background(), bunstore.Config{DatabaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// TestMigrateConcurrentInstances starts several instances on one empty
// database at once: the migration lock must let exactly one apply each
// migration while the others wait and find nothing left to do.
func TestMigrateConcurrentInstances(t *testing.T) {
	want := migrationNames(t)
	bunstoretest.EachURL(t, func(t *testing.T, url string) {
		const instances = 4
		dbs := make([]*bunstore.DB, instances)
		for i := range dbs {
			dbs[i] = openURL(t, url)
		}
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			applied []string
			errs    []error
		)
		start := make(chan struct{})
		for _, db := range dbs {
			wg.Go(func() {
				<-start
				names, err := db.MigrateUp(context.Background())
				mu.Lock()
				defer mu.Unlock()
				applied = append(applied, names...)
				if err != nil {
					errs = append(errs, err)
				}
			})
		}
		close(start)
		wg.Wait()
		if len(errs) > 0 {
			t.Fatalf("concurrent MigrateUp failed: %v", errs)
		}
		if !slices.Equal(applied, want) {
			t.Fatalf("instances together applied %v, want each of %v exactly once", applied, want)
		}
		if got := appliedNames(t, dbs[0]); !slices.Equal(got, want) {
			t.Fatalf("applied = %v, want %v", got, want)
		}
	})
}

// TestMigrateStaleLock leaves the migration lock taken, as a crashed
// instance would: MigrateUp must give up with an error that says what to
// do, and succeed once UnlockMigrations has removed it.
func TestMigrateStaleLock(t *testing.T) {
	restore := bunstore.SetMigrationLockWait(300 * time.Millisecond)
	t.Cleanup(restore)
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		ctx := context.Background()
		if _, err := db.MigrateDown(ctx); err != nil {
			t.Fatal(err)
		}
		set, err := migrations.New()
		if err != nil {
			t.Fatal(err)
		}
		crashed := migrate.NewMigrator(db.Bun(), set)
		if err := crashed.Lock(ctx); err != nil {
			t.Fatal(err)
		}
		_, err = db.MigrateUp(ctx)
		if engine.ErrorCode(err) != engine.EUNAVAILABLE || !strings.Contains(engine.ErrorMessage(err), "allvoice migrate unlock") {
			t.Fatalf("MigrateUp with a stale lock = %v; want %s naming bun_migration_locks", err, engine.EUNAVAILABLE)
		}
		if _, err := db.MigrateDown(ctx); engine.ErrorCode(err) != engine.EUNAVAILABLE {
			t.Fatalf("MigrateDown with a stale lock = %v; want %s", err, engine.EUNAVAILABLE)
		}
		if err := db.UnlockMigrations(ctx); err != nil {
			t.Fatal(err)
		}
		if applied, err := db.MigrateUp(ctx); err != nil || len(applied) == 0 {
			t.Fatalf("MigrateUp after unlocking = %v, %v", applied, err)
		}
	})
}

// TestMigrationStatusFresh reads the status of a database never migrated.
func TestMigrationStatusFresh(t *testing.T) {
	want := migrationNames(t)
	bunstoretest.EachURL(t, func(t *testing.T, url string) {
		db := openURL(t, url)
		st, err := db.MigrationStatus(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range st {
			if s.Applied || s.Group != 0 || !s.MigratedAt.IsZero() {
				t.Errorf("fresh database reports %+v", s)
			}
			names = append(names, s.Name)
		}
		if !slices.Equal(names, want) {
			t.Fatalf("status names = %v, want %v", names, want)
		}
	})
}
