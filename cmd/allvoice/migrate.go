package main

import (
	"context"
	"fmt"
	"io"
)

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("migrate", &cfg, stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: allvoice migrate up|down|status|unlock [flags]\n\n  up      apply every pending migration\n  down    roll back the last applied group of migrations\n  status  list migrations and whether each is applied\n  unlock  free the migration lock a crashed instance left behind\n          (only when no instance is migrating)\n\nFlags:")
		fs.PrintDefaults()
	}
	if len(args) == 0 {
		fs.Usage()
		return fmt.Errorf("migrate needs up, down, status or unlock")
	}
	action := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := openDB(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	switch action {
	case "up":
		applied, err := db.MigrateUp(ctx)
		if err != nil {
			return err
		}
		if len(applied) == 0 {
			fmt.Fprintln(stdout, "The database is up to date.")
		}
		for _, m := range applied {
			fmt.Fprintln(stdout, "applied", m)
		}
	case "down":
		rolled, err := db.MigrateDown(ctx)
		if err != nil {
			return err
		}
		if len(rolled) == 0 {
			fmt.Fprintln(stdout, "Nothing to roll back.")
		}
		for _, m := range rolled {
			fmt.Fprintln(stdout, "rolled back", m)
		}
	case "status":
		states, err := db.MigrationStatus(ctx)
		if err != nil {
			return err
		}
		for _, s := range states {
			fmt.Fprintf(stdout, "%-9s %s\n", map[bool]string{true: "applied", false: "pending"}[s.Applied], s.Name)
		}
	case "unlock":
		if err := db.UnlockMigrations(ctx); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "The migration lock is free.")
	default:
		fs.Usage()
		return fmt.Errorf("unknown migrate action %q", action)
	}
	return nil
}
