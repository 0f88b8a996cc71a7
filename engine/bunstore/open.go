package bunstore

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" database/sql driver

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/migrations"
)

// Config says which database to open and how large its pool may grow.
type Config struct {
	// DatabaseURL selects the database: a postgres:// or postgresql:// URL
	// for PostgreSQL; sqlite:PATH, file:PATH or "" for SQLite.
	DatabaseURL string
	// DataDir is where the SQLite file allvoice.db lives when DatabaseURL
	// names no path; "" means the working directory. It is created if
	// missing.
	DataDir string
	// MaxOpenConns caps the connection pool; 0 picks the dialect's default
	// (DefaultPostgresConns, or 4–8 for SQLite depending on GOMAXPROCS).
	MaxOpenConns int
}

// DefaultPostgresConns is the PostgreSQL pool size when Config.MaxOpenConns
// is 0: eight connections per processor, between 16 and 32. Connections
// working on the server need its cores; more of them than it can run only
// queue inside PostgreSQL and contend for its locks, while connections
// waiting for their commit to reach the disk need none, and the more
// commits wait together, the more one flush makes durable. Measured on 2
// cores with 64 concurrent raters: with commits that wait for the disk
// (synchronous_commit on, fsync on) 8 connections rated about 1,000/s and
// 16–64 about 1,100–1,300/s; without waiting, 8 and 16 both about
// 2,600–2,900/s with p99 under 50 ms and 32 a fifth fewer. Several
// instances on one database each have a pool, below PostgreSQL's default
// max_connections of 100 for three of them.
var DefaultPostgresConns = min(max(8*runtime.GOMAXPROCS(0), 16), 32)

// pingTimeout bounds the first round trip in Open, so a server that accepts
// TCP but never answers fails startup instead of hanging it.
const pingTimeout = 10 * time.Second

// DB is an open Allvoice database: a bun handle plus the dialect it speaks.
// It is safe for concurrent use.
type DB struct {
	bun     *bun.DB
	dialect string
	// where names the database for error messages without any secret, e.g.
	// `PostgreSQL 127.0.0.1:5432/allvoice` or `SQLite /var/lib/allvoice.db`.
	where string
	// ratingStmts are WriteRating's prepared statements on SQLite, and
	// ratingBatch shares its transactions among concurrent ratings.
	ratingStmts sqliteRatingStmts
	ratingBatch ratingBatcher
}

// Open connects to the database cfg names, applies the connection settings
// its dialect needs and checks it answers. Errors are *engine.Error: EINVALID
// for a malformed configuration, EUNAVAILABLE when the database cannot be
// reached or opened. They never contain a password.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	t, err := parseTarget(cfg)
	if err != nil {
		return nil, err
	}
	var (
		sqldb *sql.DB
		db    *DB
	)
	switch t.dialect {
	case migrations.DialectPostgres:
		// pgx parses the URL only when it first connects; parsing it here
		// tells a bad setting apart from an unreachable server.
		if _, err := pgconn.ParseConfig(t.dsn); err != nil {
			return nil, openError(t, engine.EINVALID, "invalid connection URL for", err)
		}
		sqldb, err = sql.Open("pgx", t.dsn)
		if err != nil {
			return nil, openError(t, engine.EINVALID, "invalid connection URL for", err)
		}
		n := cfg.MaxOpenConns
		if n <= 0 {
			n = DefaultPostgresConns
		}
		sqldb.SetMaxOpenConns(n)
		sqldb.SetMaxIdleConns(n)
		// Idle connections are closed after a while so a quiet instance
		// gives server slots back to busier ones.
		sqldb.SetConnMaxIdleTime(5 * time.Minute)
		db = &DB{bun: bun.NewDB(sqldb, pgdialect.New()), dialect: t.dialect, where: t.where}
		db.ratingBatch.leaders = postgresRatingBatches
	case migrations.DialectSQLite:
		if err := os.MkdirAll(filepath.Dir(t.path), 0o750); err != nil {
			return nil, openError(t, engine.EUNAVAILABLE, "cannot create the directory for", err)
		}
		sqldb, err = sql.Open("sqlite", t.dsn)
		if err != nil {
			return nil, openError(t, engine.EUNAVAILABLE, "cannot open", err)
		}
		n := cfg.MaxOpenConns
		if n <= 0 {
			n = defaultSQLiteConns()
		}
		sqldb.SetMaxOpenConns(n)
		sqldb.SetMaxIdleConns(n)
		// Connections are kept for good: each one re-runs the pragmas when
		// opened, and a SQLite connection costs no server resources.
		sqldb.SetConnMaxLifetime(0)
		db = &DB{bun: bun.NewDB(sqldb, sqlitedialect.New()), dialect: t.dialect, where: t.where}
	}
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := sqldb.PingContext(pctx); err != nil {
		_ = sqldb.Close()
		return nil, openError(t, engine.EUNAVAILABLE, "cannot reach", err)
	}
	return db, nil
}

// defaultSQLiteConns sizes the SQLite pool: writers queue on SQLite's single
// write lock anyway (BEGIN IMMEDIATE), so more connections only help
// concurrent readers, and beyond the core count they add contention.
func defaultSQLiteConns() int {
	return min(max(2*runtime.GOMAXPROCS(0), 4), 8)
}

// openError builds the error Open returns. The underlying cause is kept as
// text only, with any password from the URL masked, because some driver
// errors (pgconn.ParseConfigError) carry the full connection string.
func openError(t target, code, what string, err error) error {
	return &engine.Error{
		Code:    code,
		Message: fmt.Sprintf("%s %s", what, t.where),
		Err:     redactedError(oneLine(t.redact(err.Error()))),
	}
}

// oneLine joins pgx's multi-line connect errors (one line per address
// tried) so a log line stays one line.
func oneLine(s string) string {
	return strings.NewReplacer(":\n\t", ": ", "\n\t", "; ", "\n", "; ").Replace(s)
}

// redactedError is the text of a driver error after secrets were removed.
type redactedError string

func (e redactedError) Error() string { return string(e) }

// Bun returns the bun handle for building queries.
func (db *DB) Bun() *bun.DB { return db.bun }

// Dialect returns migrations.DialectPostgres ("pg") or
// migrations.DialectSQLite ("sqlite").
func (db *DB) Dialect() string { return db.dialect }

// String names the database without secrets, for logs.
func (db *DB) String() string { return db.where }

// Ping checks that the database answers; /readyz calls it. A failure is an
// *engine.Error with code EUNAVAILABLE (or EINTERNAL for an unexpected one).
func (db *DB) Ping(ctx context.Context) error {
	return MapError(db.bun.PingContext(ctx), "database")
}

// Stats returns the connection pool's statistics, for metrics.
func (db *DB) Stats() sql.DBStats { return db.bun.DB.Stats() }

// Close closes every connection. Queries still running fail.
func (db *DB) Close() error { return db.bun.Close() }
