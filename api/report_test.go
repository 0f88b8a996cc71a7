package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// closedRound returns group A's closed earlier round, for the operations
// that need one.
func (f *matrixFixture) closedRound() string {
	var rounds listBody[engine.Round]
	f.s.ok(call{method: http.MethodGet, path: "/groups/" + f.groupA + "/rounds", token: f.tokens[roleFac]}, http.StatusOK, &rounds)
	for _, r := range rounds.Items {
		if r.State == engine.RoundClosed {
			return r.ID
		}
	}
	f.s.t.Fatal("group A has no closed round")
	return ""
}

// reportWorld is a closed round of six members in two perspectives with
// one proposal everyone agrees on and one that divides them, and a
// decision on the first.
type reportWorld struct {
	fac, evaluator string
	members        []string
	names          []string
	group          *engine.Group
	round          *engine.Round
	agreed, split  *engine.Proposal
}

func newReportWorld(t *testing.T, s *server) *reportWorld {
	w := &reportWorld{}
	w.fac, _ = s.account("Report facilitator")
	w.group = s.group(w.fac, &settingsRequest{Perspectives: []string{"lived experience", "carer"}, MinCellSize: 3})
	inv := s.invite(w.fac, w.group.ID, inviteRequest{Kind: engine.InviteReusable, MaxUses: 20})
	for i, name := range []string{"Ada", "Bea", "Cal", "Dee", "Eve", "Fay"} {
		persp := "lived experience"
		if i >= 3 {
			persp = "carer"
		}
		_, tok := s.join(inv, name, persp)
		w.members, w.names = append(w.members, tok), append(w.names, name)
	}
	_, w.evaluator = s.join(s.invite(w.fac, w.group.ID, inviteRequest{Role: engine.RoleEvaluator}), "Evaluator", "")
	w.round = s.round(w.fac, w.group.ID, "What should change?")
	s.transition(w.fac, w.round.ID, "open")
	w.agreed = s.propose(w.members[0], w.round.ID, "Open in the evenings")
	w.split = s.propose(w.members[1], w.round.ID, "Close on Mondays")
	s.transition(w.fac, w.round.ID, "rating")
	for i, tok := range w.members {
		s.ok(call{method: http.MethodPost, path: "/rounds/" + w.round.ID + "/ratings", token: tok,
			body: ratingRequest{ProposalID: w.agreed.ID, Value: intp(4 + i%2), Reason: "Reason of " + w.names[i]}}, http.StatusCreated, nil)
		v := 1
		if i%2 == 0 {
			v = 5
		}
		s.ok(call{method: http.MethodPost, path: "/rounds/" + w.round.ID + "/ratings", token: tok,
			body: ratingRequest{ProposalID: w.split.ID, Value: intp(v)}}, http.StatusCreated, nil)
	}
	s.transition(w.fac, w.round.ID, "close")
	return w
}

