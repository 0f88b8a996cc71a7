package polis

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// table reads one CSV file record by record, tracking line numbers and the
// header so that every error can name its file, line and column.
type table struct {
	file   string
	opt    Options
	r      *csv.Reader
	header []string
	rows   int
	rec    []string
}

// openTable reads the header of file. Extra columns are allowed (newer exports
// add importance, is-meta, ...); each required column must appear exactly once.
func openTable(file string, r io.Reader, opt Options, required []string) (*table, map[string]int, error) {
	opt = opt.withDefaults()
	cr := csv.NewReader(&limitedReader{r: r, max: opt.MaxBytes})
	cr.ReuseRecord = true
	t := &table{file: file, opt: opt, r: cr}
	rec, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, &ParseError{File: file, Line: 1, Column: -1, Err: fmt.Errorf("%w: empty file, want header %s", ErrHeader, strings.Join(required, ","))}
		}
		return nil, nil, t.csvError(err)
	}
	t.header = make([]string, len(rec))
	copy(t.header, rec)
	t.header[0] = strings.TrimPrefix(t.header[0], "\ufeff")
	cols := make(map[string]int, len(t.header))
	for i, h := range t.header {
		h = strings.TrimSpace(h)
		t.header[i] = h
		if _, dup := cols[h]; dup && h != "" {
			return nil, nil, &ParseError{File: file, Line: 1, Column: i, ColumnName: h, Err: fmt.Errorf("%w: column %q appears twice", ErrHeader, h)}
		}
		cols[h] = i
	}
	for _, name := range required {
		if _, ok := cols[name]; !ok {
			return nil, nil, &ParseError{File: file, Line: 1, Column: -1, Err: fmt.Errorf("%w: missing column %q (header is %q)", ErrHeader, name, strings.Join(t.header, ","))}
		}
	}
	return t, cols, nil
}

// next reads the next data record; it returns io.EOF at the end of the file.
func (t *table) next() error {
	rec, err := t.r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return io.EOF
		}
		return t.csvError(err)
	}
	t.rows++
	if t.rows > t.opt.MaxRows {
		return &ParseError{File: t.file, Line: t.line(), Column: -1, Err: fmt.Errorf("%w: more than %d rows", ErrTooLarge, t.opt.MaxRows)}
	}
	t.rec = rec
	return nil
}

// line is the line on which the current record starts.
func (t *table) line() int {
	line, _ := t.r.FieldPos(0)
	return line
}

func (t *table) csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, ErrTooLarge) {
			return &ParseError{File: t.file, Line: pe.StartLine, Column: -1, Err: pe.Err}
		}
		return &ParseError{File: t.file, Line: pe.Line, Column: -1, Err: fmt.Errorf("%w: %v", ErrSyntax, pe.Err)}
	}
	if errors.Is(err, ErrTooLarge) {
		line, _ := t.r.FieldPos(0)
		return &ParseError{File: t.file, Line: line, Column: -1, Err: err}
	}
	return &ParseError{File: t.file, Column: -1, Err: err}
}

func (t *table) fieldError(col int, err error) error {
	line, _ := t.r.FieldPos(col)
	return &ParseError{File: t.file, Line: line, Column: col, ColumnName: t.header[col], Err: err}
}

// int parses column col as an integer in [lo, hi].
func (t *table) int(col int, lo, hi int64) (int64, error) {
	s := strings.TrimSpace(t.rec[col])
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < lo || v > hi {
		return 0, t.fieldError(col, fmt.Errorf("%w: %q (want an integer from %d to %d)", ErrInteger, clip(s), lo, hi))
	}
	return v, nil
}

// id parses a non-negative identifier that fits an int32, so that callers can
// index compact arrays with it.
func (t *table) id(col int) (int, error) {
	v, err := t.int(col, 0, math.MaxInt32)
	return int(v), err
}

// vote parses a vote in the export convention; blank is allowed only when
// blankOK, and then returns ok = false.
func (t *table) vote(col int, blankOK bool) (v int8, ok bool, err error) {
	s := strings.TrimSpace(t.rec[col])
	switch s {
	case "1":
		return 1, true, nil
	case "0":
		return 0, true, nil
	case "-1":
		return -1, true, nil
	case "":
		if blankOK {
			return 0, false, nil
		}
	}
	return 0, false, t.fieldError(col, fmt.Errorf("%w: %q", ErrVote, clip(s)))
}

// clip shortens a hostile field before it is echoed in an error message.
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + "…"
}

// headerIndex returns the index of a header column known to exist.
func (t *table) headerIndex(name string) int {
	return slices.Index(t.header, name)
}
