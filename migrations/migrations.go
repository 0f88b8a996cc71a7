package migrations

import (
	"embed"

	"github.com/uptrace/bun/migrate"
)

//go:embed *.sql
var files embed.FS

// New returns the full, ordered set of Allvoice migrations discovered from
// the embedded SQL files. A fresh set is built on each call because a
// migrate.Migrations value is mutated by the migrator that runs it.
func New() (*migrate.Migrations, error) {
	m := migrate.NewMigrations()
	if err := m.Discover(files); err != nil {
		return nil, err
	}
	return m, nil
}

// Dialect names used in migration templates as {{.Dialect}}.
const (
	DialectPostgres = "pg"
	DialectSQLite   = "sqlite"
)
