package bunstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
	"github.com/allvoice/allvoice/migrations"
)

// TestOpenSQLiteSettings checks that every pooled connection carries the
// pragmas of ARCHITECTURE.md §3, not just the first one.
func TestOpenSQLiteSettings(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "not", "yet", "there")
	ctx := context.Background()
	db, err := bunstore.Open(ctx, bunstore.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := os.Stat(filepath.Join(dir, "allvoice.db")); err != nil {
		t.Fatalf("database file not created in DataDir: %v", err)
	}
	if db.Dialect() != migrations.DialectSQLite {
		t.Errorf("Dialect() = %q", db.Dialect())
	}
	n := db.Stats().MaxOpenConnections
	if n < 4 || n > 8 {
		t.Errorf("default SQLite pool = %d connections, want 4–8", n)
	}
	// Hold every connection of the pool at once, so each is a distinct one.
	conns := make([]bun.Conn, n)
	for i := range conns {
		if conns[i], err = db.Bun().Conn(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for i, conn := range conns {
		for pragma, want := range map[string]string{
			"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "5000", "synchronous": "1",
		} {
			var got string
			if err := conn.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("connection %d: PRAGMA %s = %q, want %q", i, pragma, got, want)
			}
		}
	}
	for _, conn := range conns {
		_ = conn.Close()
	}
	if err := db.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

// TestOpenSQLiteOddPath opens a file whose path has characters that mean
// something in a URI.
func TestOpenSQLiteOddPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "100% sure", "a #1.db")
	db, err := bunstore.Open(context.Background(), bunstore.Config{DatabaseURL: "sqlite:" + path})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database not at the literal path: %v", err)
	}
}

func TestOpenPostgres(t *testing.T) {
	url := bunstoretest.PostgresURL(t)
	for _, tc := range []struct {
		maxOpen, want int
	}{{0, bunstore.DefaultPostgresConns}, {5, 5}} {
		t.Run(fmt.Sprint(tc.maxOpen), func(t *testing.T) {
			db, err := bunstore.Open(context.Background(), bunstore.Config{DatabaseURL: url, MaxOpenConns: tc.maxOpen})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if db.Dialect() != migrations.DialectPostgres {
				t.Errorf("Dialect() = %q", db.Dialect())
			}
			if got := db.Stats().MaxOpenConnections; got != tc.want {
				t.Errorf("MaxOpenConnections = %d, want %d", got, tc.want)
			}
			if err := db.Ping(context.Background()); err != nil {
				t.Errorf("Ping: %v", err)
			}
		})
	}
}

// TestOpenFailures checks that Open says what failed, with the right code
// and without the password.
func TestOpenFailures(t *testing.T) {
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, url, code, mention string
	}{
		{"refused", fmt.Sprintf("postgres://app:%s@127.0.0.1:%d/allvoice?connect_timeout=5", secret, closedPort(t)),
			engine.EUNAVAILABLE, "PostgreSQL database app@127.0.0.1"},
		{"password in parameter", fmt.Sprintf("postgres://app@127.0.0.1:%d/allvoice?password=%s", closedPort(t), secret),
			engine.EUNAVAILABLE, "PostgreSQL database app@127.0.0.1"},
		{"bad parameter", fmt.Sprintf("postgres://app:%s@127.0.0.1:1/allvoice?sslmode=sometimes", secret),
			engine.EINVALID, "PostgreSQL"},
		{"unknown scheme", "mysql://app:" + secret + "@db/x", engine.EINVALID, `"mysql"`},
		{"directory is a file", "sqlite:" + filepath.Join(notADir, "a.db"), engine.EUNAVAILABLE, "SQLite database " + notADir},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db, err := bunstore.Open(context.Background(), bunstore.Config{DatabaseURL: tc.url})
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			if got := engine.ErrorCode(err); got != tc.code {
				t.Errorf("code = %q, want %q (%v)", got, tc.code, err)
			}
			if !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("error %q does not name %q", err, tc.mention)
			}
			t.Logf("%v", err)
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q reveals the password", err)
			}
		})
	}
}
