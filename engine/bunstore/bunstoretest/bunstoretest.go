package bunstoretest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine/bunstore"
)

// Environment variables read by this package.
const (
	// EnvDatabaseURL names a PostgreSQL server to create test databases in
	// (the user needs CREATEDB) instead of starting a cluster.
	EnvDatabaseURL = "ALLVOICE_TEST_DATABASE_URL"
	// EnvRequirePostgres set to 1 turns "PostgreSQL unavailable" from a
	// skip into a failure.
	EnvRequirePostgres = "ALLVOICE_REQUIRE_POSTGRES"
)

// setupTimeout bounds creating and migrating one test database.
const setupTimeout = 2 * time.Minute

// Each runs fn as the subtest "sqlite" on a fresh SQLite database and as
// the subtest "postgres" on a fresh PostgreSQL database (skipped or failed
// as Postgres describes when none can be had). fn may call t.Parallel.
func Each(t *testing.T, fn func(t *testing.T, db *bunstore.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a migrated SQLite database in a file under t.TempDir(),
// closed when the test ends.
func SQLite(t testing.TB) *bunstore.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	db, err := bunstore.Open(ctx, bunstore.Config{DatabaseURL: SQLiteURL(t)})
	if err != nil {
		t.Fatalf("bunstoretest: open SQLite: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if _, err := db.MigrateUp(ctx); err != nil {
		t.Fatalf("bunstoretest: migrate SQLite: %v", err)
	}
	return db
}

// Postgres returns a migrated PostgreSQL database of its own, dropped when
// the test ends. In a cluster this binary started, the database is a copy
// of a template migrated once per binary, which MigrateUp then confirms. If no PostgreSQL server can be had it skips the test, or
// fails it when ALLVOICE_REQUIRE_POSTGRES=1.
func Postgres(t testing.TB) *bunstore.DB {
	t.Helper()
	srv := serverOrSkip(t)
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	name, err := srv.createDatabase(ctx, true)
	if err != nil {
		t.Fatalf("bunstoretest: %v", err)
	}
	db, err := bunstore.Open(ctx, bunstore.Config{DatabaseURL: srv.urlFor(name)})
	if err != nil {
		_ = srv.dropDatabase(name)
		t.Fatalf("bunstoretest: open PostgreSQL database %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = db.Close()
		if err := srv.dropDatabase(name); err != nil {
			t.Errorf("bunstoretest: %v", err)
		}
	})
	if _, err := db.MigrateUp(ctx); err != nil {
		t.Fatalf("bunstoretest: migrate PostgreSQL: %v", err)
	}
	return db
}

// EachURL runs fn as the subtests "sqlite" and "postgres", each with the
// DatabaseURL of a new, empty (unmigrated) database, for tests of opening
// and migrating, such as a migrate command's.
func EachURL(t *testing.T, fn func(t *testing.T, databaseURL string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLiteURL(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, PostgresURL(t)) })
}

// SQLiteURL returns the DatabaseURL of a new, empty SQLite database file
// under t.TempDir().
func SQLiteURL(t testing.TB) string {
	t.Helper()
	return "sqlite:" + filepath.Join(t.TempDir(), "allvoice.db")
}

// PostgresURL returns the URL of a new, empty (unmigrated) PostgreSQL
// database, dropped when the test ends, for tests of opening and migrating
// themselves. It skips or fails like Postgres.
func PostgresURL(t testing.TB) string {
	t.Helper()
	srv := serverOrSkip(t)
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	name, err := srv.createDatabase(ctx, false)
	if err != nil {
		t.Fatalf("bunstoretest: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.dropDatabase(name); err != nil {
			t.Errorf("bunstoretest: %v", err)
		}
	})
	return srv.urlFor(name)
}

// serverOrSkip returns the PostgreSQL server for this binary, or skips t
// (fails it under ALLVOICE_REQUIRE_POSTGRES=1) when there is none.
func serverOrSkip(t testing.TB) *pgServer {
	t.Helper()
	srv, err := postgresServer()
	if err != nil {
		if os.Getenv(EnvRequirePostgres) == "1" {
			t.Fatalf("bunstoretest: PostgreSQL is required (%s=1) but unavailable: %v", EnvRequirePostgres, err)
		}
		t.Skipf("bunstoretest: PostgreSQL unavailable, skipping: %v", err)
	}
	return srv
}

// Main runs the tests of a package and then stops the PostgreSQL cluster
// its test binary started, if any. Call it from TestMain; it does not
// return.
func Main(m *testing.M) {
	code := m.Run()
	if err := stopPostgres(); err != nil {
		os.Stderr.WriteString("bunstoretest: stopping PostgreSQL: " + err.Error() + "\n")
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}
