// Package bunstore implements engine.Store with bun on PostgreSQL and SQLite.
//
// It owns everything that touches a database driver: opening and pinging the
// connection pool with the settings each database needs (the SQLite pragmas in
// ARCHITECTURE.md §3, pool sizes), running the embedded migrations from
// package migrations under a lock, mapping driver errors to engine error
// codes at this boundary (MapError), and a key-value store for fiber's
// sessions, CSRF tokens and rate limits (KVStore).
//
// One schema and one set of queries serve both databases; where the dialects
// differ, the difference is named in one place. Query text is never logged
// with its values.
package bunstore
