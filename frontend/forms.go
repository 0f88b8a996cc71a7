package frontend

import (
	"crypto/rand"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/allvoice/allvoice/engine"
)

// fieldError is one entry of a page's error summary. Anchor is the id of
// the input the summary links to ("" for an error about the whole form).
type fieldError struct {
	Field   string
	Anchor  string
	Message string
}

// formErrors are a form's errors in the order they are shown.
type formErrors []fieldError

// For returns the message for a field, or "".
func (fe formErrors) For(field string) string {
	for _, e := range fe {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// formValues are the values a person submitted, kept so that a form shown
// again with errors still holds what they typed.
type formValues map[string][]string

// Get returns the first value of a field.
func (fv formValues) Get(name string) string {
	if v := fv[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Has reports whether a checkbox or radio with this value was chosen.
func (fv formValues) Has(name, value string) bool { return slices.Contains(fv[name], value) }

// Set replaces a field's value.
func (fv formValues) Set(name, value string) { fv[name] = []string{value} }

// readForm collects the submitted form fields, copying them out of
// fasthttp's reused buffers. The CSRF token is left out.
func readForm(c *fiber.Ctx) formValues {
	fv := formValues{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		key := string(k)
		if key == "_csrf" {
			return
		}
		fv[key] = append(fv[key], string(v))
	})
	if mf, err := c.MultipartForm(); err == nil && mf != nil {
		for k, vs := range mf.Value {
			if k != "_csrf" {
				fv[k] = append(fv[k], vs...)
			}
		}
	}
	return fv
}

// fieldAlias maps an engine field name to the form field that shows it.
type fieldAlias func(engineField string) string

// stripPrefix returns an alias that drops a prefix such as "settings.".
func stripPrefix(prefix string) fieldAlias {
	return func(f string) string { return strings.TrimPrefix(f, prefix) }
}

// errorsFrom turns an engine error into a form's error list: one entry per
// field the engine named, each "label rule" ("Your name is required"),
// or the engine's message alone when it named no field. Fields the form
// does not show (known lists them; nil means all) are reported without a
// link.
func (f *Frontend) errorsFrom(c *fiber.Ctx, err error, alias fieldAlias, known ...string) formErrors {
	cat := f.catalogue(c)
	var out formErrors
	for _, fe := range engine.ErrorFields(err) {
		field := fe.Field
		if alias != nil {
			field = alias(field)
		}
		anchor := field
		if len(known) > 0 && !slices.Contains(known, field) {
			anchor = ""
		}
		label := cat.Maybe("field." + field)
		if label == "" {
			label = field
		}
		if slices.ContainsFunc(out, func(e fieldError) bool { return e.Field == field }) {
			continue // one message per field, the first the engine gave
		}
		out = append(out, fieldError{Field: field, Anchor: anchor, Message: cat.T("error.field", "label", label, "rule", fe.Rule)})
	}
	if len(out) == 0 {
		out = formErrors{{Message: engine.ErrorMessage(err)}}
	}
	return out
}

// isFormError reports whether err is one a form shows next to its fields
// (bad input, or a state conflict the person can act on) rather than an
// error page.
func isFormError(err error) bool {
	switch engine.ErrorCode(err) {
	case engine.EINVALID:
		return true
	case engine.ECONFLICT, engine.EUNAUTHORIZED:
		return len(engine.ErrorFields(err)) > 0
	}
	return false
}

// localError is an error found while reading a form, before the engine is
// asked (a number field holding letters): the engine only sees typed values.
func (f *Frontend) localError(c *fiber.Ctx, field, key string) fieldError {
	cat := f.catalogue(c)
	return fieldError{Field: field, Anchor: field, Message: cat.T(key, "label", cat.Maybe("field."+field))}
}

// optionalInt reads a whole number field; blank gives nil.
func optionalInt(fv formValues, name string) (*int, bool) {
	s := strings.TrimSpace(fv.Get(name))
	if s == "" {
		return nil, true
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil, false
	}
	return &n, true
}

// optionalFloat reads a decimal number field; blank gives nil.
func optionalFloat(fv formValues, name string) (*float64, bool) {
	s := strings.TrimSpace(fv.Get(name))
	if s == "" {
		return nil, true
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, false
	}
	return &x, true
}

// newFormKey returns a random key for one rendering of a rating form. It
// becomes the engine's idempotency key, so a double-clicked submit or a
// retried request stores one rating.
func newFormKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "web_" + base64.RawURLEncoding.EncodeToString(b[:])
}
