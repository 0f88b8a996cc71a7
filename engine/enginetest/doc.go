// Package enginetest holds what tests of engine.Store implementations
// share: RunConformance, a suite every Store must pass, run by
// engine/bunstore on SQLite and PostgreSQL. It checks the Store contract
// as engine/store.go states it — exact round-trips, error codes, order,
// pagination, transactions and concurrent writers — so the engine's use
// cases can rely on it whatever the database.
package enginetest
