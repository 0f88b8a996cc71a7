// Package migrations holds Allvoice's SQL schema history: one set of
// transactional migrations for both SQLite and PostgreSQL, embedded in the
// binary and run by engine/bunstore with bun/migrate.
//
// Files are named <timestamp>_<name>.tx.up.sql and .tx.down.sql and are
// rendered with text/template before they run, so the rare dialect
// differences are written as {{if eq .Dialect "pg"}}…{{else}}…{{end}}.
// Statements are separated by a line holding only --bun:split. Once a
// migration has landed on main it is never edited, only followed by another.
package migrations
