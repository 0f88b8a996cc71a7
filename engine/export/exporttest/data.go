package exporttest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// lexical forms of the v2 types as this package writes them.
var (
	integerForm = regexp.MustCompile(`^[+-]?[0-9]+$`)
	// number: XML Schema decimal; Allvoice always writes a decimal point.
	numberForm = regexp.MustCompile(`^[+-]?[0-9]+\.[0-9]+$`)
)

// column is one field of a table schema, decoded for checking.
type column struct {
	name       string
	typ        string
	required   bool
	unique     bool
	categories map[string]bool
	min, max   *float64
}

// ValidateData checks every table resource of the descriptor against its
// CSV: the file exists, is UTF-8, the header is the field names in order,
// each cell has its field's type (empty = missing), required cells are
// present, values lie among the categories and within the bounds, unique
// and primary keys hold, and foreign keys find their rows.
func ValidateData(fs Files, d map[string]any) []error {
	var errs []error
	fail := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	res, _ := d["resources"].([]any)
	type loaded struct {
		cols []column
		rows [][]string
	}
	tables := map[string]*loaded{}
	schemas := map[string]map[string]any{}
	for _, r := range res {
		ro, _ := r.(map[string]any)
		name, _ := ro["name"].(string)
		path, _ := ro["path"].(string)
		s, _ := ro["schema"].(map[string]any)
		schemas[name] = s
		raw, ok := fs[path]
		if !ok {
			fail("%s: file %s is missing", name, path)
			continue
		}
		if !utf8.Valid(raw) || bytes.HasPrefix(raw, []byte("\xef\xbb\xbf")) {
			fail("%s: not UTF-8 without a byte-order mark", path)
		}
		if b, ok := ro["bytes"].(float64); ok && int(b) != len(raw) {
			fail("%s: descriptor says %v bytes, file has %d", path, b, len(raw))
		}
		recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
		if err != nil {
			fail("%s: %v", path, err)
			continue
		}
		cols := columns(s)
		if len(recs) == 0 {
			fail("%s: no header", path)
			continue
		}
		var header []string
		for _, c := range cols {
			header = append(header, c.name)
		}
		if strings.Join(recs[0], ",") != strings.Join(header, ",") {
			fail("%s: header %v, schema fields %v", path, recs[0], header)
			continue
		}
		tables[name] = &loaded{cols: cols, rows: recs[1:]}
		for i, rec := range recs[1:] {
			line := i + 2
			for j, c := range cols {
				if err := checkCell(c, rec[j]); err != nil {
					fail("%s:%d: %s: %v", path, line, c.name, err)
				}
			}
		}
		for j, c := range cols {
			if !c.unique {
				continue
			}
			seen := map[string]int{}
			for i, rec := range recs[1:] {
				if rec[j] == "" {
					continue
				}
				if first, dup := seen[rec[j]]; dup {
					fail("%s:%d: %s %q is not unique (line %d)", path, i+2, c.name, rec[j], first)
				}
				seen[rec[j]] = i + 2
			}
		}
		if pk, ok := s["primaryKey"]; ok {
			idx := indexes(cols, keyNames(pk))
			seen := map[string]bool{}
			for i, rec := range recs[1:] {
				k := tuple(rec, idx)
				if strings.Contains("\x00"+k+"\x00", "\x00\x00") {
					fail("%s:%d: primary key has a missing part", path, i+2)
				}
				if seen[k] {
					fail("%s:%d: primary key %q repeats", path, i+2, k)
				}
				seen[k] = true
			}
		}
	}
	for name, s := range schemas {
		t := tables[name]
		if t == nil {
			continue
		}
		fks, _ := s["foreignKeys"].([]any)
		for _, fk := range fks {
			fo, _ := fk.(map[string]any)
			ref, _ := fo["reference"].(map[string]any)
			target := name
			if r, ok := ref["resource"].(string); ok {
				target = r
			}
			tt := tables[target]
			if tt == nil {
				fail("%s: foreign key to %s, which could not be read", name, target)
				continue
			}
			have := map[string]bool{}
			ridx := indexes(tt.cols, keyNames(ref["fields"]))
			for _, rec := range tt.rows {
				have[tuple(rec, ridx)] = true
			}
			idx := indexes(t.cols, keyNames(fo["fields"]))
			for i, rec := range t.rows {
				k := tuple(rec, idx)
				if strings.Contains("\x00"+k+"\x00", "\x00\x00") {
					continue // a missing part: no reference
				}
				if !have[k] {
					fail("%s:%d: %v = %q has no row in %s", name, i+2, keyNames(fo["fields"]), k, target)
				}
			}
		}
	}
	return errs
}

