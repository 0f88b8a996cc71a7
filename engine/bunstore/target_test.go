package bunstore

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/migrations"
)

func TestParseTarget(t *testing.T) {
	cwd, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		cfg       Config
		dialect   string
		path      string // SQLite file
		where     string
		wantCode  string // error code; "" for success
		forbidden string // must not appear in where or in an error
	}{
		{name: "empty uses the working directory", cfg: Config{},
			dialect: migrations.DialectSQLite, path: filepath.Join(cwd, "allvoice.db")},
		{name: "empty uses DataDir", cfg: Config{DataDir: "/var/lib/allvoice"},
			dialect: migrations.DialectSQLite, path: "/var/lib/allvoice/allvoice.db"},
		{name: "sqlite absolute", cfg: Config{DatabaseURL: "sqlite:/srv/a.db", DataDir: "/ignored"},
			dialect: migrations.DialectSQLite, path: "/srv/a.db", where: "SQLite database /srv/a.db"},
		{name: "sqlite relative", cfg: Config{DatabaseURL: "sqlite:data/a.db"},
			dialect: migrations.DialectSQLite, path: filepath.Join(cwd, "data/a.db")},
		{name: "sqlite URL spelling", cfg: Config{DatabaseURL: "sqlite:///srv/a.db"},
			dialect: migrations.DialectSQLite, path: "/srv/a.db"},
		{name: "file scheme", cfg: Config{DatabaseURL: "file:/srv/b.db"},
			dialect: migrations.DialectSQLite, path: "/srv/b.db"},
		{name: "sqlite without path uses DataDir", cfg: Config{DatabaseURL: "sqlite:", DataDir: "/d"},
			dialect: migrations.DialectSQLite, path: "/d/allvoice.db"},
		{name: "sqlite path with a hash", cfg: Config{DatabaseURL: "sqlite:/srv/run#1.db"},
			dialect: migrations.DialectSQLite, path: "/srv/run#1.db"},
		{name: "sqlite with parameters", cfg: Config{DatabaseURL: "sqlite:/srv/a.db?mode=ro"}, wantCode: engine.EINVALID},
		{name: "sqlite in memory", cfg: Config{DatabaseURL: "sqlite::memory:"}, wantCode: engine.EINVALID},
		{name: "postgres", cfg: Config{DatabaseURL: "postgres://app:pw%2Fx@db.example:5433/allvoice?sslmode=require"},
			dialect: migrations.DialectPostgres, where: "PostgreSQL database app@db.example:5433/allvoice", forbidden: "pw"},
		{name: "postgresql scheme", cfg: Config{DatabaseURL: "postgresql://db/allvoice"},
			dialect: migrations.DialectPostgres, where: "PostgreSQL database db/allvoice"},
		{name: "postgres with its own query mode", cfg: Config{DatabaseURL: "postgres://db/x?default_query_exec_mode=exec&client_encoding=LATIN1"},
			dialect: migrations.DialectPostgres},
		{name: "postgres password parameter", cfg: Config{DatabaseURL: "postgres://app@db/x?password=hunter2"},
			dialect: migrations.DialectPostgres, forbidden: "hunter2"},
		{name: "postgres unparsable", cfg: Config{DatabaseURL: "postgres://app:hunter2@[::1/x"},
			wantCode: engine.EINVALID, forbidden: "hunter2"},
		{name: "unknown scheme", cfg: Config{DatabaseURL: "mysql://root:hunter2@db/x"},
			wantCode: engine.EINVALID, forbidden: "hunter2"},
		{name: "bare path", cfg: Config{DatabaseURL: "/srv/a.db"}, wantCode: engine.EINVALID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseTarget(tc.cfg)
			if tc.wantCode != "" {
				if engine.ErrorCode(err) != tc.wantCode {
					t.Fatalf("error = %v, want code %q", err, tc.wantCode)
				}
				if tc.forbidden != "" && strings.Contains(err.Error(), tc.forbidden) {
					t.Errorf("error %q reveals %q", err, tc.forbidden)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.dialect != tc.dialect {
				t.Errorf("dialect = %q, want %q", got.dialect, tc.dialect)
			}
			if tc.dialect == migrations.DialectSQLite {
				if got.path != tc.path {
					t.Errorf("path = %q, want %q", got.path, tc.path)
				}
				esc := strings.NewReplacer("%", "%25", "#", "%23").Replace(tc.path)
				if want := "file:" + esc + "?" + SQLitePragmas; got.dsn != want {
					t.Errorf("dsn = %q, want %q", got.dsn, want)
				}
			} else {
				// bun inlines values, so pgx must not prepare each statement,
				// unless the URL chose a mode itself.
				mode := "default_query_exec_mode=simple_protocol"
				if strings.Contains(tc.cfg.DatabaseURL, "default_query_exec_mode=") {
					mode = "default_query_exec_mode=exec"
				}
				if !strings.Contains(got.dsn, mode) || strings.Count(got.dsn, "default_query_exec_mode") != 1 {
					t.Errorf("dsn = %q, want %s", got.dsn, mode)
				}
				enc := "client_encoding=UTF8"
				if strings.Contains(tc.cfg.DatabaseURL, "client_encoding=") {
					enc = "client_encoding=LATIN1"
				}
				if !strings.Contains(got.dsn, enc) || strings.Count(got.dsn, "client_encoding") != 1 {
					t.Errorf("dsn = %q, want %s", got.dsn, enc)
				}
			}
			if tc.where != "" && got.where != tc.where {
				t.Errorf("where = %q, want %q", got.where, tc.where)
			}
			if tc.forbidden != "" {
				if strings.Contains(got.where, tc.forbidden) {
					t.Errorf("where %q reveals %q", got.where, tc.forbidden)
				}
				if red := got.redact("failed: " + tc.cfg.DatabaseURL); strings.Contains(red, tc.forbidden) {
					t.Errorf("redact left %q in %q", tc.forbidden, red)
				}
			}
		})
	}
}

// TestSQLiteDSNEscapes checks that a path with URI metacharacters stays
// literal in the file: URI SQLite parses.
func TestSQLiteDSNEscapes(t *testing.T) {
	got, err := sqliteTarget("/srv/100%#1/a.db")
	if err != nil {
		t.Fatal(err)
	}
	if want := "file:/srv/100%25%231/a.db?" + SQLitePragmas; got.dsn != want {
		t.Errorf("dsn = %q, want %q", got.dsn, want)
	}
}
