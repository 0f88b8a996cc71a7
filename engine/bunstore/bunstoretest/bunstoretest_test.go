package bunstoretest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/migrations"
)

func TestMain(m *testing.M) { Main(m) }

// currentDatabase names the database db is connected to: a file path for
// SQLite, a database name for PostgreSQL.
func currentDatabase(t *testing.T, db *bunstore.DB) string {
	t.Helper()
	q := "SELECT current_database()"
	if db.Dialect() == migrations.DialectSQLite {
		q = "SELECT file FROM pragma_database_list WHERE name = 'main'"
	}
	var name string
	if err := db.Bun().NewRaw(q).Scan(context.Background(), &name); err != nil {
		t.Fatal(err)
	}
	return name
}

// TestEachGivesFreshMigratedDatabases checks that every call yields a
// database of its own with the schema applied, and that PostgreSQL test
// databases are dropped when their test ends.
func TestEachGivesFreshMigratedDatabases(t *testing.T) {
	seen := map[string]bool{}
	dialects := map[string]int{}
	for round := range 2 {
		Each(t, func(t *testing.T, db *bunstore.DB) {
			dialects[db.Dialect()]++
			name := currentDatabase(t, db)
			if name == "" || seen[name] {
				t.Fatalf("round %d: database %q is not new", round, name)
			}
			seen[name] = true
			var n int
			if err := db.Bun().NewRaw("SELECT count(*) FROM kv_store").Scan(context.Background(), &n); err != nil {
				t.Fatalf("schema not migrated: %v", err)
			}
			if n != 0 {
				t.Fatalf("fresh database has %d kv_store rows", n)
			}
			if _, err := db.Bun().ExecContext(context.Background(),
				"INSERT INTO kv_store (k, v, exp) VALUES ('mark', ?, 0)", []byte{1}); err != nil {
				t.Fatal(err)
			}
			st, err := db.MigrationStatus(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range st {
				if !s.Applied {
					t.Errorf("migration %s not applied", s.Name)
				}
			}
			if db.Dialect() == migrations.DialectSQLite {
				if !strings.HasPrefix(name, os.TempDir()) {
					t.Errorf("SQLite file %q is not under the temporary directory", name)
				}
			}
		})
	}
	if dialects[migrations.DialectSQLite] != 2 {
		t.Errorf("SQLite variant ran %d times, want 2", dialects[migrations.DialectSQLite])
	}

	// The PostgreSQL databases of the finished subtests must be gone.
	if dialects[migrations.DialectPostgres] == 0 {
		return
	}
	srv, err := postgresServer()
	if err != nil {
		t.Fatal(err)
	}
	for name := range seen {
		if !strings.HasPrefix(name, "t_") {
			continue
		}
		var n int
		if err := srv.admin.QueryRow("SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("database %s still exists after its test ended", name)
		}
	}
}

// TestURLsAreEmpty checks that the *URL helpers give unmigrated databases.
func TestURLsAreEmpty(t *testing.T) {
	EachURL(t, func(t *testing.T, url string) {
		db, err := bunstore.Open(context.Background(), bunstore.Config{DatabaseURL: url})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		st, err := db.MigrationStatus(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range st {
			if s.Applied {
				t.Errorf("migration %s already applied in an empty database", s.Name)
			}
		}
	})
}

// recorder stands in for a test to observe Skipf and Fatalf, which end the
// calling goroutine as the real ones do.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper() {}

func (r *recorder) Skipf(format string, a ...any) {
	r.skipped = fmt.Sprintf(format, a...)
	runtime.Goexit()
}

func (r *recorder) Fatalf(format string, a ...any) {
	r.failed = fmt.Sprintf(format, a...)
	runtime.Goexit()
}

// TestUnavailablePostgres checks skip versus fail when no server can be
// had, by making this binary's server lookup fail.
func TestUnavailablePostgres(t *testing.T) {
	pgMu.Lock()
	savedStarted, savedSrv, savedErr := pgStarted, pgSrv, pgErr
	pgStarted, pgSrv, pgErr = true, nil, errors.New("no server here")
	pgMu.Unlock()
	t.Cleanup(func() {
		pgMu.Lock()
		pgStarted, pgSrv, pgErr = savedStarted, savedSrv, savedErr
		pgMu.Unlock()
	})
	for _, tc := range []struct {
		require  string
		wantSkip bool
	}{{"", true}, {"0", true}, {"1", false}} {
		t.Run("require="+tc.require, func(t *testing.T) {
			t.Setenv(EnvRequirePostgres, tc.require)
			r := &recorder{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				serverOrSkip(r)
			}()
			<-done
			if tc.wantSkip && (r.skipped == "" || r.failed != "") {
				t.Errorf("skipped %q, failed %q; want a skip", r.skipped, r.failed)
			}
			if !tc.wantSkip && (r.failed == "" || r.skipped != "") {
				t.Errorf("skipped %q, failed %q; want a failure", r.skipped, r.failed)
			}
			if msg := r.skipped + r.failed; !strings.Contains(msg, "no server here") {
				t.Errorf("message %q does not give the reason", msg)
			}
		})
	}
}

// TestRemoveStaleClusters checks that leftovers of dead test binaries are
// removed and directories of live ones are kept.
func TestRemoveStaleClusters(t *testing.T) {
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skipf("cannot run true: %v", err)
	}
	mk := func(owner int) string {
		dir, err := os.MkdirTemp("", clusterDirPrefix)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.RemoveAll(dir) })
		if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(owner)), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	stale := mk(dead.Process.Pid)
	live := mk(os.Getpid())
	fresh, err := os.MkdirTemp("", clusterDirPrefix) // no owner yet: being created
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(fresh) })
	old, err := os.MkdirTemp("", clusterDirPrefix) // no owner, long ago
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(old) })
	long := time.Now().Add(-time.Hour)
	if err := os.Chtimes(old, long, long); err != nil {
		t.Fatal(err)
	}

	removeStaleClusters()

	for dir, wantKept := range map[string]bool{stale: false, live: true, fresh: true, old: false} {
		_, err := os.Stat(dir)
		if kept := err == nil; kept != wantKept {
			t.Errorf("%s: kept = %v, want %v", dir, kept, wantKept)
		}
	}
}
