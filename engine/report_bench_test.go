package engine_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// BenchmarkConsensusReport measures the consensus report of a co-design
// round, 30 members × 60 proposals with every member rating every
// proposal, on each database. "cached" is a report whose round's analysis
// is already cached (the facilitator re-opening it, or a second reader);
// "uncached" starts from a fresh engine each time, so it includes loading
// the snapshot and the full analysis. ARCHITECTURE.md §7 sets < 20 ms for
// the report page of such a round.
func BenchmarkConsensusReport(b *testing.B) {
	for _, backend := range []struct {
		name string
		open func(testing.TB) *bunstore.DB
	}{{"sqlite", bunstoretest.SQLite}, {"postgres", bunstoretest.Postgres}} {
		b.Run(backend.name, func(b *testing.B) {
			store := bunstore.NewStore(backend.open(b))
			fac, roundID := setUpReportBench(b, engine.New(engine.Config{Store: store}))
			ctx := context.Background()
			b.Run("cached", func(b *testing.B) {
				e := engine.New(engine.Config{Store: store})
				if _, err := e.ConsensusReport(ctx, fac, roundID); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := e.ConsensusReport(ctx, fac, roundID); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("uncached", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := engine.New(engine.Config{Store: store}).ConsensusReport(ctx, fac, roundID); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// setUpReportBench builds a group of 30 members in four perspectives and
// a round of 60 proposals that every member rates, a quarter of the
// ratings with a reason, and returns the facilitator and the round.
func setUpReportBench(b *testing.B, e *engine.Engine) (engine.Actor, string) {
	ctx := context.Background()
	acct, _, err := e.SignUp(ctx, engine.SignUpInput{Email: "bench@example.org", Name: "Bench", Password: "correct horse battery"})
	if err != nil {
		b.Fatal(err)
	}
	fac := engine.Actor{AccountID: acct.ID}
	persp := []string{"lived experience", "carer", "practitioner", "commissioner"}
	g, err := e.CreateGroup(ctx, fac, engine.GroupInput{Name: "Bench", Settings: engine.GroupSettings{Perspectives: persp}})
	if err != nil {
		b.Fatal(err)
	}
	var members []engine.Actor
	var ids []string
	for i := range 30 {
		_, inv, err := e.CreateInvite(ctx, fac, g.ID, engine.InviteInput{})
		if err != nil {
			b.Fatal(err)
		}
		m, session, err := e.Join(ctx, engine.Actor{}, engine.JoinInput{Token: inv, DisplayName: fmt.Sprintf("Member %d", i),
			Perspective: persp[i%len(persp)], ResearchConsent: true, ReasonsConsent: i%3 != 0})
		if err != nil {
			b.Fatal(err)
		}
		a, err := e.Authenticate(ctx, session)
		if err != nil {
			b.Fatal(err)
		}
		members, ids = append(members, a), append(ids, m.ID)
	}
	rd, err := e.CreateRound(ctx, fac, g.ID, engine.RoundInput{Prompt: "Benchmark"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.TransitionRound(ctx, fac, rd.ID, engine.TransitionOpen); err != nil {
		b.Fatal(err)
	}
	var proposals []string
	for i := range 60 {
		p, err := e.AddProposal(ctx, members[i%30], rd.ID, engine.ProposalInput{Text: fmt.Sprintf("Proposal %d", i)})
		if err != nil {
			b.Fatal(err)
		}
		proposals = append(proposals, p.ID)
	}
	if _, err := e.TransitionRound(ctx, fac, rd.ID, engine.TransitionRating); err != nil {
		b.Fatal(err)
	}
	var batch []engine.RatingInput
	flush := func() {
		if len(batch) > 0 {
			if _, err := e.SubmitRatings(ctx, fac, batch); err != nil {
				b.Fatal(err)
			}
			batch = nil
		}
	}
	for mi, id := range ids {
		for pi, pid := range proposals {
			// Ratings lean by perspective and proposal, so verdicts,
			// dissent and divergences all occur.
			v := 1 + (mi*7+pi*3+mi*pi)%5
			in := engine.RatingInput{RoundID: rd.ID, ProposalID: pid, MemberID: id, Value: &v, Mode: engine.ModeInRoom}
			if (mi+pi)%4 == 0 {
				in.Reason = "Because it matters to me."
			}
			batch = append(batch, in)
			if len(batch) == engine.MaxBulkRatings {
				flush()
			}
		}
	}
	flush()
	return fac, rd.ID
}
