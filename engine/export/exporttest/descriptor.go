package exporttest

import (
	"regexp"
	"strings"
	"time"
)

// Data Package v2 profile URLs a descriptor of ours declares.
const (
	profilePackage  = "https://datapackage.org/profiles/2.0/datapackage.json"
	profileResource = "https://datapackage.org/profiles/2.0/dataresource.json"
	profileSchema   = "https://datapackage.org/profiles/2.0/tableschema.json"
	profileDialect  = "https://datapackage.org/profiles/2.0/tabledialect.json"
)

// fieldTypes are the Table Schema v2 field types.
var fieldTypes = map[string]bool{"string": true, "number": true, "integer": true, "boolean": true, "object": true,
	"array": true, "list": true, "datetime": true, "date": true, "time": true, "year": true, "yearmonth": true,
	"duration": true, "geopoint": true, "geojson": true, "any": true}

// stringFormats are the formats a v2 string field may declare.
var stringFormats = map[string]bool{"default": true, "email": true, "uri": true, "binary": true, "uuid": true}

// packageName is the name rule this project holds itself to (the v2
// standard recommends lower-case, URL-usable names).
var packageName = regexp.MustCompile(`^[a-z0-9._-]+$`)

// ValidateDescriptor checks a decoded datapackage.json against the rules
// of Data Package v2 and returns every breach.
func ValidateDescriptor(d map[string]any) []error {
	var v checker
	v.str(d, "$schema", "package", true)
	if s, _ := d["$schema"].(string); s != profilePackage {
		v.fail("package: $schema is %q, want the v2 profile %q (Data Package v2 replaces profile by $schema)", s, profilePackage)
	}
	if _, ok := d["profile"]; ok {
		v.fail("package: v1 property profile present (v2 uses $schema)")
	}
	if name, ok := v.str(d, "name", "package", false); ok && !packageName.MatchString(name) {
		v.fail("package: name %q is not lower-case letters, digits, '.', '-', '_'", name)
	}
	for _, k := range []string{"id", "title", "description", "homepage", "version", "image"} {
		v.str(d, k, "package", false)
	}
	if c, ok := v.str(d, "created", "package", false); ok {
		if _, err := time.Parse(time.RFC3339Nano, c); err != nil {
			v.fail("package: created %q is not an RFC 3339 date-time", c)
		}
	}
	v.strings(d, "keywords", "package", true)
	if cs, ok := d["contributors"]; ok {
		arr, ok := cs.([]any)
		if !ok || len(arr) == 0 {
			v.fail("package: contributors must be a non-empty array")
		}
		for _, c := range arr {
			co, ok := c.(map[string]any)
			if !ok || len(co) == 0 {
				v.fail("package: a contributor must be an object with at least one property")
				continue
			}
			for _, k := range []string{"title", "path", "email", "givenName", "familyName", "organization"} {
				v.str(co, k, "contributor", false)
			}
			if _, ok := co["role"]; ok {
				v.fail("contributor: v1 property role present (v2 uses roles)")
			}
			v.strings(co, "roles", "contributor", true)
		}
	}
	res, ok := d["resources"].([]any)
	if !ok || len(res) == 0 {
		v.fail("package: resources must be a non-empty array (required)")
		return v.errs
	}
	names := map[string]map[string]any{}
	for i, r := range res {
		ro, ok := r.(map[string]any)
		if !ok {
			v.fail("resources[%d] is not an object", i)
			continue
		}
		name, _ := v.str(ro, "name", "resource", true)
		if _, dup := names[name]; dup {
			v.fail("resource %q: names must be unique within a package", name)
		}
		names[name] = ro
	}
	for _, r := range res {
		if ro, ok := r.(map[string]any); ok {
			v.resource(ro, names)
		}
	}
	return v.errs
}

// checker collects rule breaches.
type checker struct{ errs []error }

func (v *checker) fail(format string, a ...any) { v.errs = append(v.errs, errorf(format, a...)) }

// str checks that key, if present (or required), is a string.
func (v *checker) str(o map[string]any, key, where string, required bool) (string, bool) {
	x, ok := o[key]
	if !ok {
		if required {
			v.fail("%s: %s is required", where, key)
		}
		return "", false
	}
	s, ok := x.(string)
	if !ok {
		v.fail("%s: %s must be a string", where, key)
	}
	return s, ok
}

