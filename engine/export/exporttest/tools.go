package exporttest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// EnvRequireTools makes missing external readers (Rscript, python3, pspp)
// fail the tests instead of skipping them; CI sets it.
const EnvRequireTools = "ALLVOICE_REQUIRE_TOOLS"

// toolTimeout bounds one run of an external reader.
const toolTimeout = 5 * time.Minute

// Tool returns the path of an external program, skipping the test (or
// failing it under ALLVOICE_REQUIRE_TOOLS=1) when it is not installed.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv(EnvRequireTools) == "1" {
			t.Fatalf("%s is required (%s=1) but not installed: %v", name, EnvRequireTools, err)
		}
		t.Skipf("%s not installed, skipping (Debian: apt-get install r-base-core pspp python3)", name)
	}
	return p
}

// run runs a program in dir and returns its combined output.
func run(t testing.TB, dir, prog string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "LANG=C.UTF-8")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// resourceInfo is what the readers are told about one table.
type resourceInfo struct {
	name, path string
	fields     []string
	types      []string
	rows       int
}

func resources(t testing.TB, fs Files) []resourceInfo {
	d := fs.Descriptor(t)
	res, _ := d["resources"].([]any)
	var out []resourceInfo
	for _, r := range res {
		ro, _ := r.(map[string]any)
		ri := resourceInfo{}
		ri.name, _ = ro["name"].(string)
		ri.path, _ = ro["path"].(string)
		for _, c := range columns(ro["schema"].(map[string]any)) {
			ri.fields = append(ri.fields, c.name)
			ri.types = append(ri.types, c.typ)
		}
		ri.rows = len(fs.Records(t, ri.path)) - 1
		out = append(out, ri)
	}
	return out
}

// rClass is the class R's read.csv gives a column of a Table Schema type.
func rClass(typ string) string {
	switch typ {
	case "integer":
		return "integer"
	case "number":
		return "numeric"
	}
	return "character"
}

// CheckR reads every table of the unpacked package in dir with R's
// read.csv and checks the row count and each column's class against the
// declared type. A column with no value at all is read as logical (R
// cannot tell its type) and is accepted as any type.
func CheckR(t testing.TB, fs Files, dir string) {
	t.Helper()
	rscript := Tool(t, "Rscript")
	var b strings.Builder
	b.WriteString("options(warn = 2)\ncheck <- function(path, rows, fields, classes) {\n" +
		"  d <- read.csv(path, stringsAsFactors = FALSE, encoding = \"UTF-8\", check.names = FALSE)\n" +
		"  if (nrow(d) != rows) cat(\"ROWS\", path, nrow(d), rows, \"\\n\")\n" +
		"  if (!identical(names(d), fields)) cat(\"NAMES\", path, \"\\n\")\n" +
		"  for (i in seq_along(fields)) {\n" +
		"    got <- class(d[[i]])[1]\n" +
		"    if (got != classes[i] && !(got == \"logical\" && all(is.na(d[[i]]) | d[[i]] == \"\"))) cat(\"CLASS\", path, fields[i], got, classes[i], \"\\n\")\n" +
		"  }\n  cat(\"READ\", path, \"\\n\")\n}\n")
	for _, r := range resources(t, fs) {
		classes := make([]string, len(r.types))
		for i, typ := range r.types {
			classes[i] = strconv.Quote(rClass(typ))
		}
		fmt.Fprintf(&b, "check(%s, %d, c(%s), c(%s))\n", strconv.Quote(r.path), r.rows, quoteAll(r.fields), strings.Join(classes, ", "))
	}
	script := filepath.Join(dir, "check.R")
	if err := os.WriteFile(script, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, dir, rscript, "--vanilla", script)
	if err != nil {
		t.Fatalf("Rscript: %v\n%s", err, out)
	}
	checkReport(t, "R", out, resources(t, fs))
}

