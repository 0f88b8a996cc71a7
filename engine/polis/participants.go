package polis

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// NotClustered is the GroupID of a participant Polis did not place in an
// opinion group (a blank group-id).
const NotClustered = -1

// Participant is one row of participants-votes.csv.
type Participant struct {
	// ID is the Polis participant id (the voter-id of votes.csv).
	ID int
	// GroupID is Polis's own opinion group, or NotClustered.
	GroupID int
	// Votes holds the participant's latest vote per comment column, in column
	// order, with Timestamp 0; blank cells are absent.
	Votes []Vote
}

// ParseParticipantsVotes reads participants-votes.csv: columns participant and
// group-id are required; every column whose header is a non-negative integer
// is a comment's vote column (cells 1, −1, 0 or blank); other columns (xid,
// n-votes, ...) are ignored. Vote columns are found by header, never by
// position, because some exports add an xid column.
func ParseParticipantsVotes(r io.Reader, opt Options) ([]Participant, error) {
	t, cols, err := openTable("participants-votes.csv", r, opt, []string{"participant", "group-id"})
	if err != nil {
		return nil, err
	}
	cPart, cGroup := cols["participant"], cols["group-id"]
	var voteCols, commentIDs []int
	for i, h := range t.header {
		id, err := strconv.ParseInt(h, 10, 32)
		if err == nil && id >= 0 {
			voteCols = append(voteCols, i)
			commentIDs = append(commentIDs, int(id))
		}
	}
	var out []Participant
	seen := make(map[int]bool)
	for {
		if err := t.next(); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		var p Participant
		if p.ID, err = t.id(cPart); err != nil {
			return nil, err
		}
		if seen[p.ID] {
			return nil, t.fieldError(cPart, fmt.Errorf("%w: participant %d appears twice", ErrDuplicate, p.ID))
		}
		seen[p.ID] = true
		p.GroupID = NotClustered
		if strings.TrimSpace(t.rec[cGroup]) != "" {
			g, err := t.int(cGroup, 0, math.MaxInt32)
			if err != nil {
				return nil, err
			}
			p.GroupID = int(g)
		}
		for k, c := range voteCols {
			v, ok, err := t.vote(c, true)
			if err != nil {
				return nil, err
			}
			if ok {
				p.Votes = append(p.Votes, Vote{CommentID: commentIDs[k], VoterID: p.ID, Value: v})
			}
		}
		out = append(out, p)
	}
}