// strings checks that key, if present, is a non-empty array of strings.
func (v *checker) strings(o map[string]any, key, where string, nonEmpty bool) []string {
	x, ok := o[key]
	if !ok {
		return nil
	}
	arr, ok := x.([]any)
	if !ok || (nonEmpty && len(arr) == 0) {
		v.fail("%s: %s must be a non-empty array of strings", where, key)
		return nil
	}
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		s, ok := e.(string)
		if !ok {
			v.fail("%s: %s must hold strings", where, key)
			continue
		}
		out = append(out, s)
	}
	return out
}

// validPath is the v2 path rule: a URL, or a POSIX path that is relative,
// does not start with '.', '/' or '~', has no '..' segment, no backslash
// and no "file:" scheme.
func validPath(p string) bool {
	if strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") || strings.HasPrefix(p, "ftp://") || strings.HasPrefix(p, "ftps://") {
		return true
	}
	if p == "" || strings.ContainsAny(p[:1], "./~") || strings.Contains(p, `\`) || strings.HasPrefix(p, "file:") || strings.Contains(p, "://") {
		return false
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." {
			return false
		}
	}
	return true
}

func (v *checker) resource(r map[string]any, all map[string]map[string]any) {
	name, _ := r["name"].(string)
	where := "resource " + name
	_, hasPath := r["path"]
	_, hasData := r["data"]
	if hasPath == hasData {
		v.fail("%s: exactly one of path and data is required", where)
	}
	if p, ok := v.str(r, "path", where, false); ok && !validPath(p) {
		v.fail("%s: path %q breaks the v2 path rule", where, p)
	}
	if s, _ := v.str(r, "$schema", where, false); s != "" && s != profileResource {
		v.fail("%s: $schema %q is not the v2 data resource profile", where, s)
	}
	if _, ok := r["profile"]; ok {
		v.fail("%s: v1 property profile present (v2 uses $schema and type)", where)
	}
	if t, ok := v.str(r, "type", where, false); ok && t != "table" {
		v.fail("%s: type %q; the only v2 type is table", where, t)
	}
	for _, k := range []string{"title", "description", "format", "mediatype", "encoding", "homepage"} {
		v.str(r, k, where, false)
	}
	if b, ok := r["bytes"]; ok {
		if n, ok := b.(float64); !ok || n < 0 || n != float64(int64(n)) {
			v.fail("%s: bytes must be a non-negative integer", where)
		}
	}
	if d, ok := r["dialect"]; ok {
		v.dialect(d, where)
	}
	if r["type"] == "table" {
		s, ok := r["schema"].(map[string]any)
		if !ok {
			v.fail("%s: a table resource needs a schema object", where)
			return
		}
		v.schema(s, where, name, all)
	}
}

func (v *checker) dialect(d any, where string) {
	do, ok := d.(map[string]any)
	if !ok {
		v.fail("%s: dialect must be an object", where)
		return
	}
	where += " dialect"
	if s, _ := v.str(do, "$schema", where, false); s != "" && s != profileDialect {
		v.fail("%s: $schema %q is not the v2 table dialect profile", where, s)
	}
	for _, k := range []string{"header", "doubleQuote", "skipInitialSpace", "caseSensitiveHeader"} {
		if x, ok := do[k]; ok {
			if _, ok := x.(bool); !ok {
				v.fail("%s: %s must be a boolean", where, k)
			}
		}
	}
	for _, k := range []string{"delimiter", "lineTerminator", "quoteChar", "escapeChar", "nullSequence", "commentChar"} {
		v.str(do, k, where, false)
	}
	if q, ok := do["quoteChar"].(string); ok && len([]rune(q)) != 1 {
		v.fail("%s: quoteChar must be one character", where)
	}
}

func (v *checker) schema(s map[string]any, where, self string, all map[string]map[string]any) {
	where += " schema"
	if p, _ := v.str(s, "$schema", where, false); p != "" && p != profileSchema {
		v.fail("%s: $schema %q is not the v2 table schema profile", where, p)
	}
	fields, ok := s["fields"].([]any)
	if !ok || len(fields) == 0 {
		v.fail("%s: fields must be a non-empty array (required)", where)
		return
	}
	names := map[string]bool{}
	for i, f := range fields {
		fo, ok := f.(map[string]any)
		if !ok {
			v.fail("%s: fields[%d] is not an object", where, i)
			continue
		}
		name, _ := v.str(fo, "name", where+" field", true)
		if names[name] {
			v.fail("%s: field name %q repeats", where, name)
		}
		names[name] = true
		v.field(fo, where+" field "+name)
	}
	v.missingValues(s["missingValues"], where)
	if pk, ok := s["primaryKey"]; ok {
		keys := v.keyList(pk, where+" primaryKey")
		for _, k := range keys {
			if !names[k] {
				v.fail("%s: primaryKey names %q, which is not a field", where, k)
			}
		}
	}
	if fks, ok := s["foreignKeys"]; ok {
		arr, ok := fks.([]any)
		if !ok || len(arr) == 0 {
			v.fail("%s: foreignKeys must be a non-empty array", where)
			return
		}
		for _, fk := range arr {
			v.foreignKey(fk, where, self, names, all)
		}
	}
}

// keyList reads a primary key: a string or a non-empty array of unique
// strings.
func (v *checker) keyList(x any, where string) []string {
	switch k := x.(type) {
	case string:
		return []string{k}
	case []any:
		if len(k) == 0 {
			v.fail("%s: must not be empty", where)
		}
		seen := map[string]bool{}
		var out []string
		for _, e := range k {
			s, ok := e.(string)
			if !ok || seen[s] {
				v.fail("%s: must hold unique strings", where)
				continue
			}
			seen[s] = true
			out = append(out, s)
		}
		return out
	}
	v.fail("%s: must be a string or an array of strings", where)
	return nil
}

func (v *checker) foreignKey(fk any, where, self string, names map[string]bool, all map[string]map[string]any) {
	fo, ok := fk.(map[string]any)
	if !ok {
		v.fail("%s: a foreign key must be an object", where)
		return
	}
	fields := v.keyList(fo["fields"], where+" foreignKey fields")
	ref, ok := fo["reference"].(map[string]any)
	if !ok {
		v.fail("%s: a foreign key needs a reference object", where)
		return
	}
	refFields := v.keyList(ref["fields"], where+" foreignKey reference fields")
	if _, isStr := fo["fields"].(string); isStr != func() bool { _, s := ref["fields"].(string); return s }() {
		v.fail("%s: foreign key fields and reference fields must both be strings or both arrays", where)
	}
	if len(fields) != len(refFields) {
		v.fail("%s: foreign key has %d fields but its reference %d", where, len(fields), len(refFields))
	}
	for _, f := range fields {
		if !names[f] {
			v.fail("%s: foreign key field %q is not a field", where, f)
		}
	}
	target := self
	if r, ok := ref["resource"]; ok {
		s, ok := r.(string)
		if !ok {
			v.fail("%s: reference resource must be a string", where)
			return
		}
		target = s
	}
	tr, ok := all[target]
	if !ok {
		v.fail("%s: foreign key references resource %q, which the package does not have", where, target)
		return
	}
	ts, _ := tr["schema"].(map[string]any)
	tf, _ := ts["fields"].([]any)
	have := map[string]bool{}
	for _, f := range tf {
		if fo, ok := f.(map[string]any); ok {
			n, _ := fo["name"].(string)
			have[n] = true
		}
	}
	for _, f := range refFields {
		if !have[f] {
			v.fail("%s: reference field %q is not a field of %s", where, f, target)
		}
	}
}

func (v *checker) missingValues(x any, where string) {
	if x == nil {
		return
	}
	arr, ok := x.([]any)
	if !ok {
		v.fail("%s: missingValues must be an array", where)
		return
	}
	strs, objs := 0, 0
	for _, e := range arr {
		switch m := e.(type) {
		case string:
			strs++
		case map[string]any:
			objs++
			if _, ok := m["value"].(string); !ok {
				v.fail("%s: a missingValues object needs a string value", where)
			}
			if l, ok := m["label"]; ok {
				if _, ok := l.(string); !ok {
					v.fail("%s: a missingValues label must be a string", where)
				}
			}
		default:
			v.fail("%s: missingValues must hold strings or {value, label} objects", where)
		}
	}
	if strs > 0 && objs > 0 {
		v.fail("%s: missingValues mixes strings and objects", where)
	}
}

func (v *checker) field(f map[string]any, where string) {
	typ := "string" // a field without type is a string field
	if t, ok := f["type"]; ok {
		s, ok := t.(string)
		if !ok || !fieldTypes[s] {
			v.fail("%s: type %v is not a Table Schema v2 type", where, t)
			return
		}
		typ = s
	}
	for _, k := range []string{"title", "description", "example", "rdfType"} {
		v.str(f, k, where, false)
	}
	if fm, ok := v.str(f, "format", where, false); ok {
		switch typ {
		case "string":
			if !stringFormats[fm] {
				v.fail("%s: format %q is not a string format", where, fm)
			}
		case "number", "integer", "boolean", "object", "array", "list", "year", "yearmonth", "duration", "geojson", "any":
			if fm != "default" && !(typ == "geojson" && fm == "topojson") {
				v.fail("%s: a %s field allows only format default", where, typ)
			}
		}
	}
	v.missingValues(f["missingValues"], where)
	if c, ok := f["categories"]; ok {
		if typ != "string" && typ != "integer" {
			v.fail("%s: categories are for string and integer fields, not %s", where, typ)
		}
		arr, ok := c.([]any)
		if !ok || len(arr) == 0 {
			v.fail("%s: categories must be a non-empty array", where)
		}
		for _, e := range arr {
			val := e
			if o, ok := e.(map[string]any); ok {
				val, ok = o["value"]
				if !ok {
					v.fail("%s: a category object needs a value", where)
				}
				if l, ok := o["label"]; ok {
					if _, ok := l.(string); !ok {
						v.fail("%s: a category label must be a string", where)
					}
				}
			}
			switch typ {
			case "string":
				if _, ok := val.(string); !ok {
					v.fail("%s: string categories must have string values", where)
				}
			case "integer":
				if n, ok := val.(float64); !ok || n != float64(int64(n)) {
					v.fail("%s: integer categories must have integer values, got %v", where, val)
				}
			}
		}
	}
	if co, ok := f["categoriesOrdered"]; ok {
		if _, ok := co.(bool); !ok {
			v.fail("%s: categoriesOrdered must be a boolean", where)
		}
	}
	c, ok := f["constraints"]
	if !ok {
		return
	}
	co, ok := c.(map[string]any)
	if !ok {
		v.fail("%s: constraints must be an object", where)
		return
	}
	for k, x := range co {
		switch k {
		case "required", "unique":
			if _, ok := x.(bool); !ok {
				v.fail("%s: constraint %s must be a boolean", where, k)
			}
		case "minLength", "maxLength":
			if n, ok := x.(float64); !ok || n != float64(int64(n)) || !(typ == "string" || typ == "array" || typ == "list" || typ == "object") {
				v.fail("%s: constraint %s must be an integer on a string, array, list or object field", where, k)
			}
		case "pattern":
			if _, ok := x.(string); !ok || typ != "string" {
				v.fail("%s: pattern is a string constraint of string fields", where)
			}
		case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
			switch typ {
			case "integer":
				if n, ok := x.(float64); ok && n != float64(int64(n)) {
					v.fail("%s: %s of an integer field must be an integer", where, k)
				} else if !ok {
					if _, ok := x.(string); !ok {
						v.fail("%s: %s must be an integer or a string", where, k)
					}
				}
			case "number":
				switch x.(type) {
				case float64, string:
				default:
					v.fail("%s: %s must be a number or a string", where, k)
				}
			case "date", "time", "datetime", "year", "yearmonth", "duration":
				if _, ok := x.(string); !ok && typ != "year" {
					v.fail("%s: %s must be a string", where, k)
				}
			default:
				v.fail("%s: %s does not apply to a %s field", where, k, typ)
			}
		case "enum":
			if arr, ok := x.([]any); !ok || len(arr) == 0 {
				v.fail("%s: enum must be a non-empty array", where)
			}
		case "jsonSchema":
		default:
			v.fail("%s: unknown constraint %q", where, k)
		}
	}
}
