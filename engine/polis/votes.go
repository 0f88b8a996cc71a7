package polis

import (
	"cmp"
	"errors"
	"io"
	"math"
	"slices"
)

// Vote is one vote: Value is agree = 1, disagree = −1, pass = 0 (the export
// convention).
type Vote struct {
	CommentID int
	VoterID   int
	Value     int8
	// Timestamp is the export's timestamp as written (0 for votes read from
	// participants-votes.csv, which has none).
	Timestamp int64
}

var voteColumns = []string{"timestamp", "datetime", "comment-id", "voter-id", "vote"}

// ParseVotes reads votes.csv (header timestamp, datetime, comment-id,
// voter-id, vote; extra columns such as important are ignored) and returns
// every vote event in file order, re-votes included. Use LatestVotes to keep
// the vote that counts.
func ParseVotes(r io.Reader, opt Options) ([]Vote, error) {
	var out []Vote
	err := scanVotes(r, opt, func(v Vote, _ *table) error {
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scanVotes calls fn for each vote event; fn gets the table so that it can
// report errors at the current line.
func scanVotes(r io.Reader, opt Options, fn func(Vote, *table) error) error {
	t, cols, err := openTable("votes.csv", r, opt, voteColumns)
	if err != nil {
		return err
	}
	cTime, cComment, cVoter, cVote := cols["timestamp"], cols["comment-id"], cols["voter-id"], cols["vote"]
	for {
		if err := t.next(); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		var v Vote
		if v.Timestamp, err = t.int(cTime, math.MinInt64, math.MaxInt64); err != nil {
			return err
		}
		if v.CommentID, err = t.id(cComment); err != nil {
			return err
		}
		if v.VoterID, err = t.id(cVoter); err != nil {
			return err
		}
		if v.Value, _, err = t.vote(cVote, false); err != nil {
			return err
		}
		if err := fn(v, t); err != nil {
			return err
		}
	}
}

// LatestVotes keeps, for each (voter, comment), the vote with the largest
// timestamp; among equal timestamps the one later in votes (file order) wins,
// as in Polis's votes_latest_unique. The result is sorted by voter, then
// comment; votes is not modified.
func LatestVotes(votes []Vote) []Vote {
	sorted := slices.Clone(votes)
	// Stable, so equal timestamps keep file order and the last one wins.
	slices.SortStableFunc(sorted, func(a, b Vote) int {
		if c := cmp.Compare(a.VoterID, b.VoterID); c != 0 {
			return c
		}
		if c := cmp.Compare(a.CommentID, b.CommentID); c != 0 {
			return c
		}
		return cmp.Compare(a.Timestamp, b.Timestamp)
	})
	out := sorted[:0]
	for i, v := range sorted {
		if i+1 < len(sorted) && sorted[i+1].VoterID == v.VoterID && sorted[i+1].CommentID == v.CommentID {
			continue
		}
		out = append(out, v)
	}
	return slices.Clip(out)
}