// TestReportOperations reads the consensus report, the methods report,
// the Easy Read summary and a member's paths through the API on both
// databases: ETags and 304s, the verdicts, what each role sees, and that
// an evaluator's report names nobody.
func TestReportOperations(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		s := newServer(t, db)
		w := newReportWorld(t, s)
		path := "/rounds/" + w.round.ID + "/report"

		first := s.ok(call{method: http.MethodGet, path: path, token: w.fac}, http.StatusOK, nil)
		etag := first.header.Get("ETag")
		if etag == "" || first.header.Get("Cache-Control") != "private, no-cache" {
			t.Fatalf("report: ETag %q, Cache-Control %q", etag, first.header.Get("Cache-Control"))
		}
		if again := s.do(call{method: http.MethodGet, path: path, token: w.fac, header: map[string]string{"If-None-Match": etag}}); again.status != http.StatusNotModified ||
			len(again.body) != 0 || again.header.Get("ETag") != etag {
			t.Fatalf("report with If-None-Match: %d %s", again.status, again.body)
		}
		s.ok(call{method: http.MethodPost, path: "/rounds/" + w.round.ID + "/decisions", token: w.fac,
			body: decisionRequest{ProposalID: w.agreed.ID, Outcome: engine.DecisionAdopted, Rationale: "Everyone agreed."}}, http.StatusCreated, nil)
		var rep engine.ConsensusReport
		changed := s.ok(call{method: http.MethodGet, path: path, token: w.fac, header: map[string]string{"If-None-Match": etag}}, http.StatusOK, &rep)
		if changed.header.Get("ETag") == etag {
			t.Fatal("report ETag unchanged after a decision")
		}
		if rep.Headline.ConsensusFor != 1 || rep.Headline.Split != 1 || rep.Headline.Decided != 1 || len(rep.Proposals) != 2 {
			t.Fatalf("headline %+v", rep.Headline)
		}
		if c := rep.Proposals[0]; c.ID != w.agreed.ID || c.Verdict != engine.VerdictConsensusFor || c.Agree == nil || c.Agree.Proportion != 1 ||
			c.Decision == nil || c.Decision.Rationale != "Everyone agreed." || c.Author == nil || c.Author.Name != "Ada" {
			t.Fatalf("card of the agreed proposal: %+v", c)
		}
		if !rep.Identities || rep.Basis.RuleVersion != 1 || rep.Basis.AnalysisVersion == "" || rep.Basis.RuleText == "" {
			t.Fatalf("basis %+v, identities %v", rep.Basis, rep.Identities)
		}

		// The evaluator reads pseudonyms: no display name anywhere.
		var eval engine.ConsensusReport
		raw := s.ok(call{method: http.MethodGet, path: path, token: w.evaluator}, http.StatusOK, &eval)
		if eval.Identities || eval.Headline != rep.Headline {
			t.Fatalf("evaluator's report: identities %v, headline %+v", eval.Identities, eval.Headline)
		}
		for _, name := range w.names {
			if strings.Contains(string(raw.body), `"`+name+`"`) || strings.Contains(string(raw.body), name+"'") {
				t.Errorf("the evaluator's report names %s", name)
			}
		}
		s.ok(call{method: http.MethodGet, path: path, token: w.members[0]}, http.StatusForbidden, nil)

		// The methods report, with its ETag.
		mpath := "/groups/" + w.group.ID + "/methods-report"
		var mr engine.MethodsReport
		m1 := s.ok(call{method: http.MethodGet, path: mpath, token: w.evaluator}, http.StatusOK, &mr)
		if m2 := s.do(call{method: http.MethodGet, path: mpath, token: w.evaluator, header: map[string]string{"If-None-Match": m1.header.Get("ETag")}}); m2.status != http.StatusNotModified {
			t.Fatalf("methods report with If-None-Match: %d", m2.status)
		}
		if len(mr.Rounds) != 1 || mr.Panel.Members != 6 || mr.Decisions.Adopted != 1 || mr.Rounds[0].Participation == nil ||
			mr.Rounds[0].Participation.Responded != 6 {
			t.Fatalf("methods report: panel %+v, rounds %+v", mr.Panel, mr.Rounds)
		}
		s.ok(call{method: http.MethodGet, path: mpath, token: w.members[0]}, http.StatusForbidden, nil)

		// The Easy Read summary for a member; none before a round closes.
		var er engine.EasyReadSummary
		s.ok(call{method: http.MethodGet, path: "/rounds/" + w.round.ID + "/easy-read", token: w.members[2]}, http.StatusOK, &er)
		if er.TookPart != 6 || len(er.Ideas) != 2 || er.Ideas[0].Agreed != 6 || er.Ideas[0].Amount != engine.AmountEveryone ||
			er.Ideas[0].Decision != engine.DecisionAdopted || er.Ideas[1].Agreed != 3 || er.Ideas[1].Disagreed != 3 || er.Ideas[1].Amount != engine.AmountAboutHalf {
			t.Fatalf("easy read %+v", er)
		}
		open := s.round(w.fac, w.group.ID, "Next")
		s.transition(w.fac, open.ID, "rating")
		s.ok(call{method: http.MethodGet, path: "/rounds/" + open.ID + "/easy-read", token: w.members[2]}, http.StatusConflict, nil)

		// A member's own paths.
		var paths listBody[engine.MyPath]
		s.ok(call{method: http.MethodGet, path: "/groups/" + w.group.ID + "/my-paths", token: w.members[0]}, http.StatusOK, &paths)
		if len(paths.Items) != 2 || len(paths.Items[0].Points) != 1 || paths.Items[0].Points[0].Reason != "Reason of Ada" {
			t.Fatalf("paths %+v", paths.Items)
		}
	})
}

// BenchmarkReportEndpoint measures GET /rounds/{id}/report for a round of
// 30 members × 60 proposals (every member rates every proposal) through
// the API on SQLite, with the analysis cached after the first request:
// what a facilitator re-opening the report costs. ARCHITECTURE.md §7's
// target for the report page is < 20 ms.
func BenchmarkReportEndpoint(b *testing.B) {
	s := newServer(b, bunstoretest.SQLite(b))
	fac, roundID := setUpReportBench(b, s.eng)
	path := "/rounds/" + roundID + "/report"
	s.ok(call{method: http.MethodGet, path: path, token: fac}, http.StatusOK, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if r := s.do(call{method: http.MethodGet, path: path, token: fac}); r.status != http.StatusOK {
			b.Fatalf("status %d", r.status)
		}
	}
}

// setUpReportBench builds a group of 30 members in four perspectives and
// a round of 60 proposals they all rate, and returns the facilitator's
// session token and the round.
func setUpReportBench(b *testing.B, e *engine.Engine) (string, string) {
	ctx := context.Background()
	_, tok, err := e.SignUp(ctx, engine.SignUpInput{Email: unique("bench") + "@example.org", Name: "Bench", Password: testPassword})
	if err != nil {
		b.Fatal(err)
	}
	fac, err := e.Authenticate(ctx, tok)
	if err != nil {
		b.Fatal(err)
	}
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
	for mi, id := range ids {
		for pi, pid := range proposals {
			v := 1 + (mi*7+pi*3+mi*pi)%5
			in := engine.RatingInput{RoundID: rd.ID, ProposalID: pid, MemberID: id, Value: &v, Mode: engine.ModeInRoom}
			if (mi+pi)%4 == 0 {
				in.Reason = "Because"
			}
			batch = append(batch, in)
			if len(batch) == engine.MaxBulkRatings {
				if _, err := e.SubmitRatings(ctx, fac, batch); err != nil {
					b.Fatal(err)
				}
				batch = nil
			}
		}
	}
	if len(batch) > 0 {
		if _, err := e.SubmitRatings(ctx, fac, batch); err != nil {
			b.Fatal(err)
		}
	}
	return tok, rd.ID
}
