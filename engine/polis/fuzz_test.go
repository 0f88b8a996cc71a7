package polis_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/allvoice/allvoice/engine/polis"
)

// fuzzOptions keeps limits small so the fuzzer reaches them.
var fuzzOptions = polis.Options{MaxRows: 1000, MaxBytes: 1 << 16, MaxBodyBytes: 256}

// checkError asserts the parser's contract: either a result or a *ParseError.
func checkError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var pe *polis.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %T %v is not a *ParseError", err, err)
	}
	if pe.Error() == "" {
		t.Fatal("empty error message")
	}
}

func FuzzParseVotes(f *testing.F) {
	f.Add([]byte(votesHeader + "1,x,0,1,1\n2,x,0,1,-1\n"))
	f.Add([]byte(votesHeader + "1,\"a,b\",0,1,0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		votes, err := polis.ParseVotes(bytes.NewReader(data), fuzzOptions)
		checkError(t, err)
		for _, v := range votes {
			if v.Value < -1 || v.Value > 1 || v.CommentID < 0 || v.VoterID < 0 {
				t.Fatalf("invalid vote accepted: %+v", v)
			}
		}
		latest := polis.LatestVotes(votes)
		if len(latest) > len(votes) {
			t.Fatalf("LatestVotes grew %d → %d", len(votes), len(latest))
		}
	})
}

func FuzzParseComments(f *testing.F) {
	f.Add([]byte(commentsHeader + "1,x,0,1,0,0,1,\"hello, world\"\n"))
	f.Add([]byte(commentsHeader + "1,x,0,1,0,0,-1,\"multi\nline\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		comments, err := polis.ParseComments(bytes.NewReader(data), fuzzOptions)
		checkError(t, err)
		for _, c := range comments {
			if len(c.Body) > fuzzOptions.MaxBodyBytes || c.Moderated < -1 || c.Moderated > 1 {
				t.Fatalf("invalid comment accepted: %+v", c)
			}
		}
	})
}

func FuzzParseParticipantsVotes(f *testing.F) {
	f.Add([]byte("participant,xid,group-id,n-votes,0,1\n1,a,0,2,1,-1\n2,,,0,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := polis.ParseParticipantsVotes(bytes.NewReader(data), fuzzOptions)
		checkError(t, err)
	})
}
