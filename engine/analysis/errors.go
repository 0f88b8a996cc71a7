package analysis

// FieldError names the input field that breaks a rule and the rule it
// breaks, in words a person can act on. Field is a JSON path relative to the
// value validated ("min_percent_agree", "rounds[2].ratings.value[17]"); the
// engine prefixes it and turns it into a 422 problem detail.
type FieldError struct {
	Field string
	Rule  string
}

// Error implements error.
func (e *FieldError) Error() string { return e.Field + ": " + e.Rule }

func fieldErr(field, rule string) error { return &FieldError{Field: field, Rule: rule} }

// prefixErr prepends prefix to the field of a *FieldError.
func prefixErr(prefix string, err error) error {
	if fe, ok := err.(*FieldError); ok {
		return &FieldError{Field: prefix + fe.Field, Rule: fe.Rule}
	}
	return err
}

// Undefined is returned by the statistical functions when the statistic has
// no value for the given input; its text is the reason shown to people
// (e.g. "no ratings", "every rating is the same").
type Undefined string

// Error implements error.
func (u Undefined) Error() string { return string(u) }

// Reasons shared by several statistics.
const (
	reasonNoRatings     = Undefined("no ratings")
	reasonOneRating     = Undefined("only one rating")
	reasonConstant      = Undefined("every rating is the same")
	reasonTooFewRaters  = Undefined("fewer than two raters")
	reasonTooFewObjects = Undefined("fewer than two proposals")
)
