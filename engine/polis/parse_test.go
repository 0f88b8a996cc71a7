package polis_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine/polis"
)

const votesHeader = "timestamp,datetime,comment-id,voter-id,vote\n"
const commentsHeader = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"

func TestParseVotes(t *testing.T) {
	got, err := polis.ParseVotes(strings.NewReader("\ufeff"+votesHeader+
		"10,x,3,7,1\n"+
		"11,x,3,7,-1\n"+
		"5,\"Mon, 1 Jan\",0,2,0\n"), polis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []polis.Vote{
		{CommentID: 3, VoterID: 7, Value: 1, Timestamp: 10},
		{CommentID: 3, VoterID: 7, Value: -1, Timestamp: 11},
		{CommentID: 0, VoterID: 2, Value: 0, Timestamp: 5},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestParseComments(t *testing.T) {
	got, err := polis.ParseComments(strings.NewReader(commentsHeader+
		"1500282615559,Mon,36,0,38,7,1,\"Opposition, \"\"quoted\"\"\nand a second line\"\n"+
		"1,x,2,5,0,0,-1,rejected\n"), polis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []polis.Comment{
		{ID: 36, AuthorID: 0, Moderated: 1, Body: "Opposition, \"quoted\"\nand a second line", Timestamp: 1500282615559, Agrees: 38, Disagrees: 7},
		{ID: 2, AuthorID: 5, Moderated: -1, Body: "rejected", Timestamp: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestLatestVotes(t *testing.T) {
	tests := []struct {
		name string
		in   []polis.Vote
		want []polis.Vote
	}{
		{"empty", nil, nil},
		{"later timestamp wins even when earlier in the file",
			[]polis.Vote{{CommentID: 1, VoterID: 1, Value: -1, Timestamp: 20}, {CommentID: 1, VoterID: 1, Value: 1, Timestamp: 10}},
			[]polis.Vote{{CommentID: 1, VoterID: 1, Value: -1, Timestamp: 20}}},
		{"equal timestamps: later row wins",
			[]polis.Vote{{CommentID: 1, VoterID: 1, Value: -1, Timestamp: 10}, {CommentID: 1, VoterID: 1, Value: 0, Timestamp: 10}},
			[]polis.Vote{{CommentID: 1, VoterID: 1, Value: 0, Timestamp: 10}}},
		{"sorted by voter then comment",
			[]polis.Vote{{CommentID: 2, VoterID: 9, Value: 1}, {CommentID: 5, VoterID: 1, Value: 1}, {CommentID: 3, VoterID: 1, Value: 0}},
			[]polis.Vote{{CommentID: 3, VoterID: 1, Value: 0}, {CommentID: 5, VoterID: 1, Value: 1}, {CommentID: 2, VoterID: 9, Value: 1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := polis.LatestVotes(tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestReadConversation(t *testing.T) {
	comments := commentsHeader +
		"1,x,0,1,0,0,1,kept\n" +
		"1,x,1,1,0,0,-1,rejected\n" +
		"1,x,2,1,0,0,0,unmoderated\n"
	votes := votesHeader +
		"1,x,0,5,1\n" +
		"2,x,1,5,1\n" + // on a rejected comment: dropped
		"3,x,0,5,-1\n" + // re-vote: wins
		"4,x,2,3,0\n" +
		"5,x,1,4,1\n" // voter 4 voted only on the rejected comment
	conv, err := polis.ReadConversation(strings.NewReader(comments), strings.NewReader(votes), polis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := polis.Conversation{
		Comments: []polis.Comment{{ID: 0, AuthorID: 1, Moderated: 1, Body: "kept", Timestamp: 1}, {ID: 2, AuthorID: 1, Body: "unmoderated", Timestamp: 1}},
		Rejected: []int{1},
		Votes: []polis.Vote{
			{CommentID: 2, VoterID: 3, Value: 0, Timestamp: 4},
			{CommentID: 0, VoterID: 5, Value: -1, Timestamp: 3},
		},
		Voters:     []int{3, 5},
		VoteEvents: 5,
	}
	if !reflect.DeepEqual(conv, want) {
		t.Errorf("got %+v\nwant %+v", conv, want)
	}
}

func TestParseErrors(t *testing.T) {
	long := strings.Repeat("a", 101)
	tests := []struct {
		name     string
		parse    func(string, polis.Options) error
		input    string
		opt      polis.Options
		sentinel error
		line     int
		column   string
		message  string
	}{
		{"empty votes", parseVotes, "", polis.Options{}, polis.ErrHeader, 1, "", "votes.csv:1: bad header: empty file"},
		{"missing column", parseVotes, "timestamp,datetime,comment-id,voter-id\n", polis.Options{}, polis.ErrHeader, 1, "", `missing column "vote"`},
		{"duplicate column", parseVotes, "timestamp,vote,datetime,comment-id,voter-id,vote\n", polis.Options{}, polis.ErrHeader, 1, "vote", "appears twice"},
		{"non-integer comment id", parseVotes, votesHeader + "1,x,0,1,1\n1,x,abc,1,1\n", polis.Options{}, polis.ErrInteger, 3, "comment-id", `votes.csv:3: column 3 (comment-id): not an integer in range: "abc"`},
		{"negative voter id", parseVotes, votesHeader + "1,x,0,-4,1\n", polis.Options{}, polis.ErrInteger, 2, "voter-id", "-4"},
		{"id beyond int32", parseVotes, votesHeader + "1,x,4294967296,1,1\n", polis.Options{}, polis.ErrInteger, 2, "comment-id", "4294967296"},
		{"vote 2", parseVotes, votesHeader + "1,x,0,1,2\n", polis.Options{}, polis.ErrVote, 2, "vote", `votes.csv:2: column 5 (vote): vote not in {-1, 0, 1}: "2"`},
		{"blank vote", parseVotes, votesHeader + "1,x,0,1,\n", polis.Options{}, polis.ErrVote, 2, "vote", ""},
		{"field count", parseVotes, votesHeader + "1,x,0,1\n", polis.Options{}, polis.ErrSyntax, 2, "", "wrong number of fields"},
		{"bare quote", parseVotes, votesHeader + "1,x\"y,0,1,1\n", polis.Options{}, polis.ErrSyntax, 2, "", "bare"},
		{"too many rows", parseVotes, votesHeader + "1,x,0,1,1\n1,x,0,2,1\n1,x,0,3,1\n", polis.Options{MaxRows: 2}, polis.ErrTooLarge, 4, "", "more than 2 rows"},
		{"too many bytes", parseVotes, votesHeader + strings.Repeat("1,x,0,1,1\n", 100), polis.Options{MaxBytes: 200}, polis.ErrTooLarge, 17, "", "more than 200 bytes"},
		{"oversize quoted field", parseVotes, votesHeader + "1,\"" + strings.Repeat("z", 5000), polis.Options{MaxBytes: 1000}, polis.ErrTooLarge, 2, "", "more than 1000 bytes"},
		{"moderated 2", parseComments, commentsHeader + "1,x,0,1,0,0,2,hi\n", polis.Options{}, polis.ErrModerated, 2, "moderated", ""},
		{"body too long", parseComments, commentsHeader + "1,x,0,1,0,0,1," + long + "\n", polis.Options{MaxBodyBytes: 100}, polis.ErrTooLarge, 2, "comment-body", "101 bytes exceeds 100"},
		{"invalid UTF-8 body", parseComments, commentsHeader + "1,x,0,1,0,0,1,\xff\xfe\n", polis.Options{}, polis.ErrText, 2, "comment-body", ""},
		{"duplicate comment", parseComments, commentsHeader + "1,x,4,1,0,0,1,a\n1,x,4,1,0,0,1,b\n", polis.Options{}, polis.ErrDuplicate, 3, "comment-id", "already on line 2"},
		{"negative agrees", parseComments, commentsHeader + "1,x,4,1,-3,0,1,a\n", polis.Options{}, polis.ErrInteger, 2, "agrees", ""},
		{"timestamp not integer", parseComments, commentsHeader + "1.5,x,4,1,0,0,1,a\n", polis.Options{}, polis.ErrInteger, 2, "timestamp", ""},
		{"unknown comment", parseConversation, votesHeader + "1,x,0,1,1\n2,x,9,1,1\n", polis.Options{}, polis.ErrUnknownComment, 3, "comment-id", "comment-id 9"},
		{"participants bad cell", parseParticipants, "participant,group-id,0,1\n1,,1,x\n", polis.Options{}, polis.ErrVote, 2, "1", ""},
		{"participants duplicate", parseParticipants, "participant,group-id,0\n1,0,1\n1,0,1\n", polis.Options{}, polis.ErrDuplicate, 3, "participant", ""},
		{"participants missing group", parseParticipants, "participant,0\n1,1\n", polis.Options{}, polis.ErrHeader, 1, "", "group-id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.parse(tc.input, tc.opt)
			if !errors.Is(err, tc.sentinel) {
				t.Fatalf("error %v, want %v", err, tc.sentinel)
			}
			var pe *polis.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError", err)
			}
			if pe.Line != tc.line || pe.ColumnName != tc.column {
				t.Errorf("at line %d column %q, want line %d column %q (%v)", pe.Line, pe.ColumnName, tc.line, tc.column, err)
			}
			if !strings.Contains(err.Error(), tc.message) {
				t.Errorf("message %q does not contain %q", err.Error(), tc.message)
			}
		})
	}
}

func parseVotes(s string, opt polis.Options) error {
	_, err := polis.ParseVotes(strings.NewReader(s), opt)
	return err
}

func parseComments(s string, opt polis.Options) error {
	_, err := polis.ParseComments(strings.NewReader(s), opt)
	return err
}

func parseParticipants(s string, opt polis.Options) error {
	_, err := polis.ParseParticipantsVotes(strings.NewReader(s), opt)
	return err
}

// parseConversation pairs the votes under test with comments 0..3.
func parseConversation(votes string, opt polis.Options) error {
	comments := commentsHeader + "1,x,0,1,0,0,1,a\n1,x,1,1,0,0,1,b\n"
	_, err := polis.ReadConversation(strings.NewReader(comments), strings.NewReader(votes), opt)
	return err
}

func TestParseParticipantsVotes(t *testing.T) {
	got, err := polis.ParseParticipantsVotes(strings.NewReader(
		"participant,xid,group-id,n-comments,n-votes,n-agree,n-disagree,4,1\n"+
			"7,abc,1,0,2,1,1,1,-1\n"+
			"8,,,0,1,0,0,,0\n"), polis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []polis.Participant{
		{ID: 7, GroupID: 1, Votes: []polis.Vote{{CommentID: 4, VoterID: 7, Value: 1}, {CommentID: 1, VoterID: 7, Value: -1}}},
		{ID: 8, GroupID: polis.NotClustered, Votes: []polis.Vote{{CommentID: 1, VoterID: 8, Value: 0}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
