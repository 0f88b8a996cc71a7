package bunstore

import "time"

// SetMigrationLockWait shortens how long MigrateUp waits for a held
// migration lock and returns a function restoring the old wait.
func SetMigrationLockWait(d time.Duration) (restore func()) {
	old := migrationLockWait
	migrationLockWait = d
	return func() { migrationLockWait = old }
}
