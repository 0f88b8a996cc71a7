package frontend

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed i18n/*.json
var catalogueFS embed.FS

// DefaultLanguage is the language every page falls back to. English ships;
// other catalogues (cy for Welsh, gd for Scottish Gaelic) are added as
// i18n/<code>.json with the same keys.
const DefaultLanguage = "en"

// Catalogue holds the UI messages of one language, keyed by message id.
// Messages may hold named placeholders such as {name}, filled by T.
type Catalogue struct {
	Lang     string
	messages map[string]string
}

// Catalogues maps a language code to its catalogue.
type Catalogues map[string]*Catalogue

// LoadCatalogues reads every i18n/*.json catalogue embedded in the binary.
// A catalogue other than English must have exactly English's keys, so a
// missing translation is caught when the server starts, not by a reader.
func LoadCatalogues() (Catalogues, error) {
	files, err := fs.Glob(catalogueFS, "i18n/*.json")
	if err != nil {
		return nil, err
	}
	out := Catalogues{}
	for _, name := range files {
		b, err := catalogueFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var msgs map[string]string
		if err := json.Unmarshal(b, &msgs); err != nil {
			return nil, fmt.Errorf("frontend: catalogue %s: %w", name, err)
		}
		lang := strings.TrimSuffix(path.Base(name), ".json")
		out[lang] = &Catalogue{Lang: lang, messages: msgs}
	}
	en := out[DefaultLanguage]
	if en == nil {
		return nil, fmt.Errorf("frontend: the %s catalogue is missing", DefaultLanguage)
	}
	for lang, c := range out {
		if lang == DefaultLanguage {
			continue
		}
		if missing := en.missingFrom(c); len(missing) > 0 {
			return nil, fmt.Errorf("frontend: catalogue %s lacks %d keys, first %q", lang, len(missing), missing[0])
		}
	}
	return out, nil
}

// missingFrom lists the keys of c0 that c lacks, sorted.
func (c0 *Catalogue) missingFrom(c *Catalogue) []string {
	var missing []string
	for k := range c0.messages {
		if _, ok := c.messages[k]; !ok {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	return missing
}

// Has reports whether key is in the catalogue.
func (c *Catalogue) Has(key string) bool {
	_, ok := c.messages[key]
	return ok
}

// Keys lists every key of the catalogue, sorted.
func (c *Catalogue) Keys() []string {
	keys := make([]string, 0, len(c.messages))
	for k := range c.messages {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// T returns the message for key with placeholders filled from pairs of
// name and value ("name", "Ann" fills {name}). A missing key is returned
// in brackets, so it shows up in review and in tests rather than as a
// blank.
func (c *Catalogue) T(key string, args ...any) string {
	msg, ok := c.messages[key]
	if !ok {
		return "[" + key + "]"
	}
	if len(args) == 0 || !strings.Contains(msg, "{") {
		return msg
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	return strings.NewReplacer(pairs...).Replace(msg)
}

// N returns the message for a count: key+".one" when n is 1, else
// key+".other", with {n} filled and any further pairs as in T.
func (c *Catalogue) N(key string, n int, args ...any) string {
	form := ".other"
	if n == 1 {
		form = ".one"
	}
	return c.T(key+form, append([]any{"n", n}, args...)...)
}

// Maybe returns the message for key if the catalogue has it, else "".
// Templates use it for optional per-value labels.
func (c *Catalogue) Maybe(key string, args ...any) string {
	if !c.Has(key) {
		return ""
	}
	return c.T(key, args...)
}
