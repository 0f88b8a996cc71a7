package polis

import (
	"fmt"
	"io"
)

// Default limits, chosen above the largest real Polis conversation (33,422
// participants × 783 comments, 2.0 M votes; at most 10,000 comments enter
// Polis's own math) with room to spare.
const (
	// DefaultMaxRows bounds the data rows read from one file.
	DefaultMaxRows = 20_000_000
	// DefaultMaxBytes bounds the bytes read from one file.
	DefaultMaxBytes = 2 << 30
	// DefaultMaxBodyBytes bounds the length of one comment body. Polis's client
	// allows 140 characters, but seed comments have no limit.
	DefaultMaxBodyBytes = 16 << 10
)

// Options bounds what a parser accepts, so that hostile input cannot exhaust
// memory. A zero field takes its default.
type Options struct {
	// MaxRows is the maximum number of data rows (header excluded) per file.
	MaxRows int
	// MaxBytes is the maximum number of bytes read from one file.
	MaxBytes int64
	// MaxBodyBytes is the maximum length in bytes of one comment body.
	MaxBodyBytes int
}

func (o Options) withDefaults() Options {
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	return o
}

// limitedReader fails with ErrTooLarge once more than max bytes are read,
// unlike io.LimitReader, which would silently truncate the file.
type limitedReader struct {
	r   io.Reader
	max int64
	n   int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n > l.max {
		return 0, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, l.max)
	}
	if rest := l.max + 1 - l.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.max {
		return n, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, l.max)
	}
	return n, err
}
