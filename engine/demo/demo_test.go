package demo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
	"github.com/allvoice/allvoice/engine/demo"
)

func TestMain(m *testing.M) { bunstoretest.Main(m) }

// TestSeed seeds the demo on both databases and checks it has the shape
// the README promises, that every round analyses, and that the analysis of
// the same snapshot is byte-identical.
func TestSeed(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		ctx := context.Background()
		store := bunstore.NewStore(db)
		res, err := demo.Seed(ctx, store)
		if err != nil {
			t.Fatal(err)
		}
		e := engine.New(engine.Config{Store: store})
		_, token, err := e.LogIn(ctx, demo.FacilitatorEmail, demo.FacilitatorPassword)
		if err != nil {
			t.Fatal(err)
		}
		fac, err := e.Authenticate(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		members, err := e.ListMembers(ctx, fac, res.GroupID)
		if err != nil {
			t.Fatal(err)
		}
		perspectives := map[string]int{}
		for _, m := range members {
			if m.Role == engine.RoleMember {
				perspectives[m.Perspective]++
			}
		}
		if len(perspectives) != 4 || len(members) != 13 {
			t.Fatalf("members by perspective %v (%d in all)", perspectives, len(members))
		}
		proposals, err := e.ListProposals(ctx, fac, res.GroupID)
		if err != nil {
			t.Fatal(err)
		}
		superseded := 0
		for _, p := range proposals {
			if p.State == engine.ProposalSuperseded {
				superseded++
			}
		}
		if len(proposals) < 18 || superseded < 3 {
			t.Fatalf("%d proposals, %d superseded", len(proposals), superseded)
		}
		decisions, err := e.ListDecisions(ctx, fac, res.GroupID)
		if err != nil {
			t.Fatal(err)
		}
		outcomes := map[string]int{}
		for _, d := range decisions {
			outcomes[d.Outcome]++
			if d.Evidence.Verdict == "" || d.Evidence.RuleVersion != 1 {
				t.Fatalf("decision without evidence: %+v", d.Evidence)
			}
		}
		if outcomes[engine.DecisionAdopted] < 3 || outcomes[engine.DecisionRevisit] != 1 {
			t.Fatalf("decisions %v", outcomes)
		}
		r3, err := e.GetRound(ctx, fac, res.RoundIDs[2])
		if err != nil {
			t.Fatal(err)
		}
		sources := map[string]int{}
		for _, it := range r3.Agenda {
			sources[it.Source]++
		}
		if r3.State != engine.RoundRating || sources[engine.AgendaRevisit] == 0 {
			t.Fatalf("round 3 is %s with agenda sources %v", r3.State, sources)
		}
		for _, id := range res.RoundIDs {
			a, err := e.RoundAnalysis(ctx, fac, id)
			if err != nil {
				t.Fatal(err)
			}
			b, err := engine.New(engine.Config{Store: store}).RoundAnalysis(ctx, fac, id)
			if err != nil {
				t.Fatal(err)
			}
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			if !bytes.Equal(ja, jb) {
				t.Fatalf("analysis of round %s differs between two computations", id)
			}
		}
		// A member sees their previous rating on carried items in round 2.
		sam, err := e.Authenticate(ctx, res.MemberTokens["Ben"])
		if err != nil {
			t.Fatal(err)
		}
		mine, err := e.MyRatings(ctx, sam, res.RoundIDs[1])
		if err != nil {
			t.Fatal(err)
		}
		withPrevious := 0
		for _, m := range mine {
			if m.Previous != nil && m.PreviousResults != nil {
				withPrevious++
			}
		}
		if withPrevious == 0 {
			t.Fatalf("no carried item shows Ben's previous rating and the group's previous distribution")
		}
	})
}
