package main

import (
	"context"
	"io"

	"github.com/allvoice/allvoice/engine/bunstore"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("demo", &cfg, stderr)
	addr := fs.String("addr", env("ALLVOICE_ADDR", "127.0.0.1:8080"), "address the server will listen on, for the printed links (env ALLVOICE_ADDR)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.MigrateUp(ctx); err != nil {
		return err
	}
	store := bunstore.NewStore(db)
	return seedDemo(ctx, store, *addr, stdout)
}
