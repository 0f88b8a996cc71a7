package bunstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/allvoice/allvoice/engine"
)

// MapError turns an error from bun or a database driver into an
// *engine.Error, the only kind of error bunstore returns. subject names
// what the query was about ("proposal", "member") and appears in the
// message; the message never contains SQL text or values, while the
// original error stays available as Err for logs.
//
//	sql.ErrNoRows                                   → ENOTFOUND
//	unique or exclusion violation                   → ECONFLICT
//	foreign-key, check, not-null violation          → EINVALID
//	connection refused, closed or broken; server
//	shutting down; SQLITE_BUSY after busy_timeout;
//	context deadline (e.g. waiting for a pooled
//	connection); serialization failure or deadlock  → EUNAVAILABLE
//	anything else                                   → EINTERNAL
//
// MapError returns nil for nil and an *engine.Error unchanged.
func MapError(err error, subject string) error {
	if err == nil {
		return nil
	}
	var ee *engine.Error
	if errors.As(err, &ee) {
		return err
	}
	if subject == "" {
		subject = "record"
	}
	return &engine.Error{Code: errorCode(err), Message: errorMessage(errorCode(err), subject), Err: err}
}

func errorMessage(code, subject string) string {
	switch code {
	case engine.ENOTFOUND:
		return subject + " not found"
	case engine.ECONFLICT:
		return subject + " already exists"
	case engine.EINVALID:
		return subject + " breaks a rule of the stored data: a value is missing or out of range, or it refers to something that does not exist or is still referred to"
	case engine.EUNAVAILABLE:
		return "the database is unavailable; try again later"
	default:
		return "internal database error"
	}
}

// errorCode classifies err. Typed driver errors are checked first; the
// message fallbacks catch the same failures when a layer in between
// flattened the error into text.
func errorCode(err error) string {
	if errors.Is(err, sql.ErrNoRows) {
		return engine.ENOTFOUND
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return postgresCode(pgErr.Code)
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return sqliteCode(liteErr.Code())
	}
	if unavailable(err) {
		return engine.EUNAVAILABLE
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "UNIQUE constraint failed"):
		return engine.ECONFLICT
	case strings.Contains(msg, "FOREIGN KEY constraint failed"),
		strings.Contains(msg, "CHECK constraint failed"),
		strings.Contains(msg, "NOT NULL constraint failed"):
		return engine.EINVALID
	case strings.Contains(msg, "database is locked"),
		strings.Contains(msg, "sql: database is closed"),
		strings.Contains(msg, "bad connection"),
		strings.Contains(msg, "connection refused"),
		strings.Contains(msg, "conn closed"):
		return engine.EUNAVAILABLE
	}
	return engine.EINTERNAL
}

// postgresCode maps a SQLSTATE
// (https://www.postgresql.org/docs/current/errcodes-appendix.html).
func postgresCode(state string) string {
	switch state {
	case "23505", "23P01": // unique_violation, exclusion_violation
		return engine.ECONFLICT
	case "23503", "23514", "23502": // foreign_key, check, not_null violation
		return engine.EINVALID
	case "57P01", "57P02", "57P03", // admin_shutdown, crash_shutdown, cannot_connect_now
		"57014",          // query_canceled (statement_timeout or cancel request)
		"40001", "40P01", // serialization_failure, deadlock_detected: retrying succeeds
		"55P03", // lock_not_available
		"25006": // read_only_sql_transaction: connected to a standby
		return engine.EUNAVAILABLE
	}
	switch state[:min(2, len(state))] {
	case "08", "53": // connection_exception, insufficient_resources (too many connections, disk full)
		return engine.EUNAVAILABLE
	}
	return engine.EINTERNAL
}

// sqliteCode maps an extended result code (https://sqlite.org/rescode.html).
func sqliteCode(code int) string {
	switch code {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return engine.ECONFLICT
	}
	switch code & 0xff {
	case sqlite3.SQLITE_CONSTRAINT: // foreign key, check, not null, …
		return engine.EINVALID
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, // busy_timeout ran out
		sqlite3.SQLITE_INTERRUPT, // the context was cancelled mid-query
		sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY:
		return engine.EUNAVAILABLE
	}
	return engine.EINTERNAL
}

// unavailable reports whether err means the database could not be reached
// or stopped answering, as opposed to rejecting the query.
func unavailable(err error) bool {
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, pgconn.ErrConnClosed), errors.Is(err, net.ErrClosed),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE),
		errors.As(err, &connectErr), errors.As(err, &netErr),
		pgconn.Timeout(err):
		return true
	}
	return false
}
