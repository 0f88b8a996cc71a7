package bunstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
	"github.com/allvoice/allvoice/migrations"
)

// secret is a value written in the failing statements; it must never
// reach an error message.
const secret = "s3cret-value-42"

// errorTables are scratch tables with one constraint of each kind, created
// by the test rather than the migrations because the mapping must not
// depend on the current schema.
var errorTables = []string{
	`CREATE TABLE errtest_parent (
		id    TEXT PRIMARY KEY,
		name  TEXT NOT NULL UNIQUE,
		score BIGINT NOT NULL CHECK (score BETWEEN 1 AND 5)
	)`,
	`CREATE TABLE errtest_child (
		id        TEXT PRIMARY KEY,
		parent_id TEXT NOT NULL REFERENCES errtest_parent (id)
	)`,
	`INSERT INTO errtest_parent (id, name, score) VALUES ('p1', '` + secret + `', 3), ('p2', 'referenced', 4)`,
	`INSERT INTO errtest_child (id, parent_id) VALUES ('c1', 'p2')`,
}

// errorCase produces a real error from the database.
type errorCase struct {
	name    string
	want    string
	message string // the expected message; "" leaves it unchecked
	// dialect limits the case to one dialect; "" runs it on both.
	dialect string
	run     func(t *testing.T, db *bunstore.DB) error
}

func exec(query string) func(*testing.T, *bunstore.DB) error {
	return func(t *testing.T, db *bunstore.DB) error {
		_, err := db.Bun().ExecContext(context.Background(), query)
		return err
	}
}

var errorCases = []errorCase{
	{name: "no rows", want: engine.ENOTFOUND, message: "widget not found", run: func(t *testing.T, db *bunstore.DB) error {
		var name string
		return db.Bun().NewRaw("SELECT name FROM errtest_parent WHERE id = ?", secret).Scan(context.Background(), &name)
	}},
	{name: "duplicate primary key", want: engine.ECONFLICT, message: "widget already exists",
		run: exec(`INSERT INTO errtest_parent (id, name, score) VALUES ('p1', 'other', 1)`)},
	{name: "duplicate unique column", want: engine.ECONFLICT,
		run: exec(`INSERT INTO errtest_parent (id, name, score) VALUES ('p9', '` + secret + `', 1)`)},
	{name: "foreign key on insert", want: engine.EINVALID,
		message: "widget refers to something that does not exist, or is still referred to",
		run:     exec(`INSERT INTO errtest_child (id, parent_id) VALUES ('c9', '` + secret + `')`)},
	{name: "foreign key on delete", want: engine.EINVALID,
		message: "widget refers to something that does not exist, or is still referred to",
		run:     exec(`DELETE FROM errtest_parent WHERE id = 'p2'`)},
	{name: "check", want: engine.EINVALID, message: "widget has a missing or out-of-range value",
		run: exec(`INSERT INTO errtest_parent (id, name, score) VALUES ('p9', '` + secret + `x', 9)`)},
	{name: "not null", want: engine.EINVALID, message: "widget has a missing or out-of-range value",
		run: exec(`INSERT INTO errtest_parent (id, name, score) VALUES ('p9', NULL, 1)`)},
	{name: "syntax error", want: engine.EINTERNAL,
		run: exec(`INSERT INTO errtest_parent VALUES ('` + secret + `'`)},
	{name: "unknown table", want: engine.EINTERNAL,
		run: exec(`SELECT * FROM errtest_missing`)},
	{name: "cancelled context", want: engine.EUNAVAILABLE, run: func(t *testing.T, db *bunstore.DB) error {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := db.Bun().ExecContext(ctx, `SELECT 1`)
		return err
	}},
	{name: "deadline waiting for a pooled connection", want: engine.EUNAVAILABLE, run: func(t *testing.T, db *bunstore.DB) error {
		defer db.Bun().SetMaxOpenConns(db.Stats().MaxOpenConnections)
		db.Bun().SetMaxOpenConns(1)
		conn, err := db.Bun().Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err = db.Bun().ExecContext(ctx, `SELECT 1`)
		return err
	}},
	{name: "closed database", want: engine.EUNAVAILABLE, run: func(t *testing.T, db *bunstore.DB) error {
		// A handle of its own: closing the test's would break its cleanup.
		sqldb, err := sql.Open(driverName(db), "")
		if err != nil {
			t.Fatal(err)
		}
		_ = sqldb.Close()
		return sqldb.PingContext(context.Background())
	}},
	{name: "connection refused", want: engine.EUNAVAILABLE, dialect: migrations.DialectPostgres,
		run: func(t *testing.T, db *bunstore.DB) error {
			sqldb, err := sql.Open("pgx", fmt.Sprintf("postgres://u:%s@127.0.0.1:%d/x?connect_timeout=5", secret, closedPort(t)))
			if err != nil {
				t.Fatal(err)
			}
			defer sqldb.Close()
			return sqldb.PingContext(context.Background())
		}},
	{name: "connection terminated by the server (57P01)", want: engine.EUNAVAILABLE, dialect: migrations.DialectPostgres,
		run: func(t *testing.T, db *bunstore.DB) error {
			ctx := context.Background()
			conn, err := db.Bun().Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			var pid int
			if err := conn.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Bun().ExecContext(ctx, "SELECT pg_terminate_backend(?)", pid); err != nil {
				t.Fatal(err)
			}
			_, err = conn.ExecContext(ctx, "SELECT 1")
			return err
		}},
	{name: "busy after busy_timeout", want: engine.EUNAVAILABLE, dialect: migrations.DialectSQLite,
		run: func(t *testing.T, db *bunstore.DB) error {
			// A second handle on the same file with a short busy_timeout, so
			// the test waits 10 ms rather than the configured 5 s.
			var path string
			if err := db.Bun().NewRaw("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(context.Background(), &path); err != nil {
				t.Fatal(err)
			}
			holder, err := db.Bun().BeginTx(context.Background(), nil) // BEGIN IMMEDIATE: takes the write lock
			if err != nil {
				t.Fatal(err)
			}
			defer holder.Rollback()
			impatient, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?_pragma=busy_timeout(10)&_txlock=immediate")
			if err != nil {
				t.Fatal(err)
			}
			defer impatient.Close()
			tx, err := impatient.BeginTx(context.Background(), nil)
			if err == nil {
				_ = tx.Rollback()
				t.Fatal("a second writer got the write lock while the first held it")
			}
			return err
		}},
}

