package polis

import (
	"errors"
	"fmt"
	"io"
	"math"
	"unicode/utf8"
)

// Moderation states of a Polis comment.
const (
	// ModeratedRejected marks a comment a moderator rejected.
	ModeratedRejected = -1
	// ModeratedUnmoderated marks a comment nobody has moderated yet.
	ModeratedUnmoderated = 0
	// ModeratedAccepted marks a comment a moderator accepted.
	ModeratedAccepted = 1
)

// Comment is one row of comments.csv.
type Comment struct {
	// ID is the Polis comment-id.
	ID int
	// AuthorID is the participant (voter-id space) who wrote the comment.
	AuthorID int
	// Moderated is ModeratedRejected, ModeratedUnmoderated or ModeratedAccepted.
	Moderated int
	// Body is the comment text, valid UTF-8.
	Body string
	// Timestamp is the export's timestamp as written (milliseconds in legacy
	// exports, seconds in newer ones).
	Timestamp int64
	// Agrees and Disagrees are the export's own counts (not always consistent
	// with votes.csv; see openData issue #6).
	Agrees, Disagrees int
}

var commentColumns = []string{"timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated", "comment-body"}

// ParseComments reads comments.csv (header timestamp, datetime, comment-id,
// author-id, agrees, disagrees, moderated, comment-body; extra columns are
// ignored) and returns its comments in file order, rejected ones included.
// A comment ID that occurs twice is an error.
func ParseComments(r io.Reader, opt Options) ([]Comment, error) {
	const file = "comments.csv"
	t, cols, err := openTable(file, r, opt, commentColumns)
	if err != nil {
		return nil, err
	}
	cTime, cID, cAuthor := cols["timestamp"], cols["comment-id"], cols["author-id"]
	cAgrees, cDisagrees, cMod, cBody := cols["agrees"], cols["disagrees"], cols["moderated"], cols["comment-body"]
	var out []Comment
	seen := make(map[int]int)
	for {
		if err := t.next(); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		var c Comment
		if c.Timestamp, err = t.int(cTime, math.MinInt64, math.MaxInt64); err != nil {
			return nil, err
		}
		if c.ID, err = t.id(cID); err != nil {
			return nil, err
		}
		if first, dup := seen[c.ID]; dup {
			return nil, t.fieldError(cID, fmt.Errorf("%w: comment-id %d already on line %d", ErrDuplicate, c.ID, first))
		}
		seen[c.ID] = t.line()
		if c.AuthorID, err = t.id(cAuthor); err != nil {
			return nil, err
		}
		agrees, err := t.int(cAgrees, 0, math.MaxInt32)
		if err != nil {
			return nil, err
		}
		disagrees, err := t.int(cDisagrees, 0, math.MaxInt32)
		if err != nil {
			return nil, err
		}
		c.Agrees, c.Disagrees = int(agrees), int(disagrees)
		mod, err := t.int(cMod, math.MinInt64, math.MaxInt64)
		if err != nil {
			return nil, err
		}
		if mod < ModeratedRejected || mod > ModeratedAccepted {
			return nil, t.fieldError(cMod, fmt.Errorf("%w: %d", ErrModerated, mod))
		}
		c.Moderated = int(mod)
		body := t.rec[cBody]
		if len(body) > t.opt.MaxBodyBytes {
			return nil, t.fieldError(cBody, fmt.Errorf("%w: comment body of %d bytes exceeds %d", ErrTooLarge, len(body), t.opt.MaxBodyBytes))
		}
		if !utf8.ValidString(body) {
			return nil, t.fieldError(cBody, ErrText)
		}
		// Copy so the body does not pin the whole record's backing string.
		c.Body = string([]byte(body))
		out = append(out, c)
	}
}
