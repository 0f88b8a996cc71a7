package engine_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/analysis/opinion"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

const polisData = "../../shared/data/polis-open-data"

// TestImportPolisOpinionGroups imports the four real conversations through
// the import use case, analyses them as a facilitator would, and compares
// the opinion groups found with Polis's own group-id by the adjusted Rand
// index (README, "Opinion groups on real data").
func TestImportPolisOpinionGroups(t *testing.T) {
	if _, err := os.Stat(polisData); err != nil {
		t.Skipf("no Polis open data beside the project: %v", err)
	}
	cases := []struct {
		dir    string
		minARI float64
	}{
		{"london.youth.policing", -1},
		{"brexit-consensus", 0.7},
		{"15-per-hour-seattle", 0.7},
		{"vtaiwan.uberx", -1},
	}
	if testing.Short() {
		cases = cases[:3]
	}
	db := bunstoretest.SQLite(t)
	ctx := context.Background()
	e := engine.New(engine.Config{Store: bunstore.NewStore(db)})
	acct, _, err := e.SignUp(ctx, engine.SignUpInput{Email: "importer@example.org", Name: "Importer", Password: "importer password"})
	must(t, err)
	fac := engine.Actor{AccountID: acct.ID}
	for _, c := range cases {
		t.Run(c.dir, func(t *testing.T) {
			dir := filepath.Join(polisData, c.dir)
			comments, err := os.Open(filepath.Join(dir, "comments.csv"))
			must(t, err)
			defer comments.Close()
			votes, err := os.Open(filepath.Join(dir, "votes.csv"))
			must(t, err)
			defer votes.Close()
			res, err := e.ImportPolis(ctx, fac, engine.PolisImport{Name: c.dir, Comments: comments, Votes: votes})
			must(t, err)
			if res.Proposals == 0 || res.Ratings == 0 {
				t.Fatalf("imported nothing: %+v", res)
			}
			members, err := e.ListMembers(ctx, fac, res.Group.ID)
			must(t, err)
			pid := map[string]int{} // member id → Polis participant id
			for _, m := range members {
				if n, ok := strings.CutPrefix(m.DisplayName, "Participant "); ok {
					id, _ := strconv.Atoi(n)
					pid[m.ID] = id
				}
			}
			a, err := e.RoundAnalysis(ctx, fac, res.RoundID)
			must(t, err)
			// The imported group is anonymous, so the facilitator sees
			// raters under labels no one else can link to them.
			byPseudonym := map[string]int{}
			for id, p := range pid {
				byPseudonym[engine.RaterLabel(res.Group, id)] = p
			}
			ours := map[int]int{}
			for gi, g := range a.OpinionGroups.Groups {
				for _, m := range g.Members {
					p, ok := byPseudonym[m]
					if !ok {
						t.Fatalf("opinion group member %q is not an imported participant", m)
					}
					ours[p] = gi
				}
			}
			theirs := polisGroups(t, filepath.Join(dir, "participants-votes.csv"))
			var x, y []int
			for p, g := range theirs {
				if o, ok := ours[p]; ok {
					x, y = append(x, o), append(y, g)
				}
			}
			ari := opinion.AdjustedRand(x, y)
			t.Logf("%s: %d members, %d proposals, %d ratings; %d opinion groups (clear %v), ARI %.3f against Polis on %d participants both clustered",
				c.dir, res.Members, res.Proposals, res.Ratings, len(a.OpinionGroups.Groups), a.OpinionGroups.Clear, ari, len(x))
			if ari < c.minARI {
				t.Fatalf("adjusted Rand index %.3f below %.2f", ari, c.minARI)
			}
		})
	}
}

// polisGroups reads Polis's group-id per participant; participants Polis
// did not cluster are left out.
func polisGroups(t *testing.T, path string) map[int]int {
	f, err := os.Open(path)
	must(t, err)
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	must(t, err)
	out := map[int]int{}
	for _, row := range rows[1:] {
		p, err1 := strconv.Atoi(row[0])
		g, err2 := strconv.Atoi(row[1])
		if err1 == nil && err2 == nil {
			out[p] = g
		}
	}
	return out
}
