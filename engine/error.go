package engine

import (
	"errors"
	"fmt"
)

// Error codes. Every error the engine returns carries one of these, so the
// JSON API and the web pages map failures to responses in one way.
const (
	EINVALID      = "invalid"      // input breaks a rule; FieldErrors say which
	ENOTFOUND     = "not_found"    // the thing does not exist or is not visible to the actor
	ECONFLICT     = "conflict"     // the state does not allow it (closed round, duplicate, reused key)
	EFORBIDDEN    = "forbidden"    // the actor is known but may not do this
	EUNAUTHORIZED = "unauthorized" // no or bad credentials
	EUNAVAILABLE  = "unavailable"  // the store cannot be reached right now; retry later
	EINTERNAL     = "internal"     // a bug or an unexpected failure; details are logged, never shown
)

// FieldError names one input field and the rule it breaks, in words a
// person can act on ("must be between 1 and 5").
type FieldError struct {
	Field string `json:"field"`
	Rule  string `json:"rule"`
}

// Error is the engine's error type. Message is safe to show to the person
// who made the request; Err is the underlying cause and is only logged.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	Err     error
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err: the code of the first *Error in its
// chain, "" for nil and EINTERNAL for any other error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of err that is safe to show, hiding the
// details of internal errors.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "An internal error occurred."
}

// ErrorFields returns the field-level failures carried by err, if any.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
