package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
)

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("import", &cfg, stderr)
	email := fs.String("email", env("ALLVOICE_IMPORT_EMAIL", ""), "email of the facilitator account that will own the group (env ALLVOICE_IMPORT_EMAIL)")
	name := fs.String("name", "", "name of the new group (default: the folder's name)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: allvoice import polis DIR --email FACILITATOR [flags]\n\nImports a Polis open-data export (DIR/comments.csv and DIR/votes.csv) as a\ngroup with one closed agree/disagree/pass round.\n\nFlags:")
		fs.PrintDefaults()
	}
	if len(args) < 2 || args[0] != "polis" {
		fs.Usage()
		return fmt.Errorf("import needs: polis DIR")
	}
	dir := args[1]
	if err := fs.Parse(args[2:]); err != nil {
		return err
	}
	if *email == "" {
		fs.Usage()
		return fmt.Errorf("--email is required")
	}
	if *name == "" {
		*name = "Polis: " + filepath.Base(filepath.Clean(dir))
	}
	comments, err := os.Open(filepath.Join(dir, "comments.csv"))
	if err != nil {
		return err
	}
	defer comments.Close()
	votes, err := os.Open(filepath.Join(dir, "votes.csv"))
	if err != nil {
		return err
	}
	defer votes.Close()
	db, err := openDB(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.MigrateUp(ctx); err != nil {
		return err
	}
	e := engine.New(engine.Config{Store: bunstore.NewStore(db)})
	actor, err := e.LocalActor(ctx, *email)
	if err != nil {
		return err
	}
	res, err := e.ImportPolis(ctx, actor, engine.PolisImport{Name: *name, Comments: comments, Votes: votes})
	if err != nil {
		if f := engine.ErrorFields(err); len(f) > 0 {
			return fmt.Errorf("%s: %s", f[0].Field, f[0].Rule)
		}
		return err
	}
	fmt.Fprintf(stdout, "Imported %q: %d members, %d proposals (%d rejected comments left out), %d ratings. Group %s, round %s.\n",
		*name, res.Members, res.Proposals, res.Rejected, res.Ratings, res.Group.ID, res.RoundID)
	return nil
}
