package bunstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun/migrate"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/migrations"
)

// MigrationState is one migration and whether it has been applied.
type MigrationState struct {
	// Name is the migration's file name stem, e.g. "20261122000001_init".
	Name string
	// Applied reports whether the migration is recorded as applied.
	Applied bool
	// Group is the run (group) that applied it; 0 when not applied.
	Group int64
	// MigratedAt is when it was applied; zero when not applied.
	MigratedAt time.Time
}

// migrationLockWait is how long MigrateUp and MigrateDown wait for another
// instance's migration lock before giving up.
var migrationLockWait = 2 * time.Minute

// MigrateUp applies every migration not applied yet, as one group, and
// returns their names in order; none when the schema is current. It holds
// the migration lock while it works, so when several instances start
// together one migrates and the others wait, then find nothing to do.
func (db *DB) MigrateUp(ctx context.Context) (applied []string, err error) {
	err = db.withMigrator(ctx, func(m *migrate.Migrator) error {
		group, err := m.Migrate(ctx)
		if group != nil {
			for _, mg := range group.Migrations {
				applied = append(applied, mg.String())
			}
		}
		if err != nil && len(applied) > 0 {
			// The last one in the group is the one that failed.
			applied = applied[:len(applied)-1]
		}
		return err
	})
	return applied, err
}

// MigrateDown rolls back the most recently applied group of migrations and
// returns the names rolled back, newest first; none when nothing is applied.
func (db *DB) MigrateDown(ctx context.Context) (rolledBack []string, err error) {
	err = db.withMigrator(ctx, func(m *migrate.Migrator) error {
		group, err := m.Rollback(ctx)
		if group != nil {
			for i := len(group.Migrations) - 1; i >= 0; i-- {
				rolledBack = append(rolledBack, group.Migrations[i].String())
			}
		}
		return err
	})
	return rolledBack, err
}

// MigrationStatus lists every known migration, oldest first, with whether
// it has been applied.
func (db *DB) MigrationStatus(ctx context.Context) ([]MigrationState, error) {
	m, err := db.migrator()
	if err != nil {
		return nil, err
	}
	if err := db.initMigrator(ctx, m); err != nil {
		return nil, err
	}
	ms, err := m.MigrationsWithStatus(ctx)
	if err != nil {
		return nil, migrationError("cannot read the migration status", err)
	}
	states := make([]MigrationState, 0, len(ms))
	for _, mg := range ms {
		states = append(states, MigrationState{
			Name:       mg.String(),
			Applied:    mg.IsApplied(),
			Group:      mg.GroupID,
			MigratedAt: mg.MigratedAt,
		})
	}
	return states, nil
}

// migrator builds a migrator over a fresh migration set: a
// migrate.Migrations value is mutated by the migrator that runs it.
func (db *DB) migrator() (*migrate.Migrator, error) {
	set, err := migrations.New()
	if err != nil {
		return nil, &engine.Error{Code: engine.EINTERNAL, Message: "the embedded migrations are invalid", Err: err}
	}
	return migrate.NewMigrator(db.bun, set,
		// A failed migration must not be recorded as applied.
		migrate.WithMarkAppliedOnSuccess(true),
		migrate.WithTemplateData(map[string]string{"Dialect": db.dialect}),
	), nil
}

// initMigrator creates bun's bookkeeping tables. Two instances doing this
// at once can collide on PostgreSQL's catalog even with IF NOT EXISTS, so a
// failure is retried once the other has finished.
func (db *DB) initMigrator(ctx context.Context, m *migrate.Migrator) error {
	var err error
	for attempt := range 5 {
		if err = m.Init(ctx); err == nil {
			return nil
		}
		if ctx.Err() != nil {
			break
		}
		if !sleep(ctx, time.Duration(attempt+1)*100*time.Millisecond) {
			break
		}
	}
	return migrationError("cannot create the migration tables", err)
}

// UnlockMigrations removes the migration lock a crashed instance left
// behind (lockMigrations names it when it gives up waiting). Run it only
// when no instance is migrating: it takes the lock from whoever holds it.
func (db *DB) UnlockMigrations(ctx context.Context) error {
	m, err := db.migrator()
	if err != nil {
		return err
	}
	if err := db.initMigrator(ctx, m); err != nil {
		return err
	}
	if err := m.Unlock(ctx); err != nil {
		return migrationError("cannot remove the migration lock", err)
	}
	return nil
}

// withMigrator runs fn while holding bun's migration lock, a row in
// bun_migration_locks. The lock is released even if ctx is cancelled.
func (db *DB) withMigrator(ctx context.Context, fn func(*migrate.Migrator) error) error {
	m, err := db.migrator()
	if err != nil {
		return err
	}
	if err := db.initMigrator(ctx, m); err != nil {
		return err
	}
	if err := lockMigrations(ctx, m); err != nil {
		return err
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_ = m.Unlock(uctx) // a failed unlock leaves the row; lockMigrations reports how to clear it
	}()
	if err := fn(m); err != nil {
		return migrationError("migration failed", err)
	}
	return nil
}

// lockMigrations takes the migration lock, waiting while another instance
// holds it. Taking it is an insert into a table with a unique key, so a
// unique violation means "held by someone else"; any other error is real.
func lockMigrations(ctx context.Context, m *migrate.Migrator) error {
	deadline := time.Now().Add(migrationLockWait)
	wait := 50 * time.Millisecond
	for {
		err := m.Lock(ctx)
		if err == nil {
			return nil
		}
		if engine.ErrorCode(MapError(err, "migration lock")) != engine.ECONFLICT {
			return migrationError("cannot take the migration lock", err)
		}
		if time.Now().After(deadline) {
			return &engine.Error{
				Code: engine.EUNAVAILABLE,
				Message: fmt.Sprintf("another instance has held the migration lock for over %v; "+
					"if none is running, a crashed migration left it behind: run 'allvoice migrate unlock' (it deletes the row in bun_migration_locks)", migrationLockWait),
				Err: err,
			}
		}
		if !sleep(ctx, wait) {
			return migrationError("gave up waiting for the migration lock", ctx.Err())
		}
		wait = min(2*wait, time.Second)
	}
}

// migrationError maps err and puts what failed in front of the message.
func migrationError(what string, err error) error {
	var ee *engine.Error
	if !errors.As(MapError(err, "migration"), &ee) {
		return err
	}
	msg := what
	if ee.Code == engine.EUNAVAILABLE {
		msg += ": " + ee.Message
	}
	return &engine.Error{Code: ee.Code, Message: msg, Err: err}
}

// sleep waits for d or until ctx is done, reporting whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
