package polis_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/allvoice/allvoice/engine/polis"
)

// dataDir finds shared/data/polis-open-data, which sits beside the repository
// (locally and in CI), by walking up from the test's directory.
func dataDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "data", "polis-open-data")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("shared/data/polis-open-data not found above the test directory")
		}
		dir = parent
	}
}

func open(t testing.TB, conv, file string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join(dataDir(t), conv, file))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// Expected counts were computed independently of this package (a Python
// script over the same CSV files) and agree with summary.csv where it has them.
var realConversations = []struct {
	name                      string
	comments, rejected        int
	events, distinct, kept    int
	voters                    int
	participants, unclustered int
	groupSizes                map[int]int
}{
	{"london.youth.policing", 39, 3, 640, 638, 638, 26, 26, 2, map[int]int{0: 3, 1: 18, 2: 3}},
	{"brexit-consensus", 50, 0, 5312, 5303, 5303, 204, 204, 7, map[int]int{0: 106, 1: 91}},
	{"15-per-hour-seattle", 54, 23, 2995, 2872, 2849, 337, 339, 201, map[int]int{0: 99, 1: 39}},
	{"vtaiwan.uberx", 197, 78, 49997, 49443, 49348, 1912, 1921, 702, map[int]int{0: 330, 1: 889}},
}

func TestRealConversations(t *testing.T) {
	for _, tc := range realConversations {
		t.Run(tc.name, func(t *testing.T) {
			conv, err := polis.ReadConversation(open(t, tc.name, "comments.csv"), open(t, tc.name, "votes.csv"), polis.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(conv.Comments) + len(conv.Rejected); got != tc.comments {
				t.Errorf("comments = %d, want %d", got, tc.comments)
			}
			if len(conv.Rejected) != tc.rejected {
				t.Errorf("rejected = %d, want %d", len(conv.Rejected), tc.rejected)
			}
			if conv.VoteEvents != tc.events {
				t.Errorf("vote events = %d, want %d", conv.VoteEvents, tc.events)
			}
			if len(conv.Votes) != tc.kept {
				t.Errorf("kept votes = %d, want %d", len(conv.Votes), tc.kept)
			}
			if len(conv.Voters) != tc.voters {
				t.Errorf("voters = %d, want %d", len(conv.Voters), tc.voters)
			}
			for i := 1; i < len(conv.Votes); i++ {
				a, b := conv.Votes[i-1], conv.Votes[i]
				if a.VoterID > b.VoterID || (a.VoterID == b.VoterID && a.CommentID >= b.CommentID) {
					t.Fatalf("votes not sorted by (voter, comment) at %d: %+v then %+v", i, a, b)
				}
			}

			events, err := polis.ParseVotes(open(t, tc.name, "votes.csv"), polis.Options{})
			if err != nil {
				t.Fatal(err)
			}
			latest := polis.LatestVotes(events)
			if len(latest) != tc.distinct {
				t.Errorf("latest votes = %d, want %d", len(latest), tc.distinct)
			}

			// participants-votes.csv holds the latest vote per cell: it must
			// agree with LatestVotes on every column it has.
			parts, err := polis.ParseParticipantsVotes(open(t, tc.name, "participants-votes.csv"), polis.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(parts) != tc.participants {
				t.Errorf("participants = %d, want %d", len(parts), tc.participants)
			}
			type key struct{ voter, comment int }
			cells := make(map[key]int8)
			columns := make(map[int]bool)
			sizes := make(map[int]int)
			unclustered := 0
			for _, p := range parts {
				if p.GroupID == polis.NotClustered {
					unclustered++
				} else {
					sizes[p.GroupID]++
				}
				for _, v := range p.Votes {
					cells[key{v.VoterID, v.CommentID}] = v.Value
					columns[v.CommentID] = true
				}
			}
			if unclustered != tc.unclustered {
				t.Errorf("unclustered = %d, want %d", unclustered, tc.unclustered)
			}
			for g, n := range tc.groupSizes {
				if sizes[g] != n {
					t.Errorf("group %d size = %d, want %d", g, sizes[g], n)
				}
			}
			matched := 0
			for _, v := range latest {
				if !columns[v.CommentID] {
					continue
				}
				got, ok := cells[key{v.VoterID, v.CommentID}]
				if !ok || got != v.Value {
					t.Fatalf("voter %d comment %d: latest vote %d, participants-votes has %d (present %v)", v.VoterID, v.CommentID, v.Value, got, ok)
				}
				matched++
			}
			if matched != len(cells) {
				t.Errorf("participants-votes has %d cells, latest votes on its columns %d", len(cells), matched)
			}
		})
	}
}
