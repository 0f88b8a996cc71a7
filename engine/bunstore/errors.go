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
	k := classify(err)
	return &engine.Error{Code: k.code(), Message: k.message(subject), Err: err}
}

// failure is what went wrong, finer than an engine code so the message
// can say it.
type failure int

const (
	failInternal    failure = iota
	failNotFound            // no row
	failDuplicate           // unique or exclusion violation
	failReference           // foreign-key violation, either direction
	failValue               // check or not-null violation
	failUnavailable         // the database cannot answer now
)

func (f failure) code() string {
	switch f {
	case failNotFound:
		return engine.ENOTFOUND
	case failDuplicate:
		return engine.ECONFLICT
	case failReference, failValue:
		return engine.EINVALID
	case failUnavailable:
		return engine.EUNAVAILABLE
	}
	return engine.EINTERNAL
}

func (f failure) message(subject string) string {
	switch f {
	case failNotFound:
		return subject + " not found"
	case failDuplicate:
		return subject + " already exists"
	case failReference:
		return subject + " refers to something that does not exist, or is still referred to"
	case failValue:
		return subject + " has a missing or out-of-range value"
	case failUnavailable:
		return "the database is unavailable; try again later"
	}
	return "internal database error"
}

// classify says what err means. Typed driver errors are checked first; the
// message fallbacks catch the same failures when a layer in between
// flattened the error into text.
func classify(err error) failure {
	if errors.Is(err, sql.ErrNoRows) {
		return failNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return postgresFailure(pgErr.Code)
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return sqliteFailure(liteErr.Code())
	}
	if unavailable(err) {
		return failUnavailable
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "UNIQUE constraint failed"):
		return failDuplicate
	case strings.Contains(msg, "FOREIGN KEY constraint failed"):
		return failReference
	case strings.Contains(msg, "CHECK constraint failed"),
		strings.Contains(msg, "NOT NULL constraint failed"):
		return failValue
	case strings.Contains(msg, "database is locked"),
		strings.Contains(msg, "sql: database is closed"),
		strings.Contains(msg, "bad connection"),
		strings.Contains(msg, "connection refused"),
		strings.Contains(msg, "conn closed"):
		return failUnavailable
	}
	return failInternal
}

// postgresFailure reads a SQLSTATE
// (https://www.postgresql.org/docs/current/errcodes-appendix.html).
func postgresFailure(state string) failure {
	switch state {
	case "23505", "23P01": // unique_violation, exclusion_violation
		return failDuplicate
	case "23503": // foreign_key_violation
		return failReference
	case "23514", "23502": // check_violation, not_null_violation
		return failValue
	case "57P01", "57P02", "57P03", // admin_shutdown, crash_shutdown, cannot_connect_now
		"57014",          // query_canceled (statement_timeout or cancel request)
		"40001", "40P01", // serialization_failure, deadlock_detected: retrying succeeds
		"55P03", // lock_not_available
		"25006": // read_only_sql_transaction: connected to a standby
		return failUnavailable
	}
	switch state[:min(2, len(state))] {
	case "08", "53": // connection_exception, insufficient_resources (too many connections, disk full)
		return failUnavailable
	}
	return failInternal
}

// sqliteFailure reads an extended result code
// (https://sqlite.org/rescode.html).
func sqliteFailure(code int) failure {
	switch code {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return failDuplicate
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return failReference
	}
	switch code & 0xff {
	case sqlite3.SQLITE_CONSTRAINT: // check, not null, trigger, datatype
		return failValue
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, // busy_timeout ran out
		sqlite3.SQLITE_INTERRUPT, // the context was cancelled mid-query
		sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY:
		return failUnavailable
	}
	return failInternal
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
