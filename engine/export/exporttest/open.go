package exporttest

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// Files is an unpacked package: path → contents.
type Files map[string][]byte

// Open unpacks a zip held in memory.
func Open(t testing.TB, data []byte) Files {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("the export is not a zip: %v", err)
	}
	out := Files{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if _, dup := out[f.Name]; dup {
			t.Fatalf("%s appears twice in the zip", f.Name)
		}
		out[f.Name] = b
	}
	return out
}

// Paths lists the files, sorted.
func (fs Files) Paths() []string {
	var out []string
	for p := range fs {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Descriptor decodes datapackage.json.
func (fs Files) Descriptor(t testing.TB) map[string]any {
	t.Helper()
	raw, ok := fs["datapackage.json"]
	if !ok {
		t.Fatal("no datapackage.json in the package")
	}
	var d map[string]any
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("datapackage.json: %v", err)
	}
	return d
}

// Records reads a CSV file of the package with encoding/csv, header first.
func (fs Files) Records(t testing.TB, path string) [][]string {
	t.Helper()
	raw, ok := fs[path]
	if !ok {
		t.Fatalf("no %s in the package", path)
	}
	r := csv.NewReader(bytes.NewReader(raw))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

// Rows reads a CSV file as maps from column name to cell.
func (fs Files) Rows(t testing.TB, path string) []map[string]string {
	t.Helper()
	recs := fs.Records(t, path)
	if len(recs) == 0 {
		t.Fatalf("%s has no header", path)
	}
	out := make([]map[string]string, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		m := make(map[string]string, len(rec))
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

// WriteDir writes the files under dir, for the external readers.
func (fs Files) WriteDir(t testing.TB, dir string) {
	t.Helper()
	for p, b := range fs {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// errorf formats a validation failure.
func errorf(format string, a ...any) error { return fmt.Errorf(format, a...) }
