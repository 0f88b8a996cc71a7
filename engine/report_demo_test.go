package engine_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/analysis"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
	"github.com/allvoice/allvoice/engine/demo"
)

// TestReportsOnTheDemo reads every report of the demo group on both
// databases and checks them against the analysis they are built from: the
// same figures card by card, suppression exactly where the analysis
// suppressed, reasons only of members who consented (Ivan and Farah did
// not), the decisions recorded, the under-heard voice the demo plants
// (Sam), and the methods report, Easy Read summary and paths.
func TestReportsOnTheDemo(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		ctx := context.Background()
		store := bunstore.NewStore(db)
		seeded, err := demo.Seed(ctx, store)
		must(t, err)
		e := engine.New(engine.Config{Store: store})
		_, token, err := e.LogIn(ctx, demo.FacilitatorEmail, demo.FacilitatorPassword)
		must(t, err)
		fac, err := e.Authenticate(ctx, token)
		must(t, err)
		gid := seeded.GroupID
		members, err := e.ListMembers(ctx, fac, gid)
		must(t, err)
		consent, idOf := map[string]bool{}, map[string]string{}
		for _, m := range members {
			consent[m.ID], idOf[m.DisplayName] = m.Consents.Reasons, m.ID
		}
		decisions, err := e.ListDecisions(ctx, fac, gid)
		must(t, err)
		_, evToken, err := e.CreateInvite(ctx, fac, gid, engine.InviteInput{Role: engine.RoleEvaluator})
		must(t, err)
		_, evSession, err := e.Join(ctx, engine.Actor{}, engine.JoinInput{Token: evToken, DisplayName: "Evaluator"})
		must(t, err)
		evaluator, err := e.Authenticate(ctx, evSession)
		must(t, err)

		samFlagged := false
		for i, rid := range seeded.RoundIDs {
			rep, err := e.ConsensusReport(ctx, fac, rid)
			must(t, err)
			full, err := e.RoundAnalysis(ctx, fac, rid)
			must(t, err)
			raw, err := json.Marshal(rep)
			must(t, err)
			h := rep.Headline
			if rep.Round.Number != i+1 || h.Proposals != len(full.Proposals) || h.ConsensusFor+h.ConsensusAgainst+h.Undecided+h.Split != h.Proposals ||
				h.ConsensusFor != full.Round.Verdicts.ConsensusFor || h.Settled != len(full.Round.Stability.Settled) || !rep.Identities {
				t.Fatalf("round %d: headline %+v against %+v", i+1, h, full.Round.Verdicts)
			}
			decided := 0
			for _, d := range decisions {
				if d.RoundID == rid {
					decided++
				}
			}
			if h.Decided != decided {
				t.Errorf("round %d: %d decided, %d decisions recorded", i+1, h.Decided, decided)
			}
			for j, c := range rep.Proposals {
				p := full.Proposals[j]
				if c.ID != p.ID || c.Number != j+1 || c.NRated != p.NRated || c.NPassed != p.NPassed || c.Verdict != string(p.Verdict) ||
					!slices.Equal(c.Distribution, p.Distribution) || (c.Agree == nil) != (p.Agree == nil) || (c.Agree != nil && *c.Agree != *p.Agree) ||
					(c.Median == nil) != (p.Median == nil) || (c.Median != nil && *c.Median != *p.Median) || c.Text == "" {
					t.Errorf("round %d card %d differs from the analysis: %+v", i+1, j+1, c.ReportRef)
				}
				for k, pp := range c.ByPerspective {
					ap := p.ByPerspective[k]
					if pp.Suppressed != ap.Suppressed || (!pp.Suppressed && (pp.NRated < rep.Basis.MinCellSize || pp.NRated != ap.Cell.NRated || pp.Verdict != string(ap.Cell.Verdict))) {
						t.Errorf("round %d card %d, %s: %+v against %+v", i+1, j+1, pp.Perspective, pp, ap)
					}
				}
				var reasons []engine.ReportReason
				if c.Dissent != nil {
					reasons = append(reasons, c.Dissent.Reasons...)
				}
				if c.Change != nil {
					reasons = append(reasons, c.Change.Reasons...)
				}
				for _, rr := range reasons {
					if !consent[rr.Member.ID] || rr.Reason == "" {
						t.Errorf("round %d card %d shows a reason of %s, who did not consent", i+1, j+1, rr.Member.Name)
					}
				}
			}
			// Ivan told the room why he changed his mind in round 2, but did
			// not consent to his reasons being shared.
			if strings.Contains(string(raw), "Sam explained why a quiet room matters.") {
				t.Errorf("round %d's report shows Ivan's reason", i+1)
			}
			for _, f := range rep.UnderHeard.Flags {
				if f.Member != nil && f.Member.Name == "Sam" && f.Kind == analysis.FlagAttention {
					samFlagged = true
					ev, err := e.ConsensusReport(ctx, evaluator, rid)
					must(t, err)
					found := false
					for _, ts := range rep.Agenda.GiveTimeTo {
						for _, ef := range ev.UnderHeard.Flags {
							found = found || (ef.Kind == analysis.FlagAttention && ts.Pseudonym == ef.Member.ID && ts.Pseudonym != "" && len(ts.Proposals) > 0)
						}
					}
					if !found {
						t.Errorf("round %d: Sam is flagged but the agenda gives no time to Sam's pseudonym: %+v", i+1, rep.Agenda.GiveTimeTo)
					}
					if strings.Contains(mustJSON(t, rep.Agenda), "Sam") {
						t.Errorf("round %d: the suggested agenda names Sam", i+1)
					}
				}
			}
		}
		if !samFlagged {
			t.Error("the demo's under-heard voice, Sam, is flagged in no round")
		}

		m, err := e.MethodsReport(ctx, fac, gid)
		must(t, err)
		if len(m.Rounds) != 3 || m.Panel.Members != 12 || m.Rounds[2].State != engine.RoundRating || m.Rounds[0].Participation.Responded != 12 ||
			m.Decisions.Total() != len(decisions) || m.Consensus.Current.Version != 1 || len(m.Rounds[1].Changes) == 0 {
			t.Fatalf("methods report: panel %+v, %d rounds", m.Panel, len(m.Rounds))
		}
		wantPanel := map[string]int{"lived experience": 4, "carer": 3, "practitioner": 3, "commissioner": 2}
		for _, pc := range m.Panel.ByPerspective {
			if pc.Suppressed || *pc.Count != wantPanel[pc.Perspective] {
				t.Errorf("panel %s: %+v", pc.Perspective, pc)
			}
		}
		if md := m.Markdown(); !strings.Contains(md, "# Methods report: Riverside drop-in: redesigning the mental health drop-in together\n") ||
			!strings.Contains(md, "| commissioner | 2 |") || !strings.Contains(md, "### Round 3: Final check before the pilot starts") {
			t.Errorf("methods Markdown:\n%s", md)
		}

		amara, err := e.Authenticate(ctx, seeded.MemberTokens["Amara"])
		must(t, err)
		er, err := e.EasyReadSummary(ctx, amara, seeded.RoundIDs[0])
		must(t, err)
		mine := 0
		for _, idea := range er.Ideas {
			if idea.Agreed+idea.Middle+idea.Disagreed != idea.Rated || idea.Amount != engine.AmountOf(idea.Agreed, idea.Rated) || !idea.Shown {
				t.Errorf("Easy Read idea %+v", idea)
			}
			if idea.YouProposed {
				mine++
			}
		}
		if er.TookPart != 12 || len(er.Ideas) == 0 || er.Decisions.Total() != 6 || mine == 0 {
			t.Errorf("Easy Read of round 1: took part %d, %d ideas, decisions %+v, %d of Amara's", er.TookPart, len(er.Ideas), er.Decisions, mine)
		}
		_, err = e.EasyReadSummary(ctx, amara, seeded.RoundIDs[2])
		wantErr(t, err, engine.ECONFLICT, "round_id")

		gareth, err := e.Authenticate(ctx, seeded.MemberTokens["Gareth"])
		must(t, err)
		paths, err := e.MyPaths(ctx, gareth, gid)
		must(t, err)
		long, seen := 0, map[string]bool{}
		for _, p := range paths {
			if seen[p.ProposalID] {
				t.Errorf("proposal %s has two paths", p.ProposalID)
			}
			seen[p.ProposalID] = true
			for k := 1; k < len(p.Points); k++ {
				if p.Points[k].RoundNumber <= p.Points[k-1].RoundNumber {
					t.Errorf("path %+v is not in round order", p)
				}
			}
			if len(p.Points) > 1 {
				long++
			}
		}
		if len(paths) < 14 || long == 0 {
			t.Errorf("Gareth has %d paths, %d across rounds", len(paths), long)
		}
		_ = idOf
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	must(t, err)
	return string(raw)
}