func driverName(db *bunstore.DB) string {
	if db.Dialect() == migrations.DialectPostgres {
		return "pgx"
	}
	return "sqlite"
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	return port
}

// TestMapErrorRealErrors maps errors that each database really produces.
func TestMapErrorRealErrors(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		for _, q := range errorTables {
			if _, err := db.Bun().ExecContext(context.Background(), q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		for _, tc := range errorCases {
			if tc.dialect != "" && tc.dialect != db.Dialect() {
				continue
			}
			t.Run(tc.name, func(t *testing.T) {
				raw := tc.run(t, db)
				if raw == nil {
					t.Fatal("the statement did not fail")
				}
				t.Logf("driver error %T: %v", raw, raw)
				err := bunstore.MapError(raw, "widget")
				var ee *engine.Error
				if !errors.As(err, &ee) {
					t.Fatalf("MapError(%v) = %T, want *engine.Error", raw, err)
				}
				if ee.Code != tc.want {
					t.Errorf("code = %q, want %q (driver error %T: %v)", ee.Code, tc.want, raw, raw)
				}
				if !errors.Is(err, raw) {
					t.Errorf("the mapped error does not wrap the driver error")
				}
				for _, leak := range []string{secret, "INSERT", "SELECT", "errtest"} {
					if strings.Contains(ee.Message, leak) {
						t.Errorf("message %q contains %q", ee.Message, leak)
					}
				}
				if tc.message != "" && ee.Message != tc.message {
					t.Errorf("message = %q, want %q", ee.Message, tc.message)
				}
			})
		}
	})
}

// TestMapErrorPassThrough checks the cases that involve no database.
func TestMapErrorPassThrough(t *testing.T) {
	if err := bunstore.MapError(nil, "widget"); err != nil {
		t.Errorf("MapError(nil) = %v, want nil", err)
	}
	already := engine.Errorf(engine.EFORBIDDEN, "not yours")
	if err := bunstore.MapError(fmt.Errorf("wrapped: %w", already), "widget"); engine.ErrorCode(err) != engine.EFORBIDDEN {
		t.Errorf("MapError of an engine error = %v, want its code kept", err)
	}
	// A driver error flattened to text by a layer in between.
	flat := errors.New("constraint failed: UNIQUE constraint failed: errtest_parent.name (2067)")
	if got := engine.ErrorCode(bunstore.MapError(flat, "")); got != engine.ECONFLICT {
		t.Errorf("flattened SQLite unique violation mapped to %q, want %q", got, engine.ECONFLICT)
	}
	if got := engine.ErrorMessage(bunstore.MapError(sql.ErrNoRows, "")); got != "record not found" {
		t.Errorf("message without a subject = %q", got)
	}
}
