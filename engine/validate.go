package engine

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text limits, in characters.
const (
	MaxNameLen      = 80
	MaxTitleLen     = 200
	MaxProposalLen  = 1000
	MaxReasonLen    = 2000
	MaxLongTextLen  = 10000
	MinPasswordLen  = 12
	MaxPasswordLen  = 256
	MaxBulkRatings  = 500
	MaxPerspectives = 20
	MaxKeyLen       = 100 // idempotency and join keys
)

// validator collects every field failure of one input, so a person sees
// all of them at once rather than one per attempt. It is the engine's one
// validation path; the API and pages only translate its FieldErrors.
type validator struct {
	fields []FieldError
}

func (v *validator) fail(field, format string, args ...any) {
	v.fields = append(v.fields, FieldError{Field: field, Rule: fmt.Sprintf(format, args...)})
}

// text cleans s (trims surrounding space) and checks it: valid UTF-8, no
// control characters other than line breaks and tabs, required if asked,
// at most max characters.
func (v *validator) text(field string, s *string, required bool, max int) {
	*s = strings.TrimSpace(*s)
	switch {
	case !utf8.ValidString(*s):
		v.fail(field, "must be valid UTF-8 text")
	case strings.ContainsFunc(*s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }):
		v.fail(field, "must not contain control characters")
	case required && *s == "":
		v.fail(field, "is required")
	case utf8.RuneCountInString(*s) > max:
		v.fail(field, "must be at most %d characters", max)
	}
}

func (v *validator) oneOf(field, value string, allowed ...string) {
	if !slices.Contains(allowed, value) {
		v.fail(field, "must be one of: %s", strings.Join(allowed, ", "))
	}
}

func (v *validator) id(field, value string) {
	if !validID(value) {
		v.fail(field, "must be an id")
	}
}

func (v *validator) email(field string, s *string) {
	*s = strings.ToLower(strings.TrimSpace(*s))
	if len(*s) > 254 {
		v.fail(field, "must be at most 254 characters")
		return
	}
	a, err := mail.ParseAddress(*s)
	if err != nil || a.Address != *s || !strings.Contains(*s, "@") {
		v.fail(field, "must be an email address like name@example.org")
	}
}

func (v *validator) intRange(field string, value, min, max int) {
	if value < min || value > max {
		v.fail(field, "must be between %d and %d", min, max)
	}
}

// err returns the collected failures as one EINVALID error, or nil.
func (v *validator) err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "Some of the information given is not valid.", Fields: v.fields}
}

// invalid returns an EINVALID error for a single field.
func invalid(field, format string, args ...any) error {
	var v validator
	v.fail(field, format, args...)
	return v.err()
}
