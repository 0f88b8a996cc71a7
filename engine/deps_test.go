package engine_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyDirection enforces ARCHITECTURE.md §1: the domain never
// depends on storage or HTTP, the analysis depends only on itself and
// gonum, and the API and pages reach storage only through the engine.
func TestDependencyDirection(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	const mod = "github.com/allvoice/allvoice"
	cases := []struct {
		pkg       string
		forbidden []string
		// onlyModule lists the packages of this module that pkg may depend
		// on; nil means no restriction.
		onlyModule []string
	}{
		{mod + "/engine", []string{"github.com/uptrace/bun", "github.com/gofiber", "github.com/jackc", "modernc.org/sqlite", "net/http", "github.com/danielgtaylor/huma"},
			[]string{mod + "/engine", mod + "/engine/analysis", mod + "/engine/analysis/opinion", mod + "/engine/polis", mod + "/engine/export"}},
		// The export writer is pure: the standard library and nothing else.
		{mod + "/engine/export", []string{"github.com/", "gonum.org/", "modernc.org/", "net/http"}, []string{mod + "/engine/export"}},
		{mod + "/engine/analysis", []string{"github.com/uptrace/bun", "github.com/gofiber", "github.com/jackc", "modernc.org/sqlite", "net/http"},
			[]string{mod + "/engine/analysis", mod + "/engine/analysis/opinion"}},
		{mod + "/api", []string{"github.com/uptrace/bun", "github.com/jackc", "modernc.org/sqlite"}, nil},
		{mod + "/frontend", []string{"github.com/uptrace/bun", "github.com/jackc", "modernc.org/sqlite", mod + "/api"}, nil},
	}
	for _, c := range cases {
		out, err := exec.Command("go", "list", "-deps", c.pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", c.pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range c.forbidden {
				if dep == f || strings.HasPrefix(dep, f+"/") {
					t.Errorf("%s depends on %s", c.pkg, dep)
				}
			}
			if c.onlyModule != nil && strings.HasPrefix(dep, mod+"/") {
				ok := false
				for _, allowed := range c.onlyModule {
					ok = ok || dep == allowed
				}
				if !ok {
					t.Errorf("%s depends on %s of this module", c.pkg, dep)
				}
			}
		}
	}
}
