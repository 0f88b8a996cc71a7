package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/export/exporttest"
)

// TestExportCommand imports a real Polis conversation with the import
// command, exports it with the export command and checks the zip, the
// progress bar and the command's refusals.
func TestExportCommand(t *testing.T) {
	polisDir := filepath.Join("..", "..", "..", "shared", "data", "polis-open-data", "london.youth.policing")
	if _, err := os.Stat(polisDir); err != nil {
		t.Skipf("no Polis open data beside the project: %v", err)
	}
	ctx := context.Background()
	dir := t.TempDir()
	db, err := openDB(ctx, &config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	e := engine.New(engine.Config{Store: bunstore.NewStore(db)})
	if _, _, err := e.SignUp(ctx, engine.SignUpInput{Email: "cli@example.org", Name: "CLI", Password: "command line password"}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	var out bytes.Buffer
	if err := run(ctx, []string{"import", "polis", polisDir, "--data-dir", dir, "--email", "cli@example.org"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	groupID := regexp.MustCompile(`Group ([0-9a-f-]{36})`).FindStringSubmatch(out.String())
	if groupID == nil {
		t.Fatalf("import printed %q", out.String())
	}
	zipPath := filepath.Join(dir, "london.zip")
	var stdout, stderr bytes.Buffer
	err = run(ctx, []string{"export", groupID[1], "--out", zipPath, "--data-dir", dir, "--email", "cli@example.org"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("export: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "Exported group") || !strings.Contains(stderr.String(), "exporting [") || !strings.Contains(stderr.String(), "100%") {
		t.Errorf("export printed %q and %q", stdout.String(), stderr.String())
	}
	raw, err := os.ReadFile(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	fs := exporttest.Open(t, raw)
	for _, err := range exporttest.ValidateDescriptor(fs.Descriptor(t)) {
		t.Error(err)
	}
	if n := len(fs.Rows(t, "data/rating_events.csv")); n == 0 {
		t.Error("no rating events exported")
	}

	cases := []struct {
		name string
		args []string
	}{
		{"no group", []string{"export"}},
		{"no --out", []string{"export", groupID[1], "--data-dir", dir, "--email", "cli@example.org"}},
		{"no --email", []string{"export", groupID[1], "--out", zipPath, "--data-dir", dir, "--email", ""}},
		{"unknown account", []string{"export", groupID[1], "--out", zipPath, "--data-dir", dir, "--email", "nobody@example.org"}},
		{"unknown group", []string{"export", "01890000-0000-7000-8000-000000000000", "--out", filepath.Join(dir, "x.zip"), "--data-dir", dir, "--email", "cli@example.org"}},
	}
	for _, c := range cases {
		if err := run(ctx, c.args, io.Discard, io.Discard); err == nil {
			t.Errorf("%s: export succeeded", c.name)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.zip")); !os.IsNotExist(err) {
		t.Errorf("a failed export left a file behind: %v", err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".allvoice-export-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}
