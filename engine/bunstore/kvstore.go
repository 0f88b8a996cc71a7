package bunstore

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"

	"github.com/uptrace/bun"
)

// kvRow is one row of kv_store (created by the init migration).
type kvRow struct {
	bun.BaseModel `bun:"table:kv_store"`

	K   string `bun:"k,pk"`
	V   []byte `bun:"v,notnull"`
	Exp int64  `bun:"exp,notnull"` // unix seconds; 0 = never expires
}

// kvOpTimeout bounds each KVStore call: fiber's Storage interface carries
// no context, and a request must not hang on a stuck database.
const kvOpTimeout = 5 * time.Second

// DefaultKVGCInterval is how often a KVStore deletes expired rows when
// NewKVStore is given 0.
const DefaultKVGCInterval = time.Minute

// KVStore keeps fiber's sessions, CSRF tokens and rate-limit counters in
// the kv_store table, so they survive restarts and are shared by every
// instance on one PostgreSQL database. It satisfies fiber v2's Storage
// interface (Get, Set, Delete, Reset, Close) without importing fiber.
// Errors are *engine.Error (see MapError).
type KVStore struct {
	db     *bun.DB
	stop   chan struct{}
	done   chan struct{}
	closed sync.Once
}

// NewKVStore returns a KVStore on db and starts a goroutine that deletes
// expired rows every gcInterval (DefaultKVGCInterval if 0) until Close.
// Expired rows are invisible to Get as soon as they expire; the collector
// only reclaims space, which matters because anonymous traffic can create
// an entry per request.
func NewKVStore(db *DB, gcInterval time.Duration) *KVStore {
	if gcInterval <= 0 {
		gcInterval = DefaultKVGCInterval
	}
	s := &KVStore{db: db.bun, stop: make(chan struct{}), done: make(chan struct{})}
	go s.collect(gcInterval)
	return s
}

// Get returns the value stored under key, or nil and no error when there is
// none or it has expired (fiber's contract).
func (s *KVStore) Get(key string) ([]byte, error) {
	if key == "" {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), kvOpTimeout)
	defer cancel()
	var row kvRow
	err := s.db.NewSelect().Model(&row).
		Column("v").
		Where("k = ?", key).
		Where("exp = 0 OR exp > ?", time.Now().Unix()).
		Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, MapError(err, "stored value")
	}
	return row.V, nil
}

// Set stores val under key, replacing any earlier value. exp > 0 makes it
// expire after that long (rounded up to whole seconds); exp <= 0 keeps it
// until deleted. An empty key or value is ignored, as fiber's storages do.
func (s *KVStore) Set(key string, val []byte, exp time.Duration) error {
	if key == "" || len(val) == 0 {
		return nil
	}
	var expAt int64
	if exp > 0 {
		// Rounded up, so a sub-second lifetime is not already over when stored.
		ns := time.Now().Add(exp).UnixNano()
		expAt = (ns + int64(time.Second) - 1) / int64(time.Second)
	}
	ctx, cancel := context.WithTimeout(context.Background(), kvOpTimeout)
	defer cancel()
	_, err := s.db.NewInsert().Model(&kvRow{K: key, V: val, Exp: expAt}).
		On("CONFLICT (k) DO UPDATE").
		Set("v = EXCLUDED.v").
		Set("exp = EXCLUDED.exp").
		Exec(ctx)
	return MapError(err, "stored value")
}

// Delete removes key; an empty or missing key is not an error.
func (s *KVStore) Delete(key string) error {
	if key == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), kvOpTimeout)
	defer cancel()
	_, err := s.db.NewDelete().Model((*kvRow)(nil)).Where("k = ?", key).Exec(ctx)
	return MapError(err, "stored value")
}

// Reset removes every key.
func (s *KVStore) Reset() error {
	ctx, cancel := context.WithTimeout(context.Background(), kvOpTimeout)
	defer cancel()
	// DELETE rather than TRUNCATE: SQLite has no TRUNCATE.
	_, err := s.db.NewDelete().Model((*kvRow)(nil)).Where("TRUE").Exec(ctx)
	return MapError(err, "stored value")
}

// DeleteExpired removes the rows whose time has passed and returns how many
// it removed. The collector goroutine calls it; it is exported for
// maintenance commands and tests.
func (s *KVStore) DeleteExpired(ctx context.Context) (int64, error) {
	res, err := s.db.NewDelete().Model((*kvRow)(nil)).
		Where("exp <> 0 AND exp <= ?", time.Now().Unix()).
		Exec(ctx)
	if err != nil {
		return 0, MapError(err, "stored value")
	}
	n, err := res.RowsAffected()
	return n, MapError(err, "stored value")
}

// Close stops the collector and waits for it. It leaves the database open:
// the DB is shared and its owner closes it. Calling Close again is a no-op.
func (s *KVStore) Close() error {
	s.closed.Do(func() { close(s.stop) })
	<-s.done
	return nil
}

func (s *KVStore) collect(every time.Duration) {
	defer close(s.done)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-tick.C:
			ctx, cancel := context.WithTimeout(context.Background(), kvOpTimeout)
			// A failure is retried at the next tick; expired rows are
			// already invisible to Get, so nothing is served wrongly.
			_, _ = s.DeleteExpired(ctx)
			cancel()
		}
	}
}
