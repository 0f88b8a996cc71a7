package api

import (
	"strings"

	"github.com/danielgtaylor/huma/v2/validation"
)

// requiredSuffix ends huma's "property is missing" message, so the mapper
// can name the missing field itself rather than its parent object.
const requiredSuffix = " is required"

func init() {
	// huma's validation messages are package variables. Worded like the
	// engine's FieldError rules, a client sees one voice whichever layer
	// caught the mistake. They must be set before any schema is built,
	// because huma precomputes messages into its schemas.
	validation.MsgUnexpectedProperty = "is not a known field"
	validation.MsgExpectedRFC3339DateTime = "must be a date and time like 2026-05-01T18:00:00Z"
	validation.MsgExpectedRFC3339Date = "must be a date like 2026-05-01"
	validation.MsgExpectedRFC4122UUID = "must be an id: %v"
	validation.MsgExpectedBoolean = "must be true or false"
	validation.MsgExpectedNumber = "must be a number"
	validation.MsgExpectedInteger = "must be a whole number"
	validation.MsgExpectedString = "must be text"
	validation.MsgExpectedArray = "must be a list"
	validation.MsgExpectedObject = "must be an object"
	validation.MsgExpectedArrayItemsUnique = "must not repeat an item"
	validation.MsgExpectedOneOf = "must be one of: %s"
	validation.MsgExpectedMinimumNumber = "must be at least %v"
	validation.MsgExpectedExclusiveMinimumNumber = "must be more than %v"
	validation.MsgExpectedMaximumNumber = "must be at most %v"
	validation.MsgExpectedExclusiveMaximumNumber = "must be less than %v"
	validation.MsgExpectedMinLength = "must be at least %d characters"
	validation.MsgExpectedMaxLength = "must be at most %d characters"
	validation.MsgExpectedBePattern = "must be %s"
	validation.MsgExpectedMatchPattern = "must match the pattern %s"
	validation.MsgExpectedMinItems = "must hold at least %d items"
	validation.MsgExpectedMaxItems = "must hold at most %d items"
	validation.MsgExpectedRequiredProperty = "%s" + requiredSuffix
}

// requiredField rewrites huma's "X is required" at location L into the
// field L.X with the rule "is required".
func requiredField(location, message string) (ProblemField, bool) {
	name, ok := strings.CutSuffix(message, requiredSuffix)
	if !ok || name == "" || strings.ContainsAny(name, " \t") {
		return ProblemField{}, false
	}
	loc := location + "." + name
	if location == "" {
		loc = name
	}
	return ProblemField{Field: fieldOf(loc), Rule: "is required", Location: loc}, true
}