// CheckPython reads every table with Python's csv module and converts each
// value by its declared type (int, float, datetime.fromisoformat).
func CheckPython(t testing.TB, fs Files, dir string) {
	t.Helper()
	python := Tool(t, "python3")
	var b strings.Builder
	b.WriteString("import csv, datetime, sys\n" +
		"def check(path, rows, fields, types):\n" +
		"    with open(path, newline='', encoding='utf-8') as f:\n" +
		"        r = csv.reader(f, strict=True)\n" +
		"        header = next(r)\n" +
		"        if header != fields: print('NAMES', path)\n" +
		"        n = 0\n" +
		"        for rec in r:\n" +
		"            n += 1\n" +
		"            if len(rec) != len(fields): print('WIDTH', path, n); continue\n" +
		"            for v, name, typ in zip(rec, fields, types):\n" +
		"                if v == '': continue\n" +
		"                try:\n" +
		"                    if typ == 'integer': int(v)\n" +
		"                    elif typ == 'number': float(v)\n" +
		"                    elif typ == 'datetime': datetime.datetime.fromisoformat(v)\n" +
		"                except ValueError as e: print('VALUE', path, name, repr(v))\n" +
		"        if n != rows: print('ROWS', path, n, rows)\n" +
		"    print('READ', path)\n")
	for _, r := range resources(t, fs) {
		fmt.Fprintf(&b, "check(%s, %d, [%s], [%s])\n", strconv.Quote(r.path), r.rows, quoteAll(r.fields), quoteAll(r.types))
	}
	script := filepath.Join(dir, "check.py")
	if err := os.WriteFile(script, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, dir, python, script)
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	checkReport(t, "Python", out, resources(t, fs))
}

// checkReport fails on any line that is not READ and requires one READ
// per table.
func checkReport(t testing.TB, tool, out string, rs []resourceInfo) {
	t.Helper()
	read := 0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, "READ ") {
			read++
			continue
		}
		if strings.TrimSpace(line) != "" {
			t.Errorf("%s: %s", tool, line)
		}
	}
	if read != len(rs) {
		t.Errorf("%s read %d of %d tables:\n%s", tool, read, len(rs), out)
	}
}

// CheckPSPP runs allvoice.sps with GNU PSPP in dir, fails on any error or
// warning, and checks that each saved .sav file has as many cases as its
// CSV has rows (read back with pspp-convert).
func CheckPSPP(t testing.TB, fs Files, dir string) {
	t.Helper()
	pspp := Tool(t, "pspp")
	out, err := run(t, dir, pspp, "allvoice.sps", "-o", "pspp-output.txt")
	listing, _ := os.ReadFile(filepath.Join(dir, "pspp-output.txt"))
	if err != nil {
		t.Fatalf("pspp: %v\n%s\n%s", err, out, listing)
	}
	for _, text := range []string{out, string(listing)} {
		low := strings.ToLower(text)
		if strings.Contains(low, "error") || strings.Contains(low, "warning") {
			t.Fatalf("pspp reported problems:\n%s", text)
		}
	}
	convert := Tool(t, "pspp-convert")
	for _, r := range resources(t, fs) {
		if !strings.HasPrefix(r.path, "data/") {
			continue
		}
		sav := strings.TrimSuffix(filepath.Base(r.path), ".csv") + ".sav"
		if _, err := os.Stat(filepath.Join(dir, sav)); err != nil {
			t.Errorf("pspp did not save %s: %v", sav, err)
			continue
		}
		back := sav + ".csv"
		if out, err := run(t, dir, convert, sav, back); err != nil {
			t.Errorf("pspp-convert %s: %v\n%s", sav, err, out)
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, back))
		if err != nil {
			t.Fatal(err)
		}
		cases := bytes.Count(raw, []byte("\n")) - 1
		if cases != r.rows {
			t.Errorf("%s: PSPP read %d cases, the CSV has %d rows", sav, cases, r.rows)
		}
	}
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}
