package polis

import (
	"fmt"
	"io"
	"slices"
)

// Conversation is a Polis conversation ready for analysis: rejected comments
// and their votes removed, one vote (the latest) per voter and comment.
type Conversation struct {
	// Comments are the comments not rejected by moderation, sorted by ID.
	Comments []Comment
	// Rejected lists the IDs of rejected comments (moderated = −1), ascending.
	Rejected []int
	// Votes holds the latest vote per (voter, comment) on a kept comment,
	// sorted by voter, then comment.
	Votes []Vote
	// Voters lists, ascending, the voters with at least one vote in Votes.
	Voters []int
	// VoteEvents is the number of rows read from votes.csv, re-votes included.
	VoteEvents int
}

// ReadConversation parses comments.csv and votes.csv and applies the export's
// conventions: the latest vote per (voter, comment) by timestamp wins (see
// LatestVotes), and rejected comments are excluded along with their votes. A
// vote on a comment ID absent from comments.csv is an error, reported at its
// line in votes.csv.
func ReadConversation(comments, votes io.Reader, opt Options) (Conversation, error) {
	cs, err := ParseComments(comments, opt)
	if err != nil {
		return Conversation{}, err
	}
	known := make(map[int]bool, len(cs))
	var conv Conversation
	for _, c := range cs {
		if c.Moderated == ModeratedRejected {
			known[c.ID] = false
			conv.Rejected = append(conv.Rejected, c.ID)
			continue
		}
		known[c.ID] = true
		conv.Comments = append(conv.Comments, c)
	}
	slices.SortFunc(conv.Comments, func(a, b Comment) int { return a.ID - b.ID })
	slices.Sort(conv.Rejected)

	var events []Vote
	err = scanVotes(votes, opt, func(v Vote, t *table) error {
		kept, ok := known[v.CommentID]
		if !ok {
			return t.fieldError(t.headerIndex("comment-id"), fmt.Errorf("%w: comment-id %d", ErrUnknownComment, v.CommentID))
		}
		conv.VoteEvents++
		if kept {
			events = append(events, v)
		}
		return nil
	})
	if err != nil {
		return Conversation{}, err
	}
	conv.Votes = LatestVotes(events)
	for i, v := range conv.Votes {
		if i == 0 || conv.Votes[i-1].VoterID != v.VoterID {
			conv.Voters = append(conv.Voters, v.VoterID)
		}
	}
	return conv, nil
}
