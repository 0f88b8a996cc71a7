package frontend

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
)

// usedKeys finds every literal catalogue key in the templates and the Go
// sources: t/n/maybe calls in templates, T/N/Maybe/title/renderStatus/
// localError calls in Go.
func usedKeys(t *testing.T) map[string]string {
	t.Helper()
	keys := map[string]string{}
	tmplKey := regexp.MustCompile(`[({]\s*-?\s*(?:t|n|maybe)\s+"([a-z0-9_.-]+)"`)
	goKey := regexp.MustCompile(`(?:\.T|\.N|\.Maybe|f\.title)\((?:c, )?"([a-z0-9_.-]+)"|renderStatus\(c, [^,]+, "([a-z0-9_.-]+)"\)|localError\(c, [^,]+, "([a-z0-9_.-]+)"\)`)
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := templateFS.ReadFile(p)
		for _, m := range tmplKey.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = p
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
			for _, k := range m[1:] {
				if k != "" {
					keys[k] = f
				}
			}
		}
	}
	return keys
}

// TestCatalogueHasEveryKey checks that every message the pages ask for is
// in the English catalogue, including the keys built from engine values
// (every scale point, role, outcome, verdict, state, mode).
func TestCatalogueHasEveryKey(t *testing.T) {
	cats, err := LoadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	en := cats[DefaultLanguage]
	used := usedKeys(t)
	if len(used) < 300 {
		t.Fatalf("found only %d keys in use; the scan is broken", len(used))
	}
	// Keys built from engine values.
	for _, s := range []string{engine.ScaleAgreeDisagree, engine.ScaleLikert5, engine.ScaleLikert7, engine.ScaleLikert9} {
		used["scale."+s+".name"], used["scale."+s+".hint"] = "scales", "scales"
		for _, v := range engine.ScaleValues(s) {
			used["scale."+s+"."+strconv.Itoa(v)] = "scale values"
		}
	}
	for _, r := range engine.Roles {
		used["role."+r], used["role."+r+".hint"] = "roles", "roles"
	}
	for _, o := range engine.Outcomes {
		used["outcome."+o], used["outcome."+o+".hint"] = "outcomes", "outcomes"
	}
	for _, ch := range engine.ChangeCategories {
		used["change."+ch] = "change categories"
	}
	for _, m := range []string{engine.ModeAssisted, engine.ModeInRoom, engine.ModePaper} {
		used["mode."+m], used["mode."+m+".hint"] = "modes", "modes"
	}
	for _, st := range []string{engine.RoundDraft, engine.RoundProposing, engine.RoundRating, engine.RoundClosed} {
		used["round.state."+st], used["round.state_short."+st] = "states", "states"
	}
	for _, tr := range []engine.Transition{engine.TransitionOpen, engine.TransitionRating, engine.TransitionClose, engine.TransitionReopen} {
		used["manage.transition."+string(tr)] = "transitions"
		used["flash.round_"+string(tr)] = "transition flashes"
	}
	for _, v := range []string{engine.VerdictConsensusFor, engine.VerdictConsensusAgainst, engine.VerdictNoConsensus, engine.VerdictSplit, engine.VerdictTooFew} {
		used["verdict."+v] = "verdicts"
	}
	for _, r := range []string{engine.RevealNever, engine.RevealAfterOwnRating, engine.RevealAfterClose} {
		used["reveal."+r+".name"], used["reveal."+r+".hint"] = "reveal", "reveal"
	}
	for _, r := range []string{engine.CarryWithoutConsensus, engine.DropConsensusAgainst, engine.CarryAll} {
		used["carry."+r], used["carry."+r+".hint"] = "carry", "carry"
	}
	for _, k := range []string{engine.InviteSingleUse, engine.InviteReusable} {
		used["invite.kind."+k], used["invite.kind."+k+".hint"] = "invites", "invites"
	}
	for _, k := range []string{engine.LineageReword, engine.LineageMerge, engine.LineageSplit, "replaced"} {
		used["my_input.became."+k] = "lineage"
	}
	for _, k := range []string{"rated", "passed", "todo"} {
		used["round.status."+k] = "rating status"
	}
	for i := 1; i <= 12; i++ {
		used["month."+strconv.Itoa(i)] = "months"
	}
	for _, k := range []string{"error.not_found", "error.forbidden", "error.unauthorized", "error.csrf", "error.unavailable",
		"error.internal", "error.bad_request", "join.invalid"} {
		used[k+".title"], used[k+".body"] = "error pages", "error pages"
	}
	for _, k := range []string{joinStepName, joinStepPerspective, joinStepAccess, joinStepConsent} {
		used["join."+k+".title"] = "join steps"
	}
	for k, where := range used {
		if strings.HasSuffix(k, ".") {
			continue // a prefix joined to a value; the values are listed above
		}
		if !en.Has(k) && !en.Has(k+".one") && !en.Has(k+".title") {
			t.Errorf("%s asks for %q, which the English catalogue lacks", where, k)
		}
	}
	for _, k := range en.Keys() {
		if strings.HasPrefix(k, "flash.") || strings.HasPrefix(k, "field.") || strings.HasSuffix(k, ".one") || strings.HasSuffix(k, ".other") {
			continue // flashes and field labels are looked up by name from requests and engine errors
		}
		base := strings.TrimSuffix(strings.TrimSuffix(k, ".title"), ".body")
		if _, ok := used[base]; ok {
			continue
		}
		if _, ok := used[k]; !ok {
			t.Errorf("catalogue key %q is never used", k)
		}
	}
}

// TestCatalogueFills checks placeholders, plurals and missing keys.
func TestCatalogueFills(t *testing.T) {
	c := &Catalogue{Lang: "en", messages: map[string]string{
		"a": "Round {number} of {total}", "p.one": "{n} person", "p.other": "{n} people", "plain": "No placeholders",
	}}
	tests := []struct {
		got, want string
	}{
		{c.T("a", "number", 2, "total", 5), "Round 2 of 5"},
		{c.T("a", "number", 2), "Round 2 of {total}"},
		{c.N("p", 1), "1 person"},
		{c.N("p", 0), "0 people"},
		{c.N("p", 7), "7 people"},
		{c.T("plain", "x", 1), "No placeholders"},
		{c.T("missing"), "[missing]"},
		{c.Maybe("missing"), ""},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

// TestCatalogueTranslationsComplete checks that LoadCatalogues refuses a
// translation missing keys, so a Welsh or Gaelic catalogue cannot ship
// half done.
func TestCatalogueTranslationsComplete(t *testing.T) {
	en := &Catalogue{messages: map[string]string{"a": "A", "b": "B"}}
	cy := &Catalogue{messages: map[string]string{"a": "A (cy)"}}
	if got := en.missingFrom(cy); len(got) != 1 || got[0] != "b" {
		t.Fatalf("missing = %v, want [b]", got)
	}
	if got := en.missingFrom(en); len(got) != 0 {
		t.Fatalf("missing from itself = %v", got)
	}
}
