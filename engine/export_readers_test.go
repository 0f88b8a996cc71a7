package engine_test

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
	"github.com/allvoice/allvoice/engine/export"
	"github.com/allvoice/allvoice/engine/export/exporttest"
	"github.com/allvoice/allvoice/engine/polis"
)

// distributions returns each agenda proposal's distribution and passes
// in a round's analysis, in agenda order.
func distributions(t *testing.T, e *engine.Engine, actor engine.Actor, roundID string) [][]int {
	res, err := e.RoundAnalysis(context.Background(), actor, roundID)
	must(t, err)
	out := make([][]int, len(res.Proposals))
	for i, p := range res.Proposals {
		out[i] = append(slices.Clone(p.Distribution), p.NPassed)
	}
	return out
}

// TestExportPolisRoundTrip exports an imported Polis conversation,
// imports the export's polis/comments.csv and polis/votes.csv again, and
// checks that every proposal has the same distribution (agree, disagree,
// pass) as before; participants-votes.csv must parse with the Polis parser
// and agree with votes.csv.
func TestExportPolisRoundTrip(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		ctx := context.Background()
		e := engine.New(engine.Config{Store: bunstore.NewStore(db)})
		acct, _, err := e.SignUp(ctx, engine.SignUpInput{Email: "roundtrip@example.org", Name: "Round trip", Password: "round trip password"})
		must(t, err)
		fac := engine.Actor{AccountID: acct.ID}
		for _, dir := range []string{"london.youth.policing", "15-per-hour-seattle"} {
			t.Run(dir, func(t *testing.T) {
				orig := importPolis(t, e, fac, dir)
				fs := exportFiles(t, e, fac, orig.Group.ID)
				again, err := e.ImportPolis(ctx, fac, engine.PolisImport{Name: dir + " again",
					Comments: bytes.NewReader(fs[export.PathPolisComments]), Votes: bytes.NewReader(fs[export.PathPolisVotes])})
				must(t, err)
				if again.Proposals != orig.Proposals || again.Ratings != orig.Ratings {
					t.Fatalf("re-import: %d proposals, %d ratings; first import %d, %d", again.Proposals, again.Ratings, orig.Proposals, orig.Ratings)
				}
				want := distributions(t, e, fac, orig.RoundID)
				got := distributions(t, e, fac, again.RoundID)
				if !slices.EqualFunc(got, want, slices.Equal) {
					t.Errorf("distributions after the round trip differ:\n%v\nwant\n%v", got, want)
				}
				conv, err := polis.ReadConversation(bytes.NewReader(fs[export.PathPolisComments]), bytes.NewReader(fs[export.PathPolisVotes]), polis.Options{})
				must(t, err)
				ps, err := polis.ParseParticipantsVotes(bytes.NewReader(fs[export.PathPolisParticipants]), polis.Options{})
				must(t, err)
				var fromMatrix []polis.Vote
				for _, p := range ps {
					fromMatrix = append(fromMatrix, p.Votes...)
				}
				slices.SortFunc(fromMatrix, func(a, b polis.Vote) int {
					if a.VoterID != b.VoterID {
						return a.VoterID - b.VoterID
					}
					return a.CommentID - b.CommentID
				})
				if len(fromMatrix) != len(conv.Votes) {
					t.Fatalf("participants-votes has %d votes, votes.csv %d latest", len(fromMatrix), len(conv.Votes))
				}
				for i, v := range conv.Votes {
					m := fromMatrix[i]
					if m.VoterID != v.VoterID || m.CommentID != v.CommentID || m.Value != v.Value {
						t.Fatalf("vote %d: participants-votes %+v, votes.csv %+v", i, m, v)
					}
				}
			})
		}
	})
}

// TestExportPolisViewOfLikert imports the Polis view of the demo group (a
// 5-point scale over three rounds): each member's latest rating of each
// proposal becomes agree, disagree or pass by its zone.
func TestExportPolisViewOfLikert(t *testing.T) {
	e, fac, res := seedDemo(t, bunstoretest.SQLite(t))
	ctx := context.Background()
	fs := exportFiles(t, e, fac, res.GroupID)
	again, err := e.ImportPolis(ctx, fac, engine.PolisImport{Name: "Demo as Polis",
		Comments: bytes.NewReader(fs[export.PathPolisComments]), Votes: bytes.NewReader(fs[export.PathPolisVotes])})
	must(t, err)
	// The latest rating of each consented member on each proposal, over
	// every round, collapsed by zone.
	type key struct{ member, proposal string }
	latest := map[key]map[string]string{}
	for _, ev := range fs.Rows(t, "data/rating_events.csv") {
		k := key{ev["member_id"], ev["proposal"]}
		if cur := latest[k]; cur == nil || atoi(t, ev["event"]) > atoi(t, cur["event"]) {
			latest[k] = ev
		}
	}
	hidden := map[string]bool{}
	for _, p := range fs.Rows(t, "data/proposals.csv") {
		hidden[p["proposal"]] = p["state"] == engine.ProposalHidden
	}
	counts := map[string][3]int{} // proposal → disagree, agree, pass
	for k, ev := range latest {
		if hidden[k.proposal] {
			continue
		}
		c := counts[k.proposal]
		switch v := ev["value"]; {
		case ev["pass"] == "1" || v == "3":
			c[2]++
		case v == "4" || v == "5":
			c[1]++
		default:
			c[0]++
		}
		counts[k.proposal] = c
	}
	if again.Ratings != len(latest) {
		t.Errorf("imported %d ratings, want %d latest ratings", again.Ratings, len(latest))
	}
	got := distributions(t, e, fac, again.RoundID)
	var want [][]int
	for _, p := range fs.Rows(t, "polis/comments.csv") {
		if p["moderated"] == "-1" {
			continue
		}
		c := counts[p["comment-id"]]
		want = append(want, []int{c[0], c[1], c[2]})
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("re-imported distributions\n%v\nwant\n%v", got, want)
	}
}

// TestExportReaders reads a real export (the demo group: three rounds,
// free text, perspectives, suppressed cells) with R's read.csv, Python's
// csv module and GNU PSPP running allvoice.sps.
func TestExportReaders(t *testing.T) {
	e, fac, res := seedDemo(t, bunstoretest.SQLite(t))
	fs := exportFiles(t, e, fac, res.GroupID)
	dir := t.TempDir()
	fs.WriteDir(t, dir)
	t.Run("R", func(t *testing.T) { exporttestCheck(t, "R", fs, dir) })
	t.Run("Python", func(t *testing.T) { exporttestCheck(t, "Python", fs, dir) })
	t.Run("PSPP", func(t *testing.T) { exporttestCheck(t, "PSPP", fs, dir) })
}

func exporttestCheck(t *testing.T, tool string, fs exporttest.Files, dir string) {
	switch tool {
	case "R":
		exporttest.CheckR(t, fs, dir)
	case "Python":
		exporttest.CheckPython(t, fs, dir)
	default:
		exporttest.CheckPSPP(t, fs, dir)
	}
}
