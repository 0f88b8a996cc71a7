package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
)

// runExport writes a group's evaluator data package to a zip file, acting
// as a local facilitator or evaluator account of the group.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	var ec exportConfig
	fs := newFlagSet("export", &cfg, stderr)
	exportFlags(fs, &ec)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: allvoice export GROUP --out FILE --email ACCOUNT [flags]\n\n"+
			"Writes the group's evaluator data package (a zip: pseudonymised CSV tables with a\n"+
			"Data Package descriptor, a codebook, SPSS syntax and a Polis view) to FILE,\n"+
			"acting as ACCOUNT, a facilitator or evaluator of the group.\n\nFlags:")
		fs.PrintDefaults()
	}
	if len(args) < 1 || strings.HasPrefix(args[0], "-") {
		fs.Usage()
		return fmt.Errorf("export needs: GROUP")
	}
	groupID := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	switch {
	case ec.Out == "":
		fs.Usage()
		return fmt.Errorf("--out is required")
	case ec.Email == "":
		fs.Usage()
		return fmt.Errorf("--email is required")
	}
	db, err := openDB(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.MigrateUp(ctx); err != nil {
		return err
	}
	e := engine.New(engine.Config{Store: bunstore.NewStore(db)})
	actor, err := e.LocalActor(ctx, ec.Email)
	if err != nil {
		return err
	}
	var bar *progressBar
	if ec.Progress {
		bar = &progressBar{w: stderr, label: "exporting"}
	}
	if ec.Out == "-" {
		return exportTo(ctx, e, actor, groupID, stdout, bar)
	}
	// Write beside the target and rename, so a failed export leaves no
	// half-written zip behind.
	tmp, err := os.CreateTemp(filepath.Dir(ec.Out), ".allvoice-export-*.zip")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := exportTo(ctx, e, actor, groupID, tmp, bar); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), ec.Out); err != nil {
		return err
	}
	info, err := os.Stat(ec.Out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Exported group %s to %s (%d bytes).\n", groupID, ec.Out, info.Size())
	return nil
}

func exportTo(ctx context.Context, e *engine.Engine, actor engine.Actor, groupID string, w io.Writer, bar *progressBar) error {
	var progress func(done, total int)
	if bar != nil {
		progress = bar.update
		defer bar.finish()
	}
	err := e.ExportGroup(ctx, actor, groupID, w, progress)
	if f := engine.ErrorFields(err); len(f) > 0 {
		return fmt.Errorf("%s: %s", f[0].Field, f[0].Rule)
	}
	return err
}

// progressBar draws "label [#####.....] 42% (n of total rows)" on one
// line, at most a few times a second.
type progressBar struct {
	w     io.Writer
	label string
	last  time.Time
	shown bool
}

// progressWidth is the bar's width in characters.
const progressWidth = 30

func (p *progressBar) update(done, total int) {
	now := time.Now()
	if done < total && now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last, p.shown = now, true
	frac := 1.0
	if total > 0 {
		frac = float64(done) / float64(total)
	}
	n := int(frac * progressWidth)
	fmt.Fprintf(p.w, "\r%s [%s%s] %3.0f%% (%d of %d rating rows)", p.label, strings.Repeat("#", n), strings.Repeat(".", progressWidth-n), frac*100, done, total)
}

func (p *progressBar) finish() {
	if p.shown {
		fmt.Fprintln(p.w)
	}
}
