package bunstore

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/migrations"
)

// Store implements engine.Store, and engine.Tx inside InTx, with bun on
// PostgreSQL or SQLite. Every error it returns is an *engine.Error (see
// MapError). It is safe for concurrent use; a Store handed to an InTx
// callback belongs to that transaction and must not outlive it.
//
// Queries select alias.* instead of bun's list of quoted columns: bun
// writes values into the SQL text, so SQLite parses every statement afresh,
// and the shorter text made a whole rating submission about a fifth faster.
// The row structs therefore hold every column of their table.
type Store struct {
	db *DB
	// idb is the *bun.DB outside a transaction and the bun.Tx inside one.
	idb bun.IDB
	// writeSlot, on SQLite only, admits one transaction of this Store at a
	// time. SQLite admits one writer anyway (every transaction is BEGIN
	// IMMEDIATE), but a connection that finds the lock taken polls for it
	// with sleeps growing to 100 ms; waiting here hands it over at once,
	// which keeps the latency of concurrent ratings low. Other processes
	// and other Stores on the same file still queue on busy_timeout.
	writeSlot chan struct{}
}

// Interface checks: the same type serves as the Store and as its Tx.
var (
	_ engine.Store = (*Store)(nil)
	_ engine.Tx    = (*Store)(nil)
)

// NewStore returns a Store on db. The schema must be migrated (MigrateUp).
func NewStore(db *DB) *Store {
	s := &Store{db: db, idb: db.Bun()}
	if db.Dialect() == migrations.DialectSQLite {
		s.writeSlot = make(chan struct{}, 1)
	}
	return s
}

// InTx runs fn in one transaction and commits when fn returns nil; any
// error rolls everything back and is returned as fn returned it. Called on
// a Store that is already a transaction, it runs fn in a savepoint.
//
// On SQLite every transaction takes the write lock at BEGIN
// (_txlock=immediate), and on PostgreSQL a failed statement aborts the
// whole transaction, so fn must be short, must not wait for anything
// outside the database, and must not go on querying after a Store error.
func (s *Store) InTx(ctx context.Context, fn func(tx engine.Tx) error) error {
	release, err := s.enter(ctx)
	if err != nil {
		return err
	}
	defer release()
	var fnErr error
	err = s.idb.RunInTx(ctx, nil, func(_ context.Context, tx bun.Tx) error {
		fnErr = fn(&Store{db: s.db, idb: tx})
		return fnErr
	})
	if err != nil && err == fnErr {
		return err
	}
	return MapError(err, "transaction")
}

// writeSlotWait is how long a transaction waits for the SQLite write slot:
// as long as busy_timeout lets it wait for the lock itself.
const writeSlotWait = 5 * time.Second

// enter takes the SQLite write slot for a new top-level transaction and
// returns the function that gives it back. Savepoints inside a
// transaction, and PostgreSQL, need no slot.
func (s *Store) enter(ctx context.Context) (release func(), err error) {
	if s.writeSlot == nil {
		return func() {}, nil
	}
	if _, inTx := s.idb.(bun.Tx); inTx {
		return func() {}, nil
	}
	select {
	case s.writeSlot <- struct{}{}:
		return func() { <-s.writeSlot }, nil
	default:
	}
	timer := time.NewTimer(writeSlotWait)
	defer timer.Stop()
	select {
	case s.writeSlot <- struct{}{}:
		return func() { <-s.writeSlot }, nil
	case <-ctx.Done():
		return nil, MapError(ctx.Err(), "transaction")
	case <-timer.C:
		return nil, &engine.Error{Code: engine.EUNAVAILABLE, Message: "the database is busy; try again later"}
	}
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.Ping(ctx) }

// atomic runs fn in the current transaction, or in a new one when s is
// not in a transaction, for writes that take more than one statement.
func (s *Store) atomic(ctx context.Context, fn func(idb bun.IDB) error) error {
	if _, ok := s.idb.(bun.Tx); ok {
		return fn(s.idb)
	}
	release, err := s.enter(ctx)
	if err != nil {
		return err
	}
	defer release()
	var fnErr error
	err = s.idb.RunInTx(ctx, nil, func(_ context.Context, tx bun.Tx) error {
		fnErr = fn(tx)
		return fnErr
	})
	if err != nil && err == fnErr {
		return err
	}
	return MapError(err, "transaction")
}

// conflict is the error for a row whose unique key already exists. Inserts
// use ON CONFLICT DO NOTHING and check the row count instead of letting the
// database raise the violation, because on PostgreSQL a raised error
// aborts the surrounding transaction.
func conflict(subject string) error {
	return &engine.Error{Code: engine.ECONFLICT, Message: subject + " already exists"}
}

// notFound is the error for a missing row found by a row count rather than
// by sql.ErrNoRows.
func notFound(subject string) error {
	return &engine.Error{Code: engine.ENOTFOUND, Message: subject + " not found"}
}

// insertNew inserts row, returning conflict(subject) when a row with one of
// its unique keys exists.
func insertNew(ctx context.Context, idb bun.IDB, row any, subject string) error {
	res, err := idb.NewInsert().Model(row).On("CONFLICT DO NOTHING").Exec(ctx)
	if err != nil {
		return MapError(err, subject)
	}
	return expectOne(res, conflict(subject), subject)
}

// rowsAffected is what expectOne needs of sql.Result.
type rowsAffected interface{ RowsAffected() (int64, error) }

// expectOne returns ifNone when res changed no row.
func expectOne(res rowsAffected, ifNone error, subject string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return MapError(err, subject)
	}
	if n == 0 {
		return ifNone
	}
	return nil
}

// Page sizes: a Page with Limit 0 gets defaultPageSize items; no page has
// more than maxPageSize.
const (
	defaultPageSize = 100
	maxPageSize     = 1000
)

// pageLimit returns the number of items a page holds.
func pageLimit(p engine.Page) int64 {
	switch {
	case p.Limit <= 0:
		return defaultPageSize
	case p.Limit > maxPageSize:
		return maxPageSize
	}
	return int64(p.Limit)
}

// utc returns t in UTC; the databases may hand times back in the session's
// or the process's zone.
func utc(t time.Time) time.Time { return t.UTC() }

// utcPtr is utc for an optional time.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// bumpRound marks a round changed for RoundVersion.
func bumpRound(ctx context.Context, idb bun.IDB, roundID string) error {
	_, err := idb.NewUpdate().Table("rounds").Set("revision = revision + 1").Where("id = ?", roundID).Exec(ctx)
	return MapError(err, "round")
}

// bumpGroupRounds marks every round of a group changed for RoundVersion:
// members, roles and settings are read by the analysis of each round.
func bumpGroupRounds(ctx context.Context, idb bun.IDB, groupID string) error {
	_, err := idb.NewUpdate().Table("rounds").Set("revision = revision + 1").Where("group_id = ?", groupID).Exec(ctx)
	return MapError(err, "round")
}
