package polis

import (
	"errors"
	"fmt"
)

// Sentinel errors wrapped by ParseError, for errors.Is.
var (
	// ErrHeader reports a missing, duplicated or unreadable header column.
	ErrHeader = errors.New("bad header")
	// ErrSyntax reports a CSV syntax error (quotes, field count).
	ErrSyntax = errors.New("bad CSV syntax")
	// ErrInteger reports a field that must be an integer in range but is not.
	ErrInteger = errors.New("not an integer in range")
	// ErrVote reports a vote that is not one of −1, 0, 1.
	ErrVote = errors.New("vote not in {-1, 0, 1}")
	// ErrModerated reports a moderated value that is not one of −1, 0, 1.
	ErrModerated = errors.New("moderated not in {-1, 0, 1}")
	// ErrText reports a comment body that is not valid UTF-8.
	ErrText = errors.New("text is not valid UTF-8")
	// ErrTooLarge reports input beyond one of the Options limits.
	ErrTooLarge = errors.New("input too large")
	// ErrDuplicate reports a comment ID or participant that occurs twice.
	ErrDuplicate = errors.New("duplicate id")
	// ErrUnknownComment reports a vote on a comment absent from comments.csv.
	ErrUnknownComment = errors.New("vote on a comment not in comments.csv")
)

// ParseError describes malformed input: which file, which line (1-based, the
// line on which the record starts; 0 if the error concerns the whole file) and
// which column (0-based index and header name; Column is −1 if the error
// concerns a whole record).
type ParseError struct {
	File       string
	Line       int
	Column     int
	ColumnName string
	Err        error
}

// Error formats the error as "file:line: column N (name): message".
func (e *ParseError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Column >= 0 {
		if e.ColumnName != "" {
			return fmt.Sprintf("%s: column %d (%s): %v", loc, e.Column+1, e.ColumnName, e.Err)
		}
		return fmt.Sprintf("%s: column %d: %v", loc, e.Column+1, e.Err)
	}
	return fmt.Sprintf("%s: %v", loc, e.Err)
}

// Unwrap returns the underlying error, usually one of the sentinel errors above.
func (e *ParseError) Unwrap() error { return e.Err }