// checkCell checks one value against its column; empty is missing.
func checkCell(c column, v string) error {
	if v == "" {
		if c.required {
			return fmt.Errorf("required but empty")
		}
		return nil
	}
	var num float64
	switch c.typ {
	case "integer":
		if !integerForm.MatchString(v) {
			return fmt.Errorf("%q is not an integer", v)
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return err
		}
		num = float64(n)
	case "number":
		if !numberForm.MatchString(v) {
			return fmt.Errorf("%q is not a number with a decimal point", v)
		}
		num, _ = strconv.ParseFloat(v, 64)
	case "datetime":
		if _, err := time.Parse(time.RFC3339Nano, v); err != nil || !strings.HasSuffix(v, "Z") {
			return fmt.Errorf("%q is not an ISO 8601 UTC datetime", v)
		}
	case "date":
		if _, err := time.Parse("2006-01-02", v); err != nil {
			return fmt.Errorf("%q is not a date", v)
		}
	case "string":
		if strings.ContainsAny(v, "\r\n") {
			return fmt.Errorf("text holds a raw line break")
		}
	}
	if c.categories != nil && !c.categories[v] {
		return fmt.Errorf("%q is not one of its categories", v)
	}
	if c.min != nil && num < *c.min {
		return fmt.Errorf("%v is below the minimum %v", num, *c.min)
	}
	if c.max != nil && num > *c.max {
		return fmt.Errorf("%v is above the maximum %v", num, *c.max)
	}
	return nil
}

func columns(s map[string]any) []column {
	fields, _ := s["fields"].([]any)
	out := make([]column, 0, len(fields))
	for _, f := range fields {
		fo, _ := f.(map[string]any)
		c := column{typ: "string"}
		c.name, _ = fo["name"].(string)
		if t, ok := fo["type"].(string); ok {
			c.typ = t
		}
		if co, ok := fo["constraints"].(map[string]any); ok {
			c.required, _ = co["required"].(bool)
			c.unique, _ = co["unique"].(bool)
			if m, ok := co["minimum"].(float64); ok {
				c.min = &m
			}
			if m, ok := co["maximum"].(float64); ok {
				c.max = &m
			}
		}
		if cats, ok := fo["categories"].([]any); ok {
			c.categories = map[string]bool{}
			for _, e := range cats {
				val := e
				if o, ok := e.(map[string]any); ok {
					val = o["value"]
				}
				switch x := val.(type) {
				case string:
					c.categories[x] = true
				case float64:
					c.categories[strconv.FormatInt(int64(x), 10)] = true
				}
			}
		}
		out = append(out, c)
	}
	return out
}

func keyNames(x any) []string {
	switch k := x.(type) {
	case string:
		return []string{k}
	case []any:
		var out []string
		for _, e := range k {
			s, _ := e.(string)
			out = append(out, s)
		}
		return out
	}
	return nil
}

func indexes(cols []column, names []string) []int {
	out := make([]int, 0, len(names))
	for _, n := range names {
		for i, c := range cols {
			if c.name == n {
				out = append(out, i)
			}
		}
	}
	return out
}

func tuple(rec []string, idx []int) string {
	parts := make([]string, len(idx))
	for i, j := range idx {
		parts[i] = rec[j]
	}
	return strings.Join(parts, "\x00")
}
