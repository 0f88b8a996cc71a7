package engine_test

import (
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/analysis"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// Reasons of members who did not consent to sharing them. They must never
// appear in any report, whoever reads it.
const (
	secretDissent = "FLO-PRIVATE-DISSENT"
	secretMove    = "FLO-PRIVATE-CHANGE"
	secretAda     = "ADA-PRIVATE-REASON"
)

// reportScenario is a hand-built group with known answers: eight members
// in three perspectives (lived experience 4, carer 3, practitioner 1,
// below the minimum cell size of 3) and a round of four proposals:
//
//	P1 everyone rates 4 or 5: consensus for, 8 of 8 agree;
//	P2 six rate 4 or 5, Ed 2 (consented reason), Flo 1 (reason, no consent):
//	   consensus for at exactly 75 %, two dissenters;
//	P3 half rate 1, half 5: split;
//	P4 three ratings: too few for the rule's minimum of 5.
type reportScenario struct {
	*world
	evaluator engine.Actor
	byName    map[string]engine.Actor
	round     *engine.Round
	p         []*engine.Proposal
}

func newReportScenario(t *testing.T, db *bunstore.DB) *reportScenario {
	w := newWorld(t, db, engine.GroupSettings{Scale: engine.ScaleLikert5, MinCellSize: 3,
		Perspectives: []string{"lived experience", "carer", "practitioner"}})
	s := &reportScenario{world: w, byName: map[string]engine.Actor{}}
	for i, name := range w.names {
		s.byName[name] = w.members[i]
	}
	for _, m := range []struct {
		name, persp string
		consent     bool
	}{{"Di", "lived experience", true}, {"Ed", "lived experience", true}, {"Flo", "lived experience", false},
		{"Gus", "carer", true}, {"Hal", "carer", true}} {
		s.byName[m.name] = s.joinWithConsent(m.name, m.persp, m.consent)
	}
	_, token, err := w.e.CreateInvite(w.ctx, w.fac, w.group.ID, engine.InviteInput{Role: engine.RoleEvaluator})
	must(t, err)
	_, session, err := w.e.Join(w.ctx, engine.Actor{}, engine.JoinInput{Token: token, DisplayName: "Eva Evaluator"})
	must(t, err)
	s.evaluator, err = w.e.Authenticate(w.ctx, session)
	must(t, err)

	s.round, s.p = w.openRound("Everyone agrees", "Most agree", "Split down the middle", "Hardly rated")
	five, four := map[string]int{}, map[string]int{}
	for _, n := range []string{"Ada", "Bo", "Di", "Flo", "Hal"} {
		five[n] = 5
	}
	for _, n := range []string{"Cy", "Ed", "Gus"} {
		four[n] = 4
	}
	for n, v := range five {
		s.rateWith(n, s.p[0], v, "")
	}
	for n, v := range four {
		s.rateWith(n, s.p[0], v, "")
	}
	for _, n := range []string{"Ada", "Bo", "Cy", "Di", "Gus", "Hal"} {
		s.rateWith(n, s.p[1], 4, "")
	}
	s.rateWith("Ed", s.p[1], 2, "Evenings are hard for carers to staff.")
	s.rateWith("Flo", s.p[1], 1, secretDissent)
	for i, n := range []string{"Ada", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal"} {
		v, reason := 1, ""
		if i%2 == 0 {
			v = 5
		}
		if n == "Ada" {
			reason = secretAda // Ada joined without consenting to share reasons
		}
		s.rateWith(n, s.p[2], v, reason)
	}
	for _, n := range []string{"Ada", "Bo", "Cy"} {
		s.rateWith(n, s.p[3], 3, "")
	}
	return s
}

// joinWithConsent adds a member who does or does not consent to their
// reasons being shared.
func (s *reportScenario) joinWithConsent(name, perspective string, consent bool) engine.Actor {
	s.t.Helper()
	_, token, err := s.e.CreateInvite(s.ctx, s.fac, s.group.ID, engine.InviteInput{})
	must(s.t, err)
	_, session, err := s.e.Join(s.ctx, engine.Actor{}, engine.JoinInput{Token: token, DisplayName: name, Perspective: perspective,
		ResearchConsent: true, ReasonsConsent: consent})
	must(s.t, err)
	actor, err := s.e.Authenticate(s.ctx, session)
	must(s.t, err)
	s.members, s.names = append(s.members, actor), append(s.names, name)
	return actor
}

func (s *reportScenario) rateWith(name string, p *engine.Proposal, v int, reason string) {
	s.t.Helper()
	_, err := s.e.SubmitRating(s.ctx, s.byName[name], engine.RatingInput{RoundID: p.RoundID, ProposalID: p.ID, Value: &v, Reason: reason})
	must(s.t, err)
}

func (s *reportScenario) report(actor engine.Actor, roundID string) (*engine.ConsensusReport, string) {
	s.t.Helper()
	r, err := s.e.ConsensusReport(s.ctx, actor, roundID)
	must(s.t, err)
	raw, err := json.Marshal(r)
	must(s.t, err)
	return r, string(raw)
}

// wilson is the Wilson 95 % interval computed by hand (Wilson 1927).
func wilson(k, n int) (lo, hi float64) {
	const z = 1.959963984540054
	p, nf := float64(k)/float64(n), float64(n)
	den := 1 + z*z/nf
	centre := (p + z*z/(2*nf)) / den
	half := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / den
	return math.Max(0, centre-half), math.Min(1, centre+half)
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestConsensusReportKnownAnswers checks the report of the hand-built
// round against answers worked out by hand, on both databases: verdicts,
// percent agree and its Wilson interval, quartiles, the suppression of a
// perspective below the minimum cell size, dissent with only consented
// reasons, the suggested agenda, who may read it, pseudonyms for the
// evaluator, and byte-identical output for the same data.
func TestConsensusReportKnownAnswers(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		s := newReportScenario(t, db)
		r, raw := s.report(s.fac, s.round.ID)

		if h := r.Headline; h.Proposals != 4 || h.ConsensusFor != 2 || h.ConsensusAgainst != 0 || h.Split != 1 || h.TooFew != 1 || h.Undecided != 1 || h.Decided != 0 {
			t.Fatalf("headline %+v", h)
		}
		if r.Basis.RuleVersion != 1 || r.Basis.AnalysisVersion != analysis.Version || r.Basis.MinCellSize != 3 ||
			!strings.Contains(r.Basis.RuleText, "at least 75% of the people who rated it chose 4–5") || r.Basis.RuleNote != "" {
			t.Fatalf("basis %+v", r.Basis)
		}
		if !r.Identities || r.Round.Number != 1 || len(r.Proposals) != 4 || len(r.HowToRead) == 0 {
			t.Fatalf("identities %v, round %+v, %d cards", r.Identities, r.Round, len(r.Proposals))
		}

		p1 := r.Proposals[0]
		lo, hi := wilson(8, 8)
		if p1.ID != s.p[0].ID || p1.Number != 1 || p1.Verdict != engine.VerdictConsensusFor || p1.Agree == nil ||
			p1.Agree.Count != 8 || p1.Agree.N != 8 || p1.Agree.Proportion != 1 || !near(p1.Agree.Lower, lo) || !near(p1.Agree.Upper, hi) {
			t.Fatalf("P1 %+v agree %+v (want Wilson %v–%v)", p1.ReportRef, p1.Agree, lo, hi)
		}
		// 4,4,4,5,5,5,5,5 (type 7): median 5, Q1 4, Q3 5, IQR 1.
		if *p1.Median != 5 || *p1.Q1 != 4 || *p1.Q3 != 5 || *p1.IQR != 1 || !slices.Equal(p1.Distribution, []int{0, 0, 0, 3, 5}) {
			t.Fatalf("P1 quartiles %v %v %v %v, distribution %v", *p1.Median, *p1.Q1, *p1.Q3, *p1.IQR, p1.Distribution)
		}
		if p1.Author == nil || p1.Author.Name != "Ada" || p1.RuleVersion != 1 || p1.AnalysisVersion != analysis.Version || p1.Dissent == nil || p1.Dissent.Count != 0 {
			t.Fatalf("P1 author %+v, versions %d %s, dissent %+v", p1.Author, p1.RuleVersion, p1.AnalysisVersion, p1.Dissent)
		}

		p2 := r.Proposals[1]
		lo, hi = wilson(6, 8)
		if p2.Verdict != engine.VerdictConsensusFor || p2.Agree.Count != 6 || !near(p2.Agree.Proportion, 0.75) ||
			!near(p2.Agree.Lower, lo) || !near(p2.Agree.Upper, hi) || p2.Disagree.Count != 2 {
			t.Fatalf("P2 %+v agree %+v (want 6/8 with Wilson %v–%v)", p2.Verdict, p2.Agree, lo, hi)
		}
		d := p2.Dissent
		if d == nil || d.Zone != "agree" || d.Count != 2 || d.WithoutReason != 1 || len(d.Reasons) != 1 ||
			d.Reasons[0].Member.Name != "Ed" || d.Reasons[0].Value != 2 || d.Reasons[0].Reason != "Evenings are hard for carers to staff." {
			t.Fatalf("P2 dissent %+v", d)
		}
		if r.Proposals[2].Verdict != engine.VerdictSplit || r.Proposals[3].Verdict != engine.VerdictTooFew || r.Proposals[3].NRated != 3 {
			t.Fatalf("P3 %s, P4 %s (%d rated)", r.Proposals[2].Verdict, r.Proposals[3].Verdict, r.Proposals[3].NRated)
		}

		// Per perspective: practitioner (one member) never has figures;
		// lived experience (4 raters) and carer (3) do on P1.
		for _, c := range r.Proposals {
			if len(c.ByPerspective) != 3 {
				t.Fatalf("%s: %d perspectives", c.ID, len(c.ByPerspective))
			}
			pr := c.ByPerspective[2]
			if pr.Perspective != "practitioner" || !pr.Suppressed || pr.NRated != 0 || pr.Verdict != "" || pr.Agree != nil || pr.Median != nil || pr.Distribution != nil {
				t.Errorf("%s: practitioner cell %+v", c.ID, pr)
			}
			if c.Dissent != nil {
				for _, pc := range c.Dissent.ByPerspective {
					if pc.Perspective == "practitioner" && (!pc.Suppressed || pc.Count != nil) {
						t.Errorf("%s: practitioner dissent %+v", c.ID, pc)
					}
				}
			}
		}
		// Within a perspective the rule's minimum of 5 raters still holds.
		if lived, carer := p1.ByPerspective[0], p1.ByPerspective[1]; lived.Suppressed || lived.NRated != 4 || lived.Verdict != engine.VerdictTooFew ||
			carer.Suppressed || carer.NRated != 3 || carer.Agree == nil || carer.Agree.Count != 3 || carer.Agree.Proportion != 1 {
			t.Fatalf("P1 lived %+v, carer %+v", lived, carer)
		}
		for _, pp := range r.Participation.ByPerspective {
			if pp.Perspective == "practitioner" && (!pp.Suppressed || pp.Invited != nil) {
				t.Errorf("participation of practitioners %+v", pp)
			}
		}

		// Consent: neither secret reason appears anywhere.
		for _, secret := range []string{secretDissent, secretAda} {
			if strings.Contains(raw, secret) {
				t.Errorf("the facilitator's report shows a reason its member did not consent to share: %s", secret)
			}
		}

		// Suggested agenda: P1 to decide; P2 to revisit, because lived
		// experience (2 of 4 agree) stands 50 points from everyone else (4
		// of 4), both sides at least the minimum cell size; P3 and P4 to
		// carry.
		ids := func(xs []engine.AgendaSuggestion) []string {
			var out []string
			for _, x := range xs {
				if x.Why == "" {
					t.Errorf("suggestion %s without a reason", x.ID)
				}
				out = append(out, x.ID)
			}
			return out
		}
		if got := ids(r.Agenda.Decide); !slices.Equal(got, []string{s.p[0].ID}) {
			t.Errorf("decide %v", got)
		}
		if got := ids(r.Agenda.Carry); !slices.Equal(got, []string{s.p[2].ID, s.p[3].ID}) {
			t.Errorf("carry %v", got)
		}
		if got := ids(r.Agenda.Revisit); !slices.Equal(got, []string{s.p[1].ID}) ||
			!strings.Contains(r.Agenda.Revisit[0].Why, "lived experience perspective: 50% agree with proposal 2, against 100%") {
			t.Errorf("revisit %+v", r.Agenda.Revisit)
		}
		// Divergences (gap ≥ 25 points, both sides ≥ 3 raters): on P2 lived
		// experience 2/4 vs 4/4 and carer 3/3 vs 3/5; on P3 carer 1/3 vs 3/5.
		if len(p2.Divergences) != 2 || !strings.Contains(p2.Divergences[1], "carer perspective: 100% agree with proposal 2, against 60%") ||
			len(r.Proposals[2].Divergences) != 1 || !strings.Contains(r.Proposals[2].Divergences[0], "carer perspective: 33.3% agree with proposal 3, against 60%") ||
			len(r.UnderHeard.Divergences) != 3 || r.UnderHeard.Divergences[2].Proposal.Number != 3 {
			t.Errorf("divergences: P2 %v, P3 %v, panel %+v", p2.Divergences, r.Proposals[2].Divergences, r.UnderHeard.Divergences)
		}
		if strings.Contains(raw, "agree with "+s.p[1].ID) {
			t.Error("a sentence names a proposal by its id")
		}

		// The same data gives the same bytes.
		if _, again := s.report(s.fac, s.round.ID); again != raw {
			t.Error("two reports of the same round differ")
		}

		// The evaluator: the same figures, under pseudonyms.
		ev, evRaw := s.report(s.evaluator, s.round.ID)
		if ev.Identities || ev.Headline != r.Headline || len(ev.Proposals[1].Dissent.Reasons) != 1 {
			t.Fatalf("evaluator: identities %v, headline %+v", ev.Identities, ev.Headline)
		}
		if who := ev.Proposals[1].Dissent.Reasons[0].Member; who.Name != "" || !strings.HasPrefix(who.ID, "m_") {
			t.Errorf("the evaluator sees a dissenter as %+v", who)
		}
		for _, name := range append(slices.Clone(s.names), "Fac") {
			if strings.Contains(evRaw, `"`+name+`"`) {
				t.Errorf("the evaluator's report names %s", name)
			}
		}
		for _, secret := range []string{secretDissent, secretAda} {
			if strings.Contains(evRaw, secret) {
				t.Errorf("the evaluator's report shows %s", secret)
			}
		}

		// Members may not read it; another group's facilitator cannot find it.
		_, err := s.e.ConsensusReport(s.ctx, s.byName["Ada"], s.round.ID)
		wantErr(t, err, engine.EFORBIDDEN, "")
		acct, _, err := s.e.SignUp(s.ctx, engine.SignUpInput{Email: "other@example.org", Name: "Other", Password: "correct horse battery"})
		must(t, err)
		_, err = s.e.ConsensusReport(s.ctx, engine.Actor{AccountID: acct.ID}, s.round.ID)
		wantErr(t, err, engine.ENOTFOUND, "")
		_, err = s.e.ConsensusReport(s.ctx, engine.Actor{}, s.round.ID)
		wantErr(t, err, engine.EUNAUTHORIZED, "")
	})
}

// TestReportsAcrossRounds carries the hand-built round into a second one
// under a changed consensus rule: the change since round 1 with only
// consented reasons, the rule note on round 1's report, and the methods
// report with its rule versions, panel, response and Markdown.
func TestReportsAcrossRounds(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		s := newReportScenario(t, db)
		ctx, e := s.ctx, s.e
		_, err := e.TransitionRound(ctx, s.fac, s.round.ID, engine.TransitionClose)
		must(t, err)
		_, err = e.RecordDecision(ctx, s.fac, engine.DecisionInput{RoundID: s.round.ID, ProposalID: s.p[0].ID, Outcome: engine.DecisionAdopted, Rationale: "Everyone agreed."})
		must(t, err)
		_, err = e.RecordDecision(ctx, s.fac, engine.DecisionInput{RoundID: s.round.ID, ProposalID: s.p[2].ID, Outcome: engine.DecisionRevisit, Rationale: "Talk it through."})
		must(t, err)

		// A new rule, and a name that Markdown would misread.
		settings := s.group.Settings
		settings.ConsensusRule = analysis.PercentAgreementRule(70)
		_, err = e.UpdateGroup(ctx, s.fac, s.group.ID, engine.GroupInput{Name: "Day *centre* | plan", Settings: settings})
		must(t, err)

		rd2, err := e.CreateRound(ctx, s.fac, s.group.ID, engine.RoundInput{Prompt: "Second look"})
		must(t, err)
		_, err = e.TransitionRound(ctx, s.fac, rd2.ID, engine.TransitionRating)
		must(t, err)
		// P3 comes back to revisit and P4 is carried; Ed and Flo move on P3.
		for i, n := range []string{"Ada", "Bo", "Cy", "Di", "Ed", "Flo", "Gus"} {
			v, reason, cat := 1, "", ""
			if i%2 == 0 {
				v = 5
			}
			switch n {
			case "Ed":
				v, reason, cat = 4, "Hearing the carers changed my mind.", engine.ChangeDiscussion
			case "Flo":
				v, reason, cat = 5, secretMove, engine.ChangeOthersViews
			}
			if cat != "" {
				// "What changed your mind?" is asked when a rating changes.
				first := 3
				_, err := e.SubmitRating(ctx, s.byName[n], engine.RatingInput{RoundID: rd2.ID, ProposalID: s.p[2].ID, Value: &first})
				must(t, err)
			}
			_, err := e.SubmitRating(ctx, s.byName[n], engine.RatingInput{RoundID: rd2.ID, ProposalID: s.p[2].ID, Value: &v, Reason: reason, ChangeCategory: cat})
			must(t, err)
		}
		r2, raw := s.report(s.fac, rd2.ID)
		if r2.Round.Number != 2 || len(r2.Proposals) != 2 || r2.Basis.RuleVersion != 2 || r2.Basis.RoundRuleVersion != 2 || r2.Basis.RuleNote != "" {
			t.Fatalf("round 2: %+v, basis %+v", r2.Round, r2.Basis)
		}
		c := r2.Proposals[0]
		if c.ID != s.p[2].ID || c.Source != engine.AgendaRevisit || c.Change == nil || c.Change.BaselineRound != 1 || c.Change.Paired != 7 {
			t.Fatalf("P3 in round 2: source %s, change %+v", c.Source, c.Change)
		}
		if len(c.Change.Reasons) != 1 || c.Change.Reasons[0].Member.Name != "Ed" || *c.Change.Reasons[0].From != 5 || c.Change.Reasons[0].Value != 4 ||
			c.Change.Reasons[0].ChangeCategory != engine.ChangeDiscussion {
			t.Fatalf("P3 movers' reasons %+v", c.Change.Reasons)
		}
		if strings.Contains(raw, secretMove) {
			t.Error("round 2's report shows a reason its member did not consent to share")
		}
		if r2.Proposals[1].ID != s.p[3].ID || r2.Proposals[1].Source != engine.AgendaCarried {
			t.Errorf("second item %s from %s", r2.Proposals[1].ID, r2.Proposals[1].Source)
		}
		if at := r2.Attrition; at == nil || at.PreviousRound != 1 || at.Previous != 8 || at.Left != 1 || at.Stayed != 7 {
			t.Errorf("attrition %+v (%s)", at, r2.AttritionNote)
		}
		// Round 1, re-read under version 2, says so.
		r1, _ := s.report(s.fac, s.round.ID)
		if r1.Basis.RuleVersion != 2 || r1.Basis.RoundRuleVersion != 1 || !strings.Contains(r1.Basis.RuleNote, "version 1") || r1.Headline.Decided != 2 {
			t.Errorf("round 1 re-read: basis %+v, headline %+v", r1.Basis, r1.Headline)
		}
		if len(r1.Agenda.Revisit) != 2 || r1.Agenda.Revisit[1].ID != s.p[2].ID || !strings.Contains(r1.Agenda.Revisit[1].Why, "Talk it through.") {
			t.Errorf("round 1 revisit suggestions %+v", r1.Agenda.Revisit)
		}

		// The methods report.
		m, err := e.MethodsReport(ctx, s.evaluator, s.group.ID)
		must(t, err)
		if m.Panel.Members != 8 || len(m.Panel.ByPerspective) != 3 || *m.Panel.ByPerspective[0].Count != 4 || *m.Panel.ByPerspective[1].Count != 3 ||
			!m.Panel.ByPerspective[2].Suppressed || m.Panel.ByPerspective[2].Count != nil {
			t.Fatalf("panel %+v", m.Panel)
		}
		if len(m.Rounds) != 2 || m.Rounds[0].RuleVersion != 1 || m.Rounds[1].RuleVersion != 2 || m.Rounds[0].ClosedAt == nil ||
			m.Rounds[0].Participation.Responded != 8 || m.Rounds[1].Participation.Responded != 7 || *m.Rounds[0].ResponseRate != 1 ||
			m.Rounds[1].Agenda.Revisit != 1 || m.Rounds[1].Agenda.Carried != 1 || m.Rounds[1].Attrition == nil || m.Rounds[1].Attrition.Left != 1 {
			t.Fatalf("rounds %+v", m.Rounds)
		}
		if m.Decisions.Adopted != 1 || m.Decisions.Revisit != 1 || m.Rounds[0].Decisions.Total() != 2 {
			t.Fatalf("decisions %+v", m.Decisions)
		}
		if len(m.Consensus.Versions) != 2 || !slices.Equal(m.Consensus.Versions[0].Rounds, []int{1}) || !slices.Equal(m.Consensus.Versions[1].Rounds, []int{2}) ||
			m.Consensus.Current.Version != 2 || !strings.Contains(m.Consensus.Current.Text, "at least 70%") {
			t.Fatalf("consensus definition %+v", m.Consensus)
		}
		changes := strings.Join(m.Rounds[1].Changes, "\n")
		for _, want := range []string{"2 proposals: 0 new, 1 carried forward and 1 brought back to revisit", "Round 1 ended with 2 decisions: 1 adopted",
			"changed from version 1 to version 2", "so far, 1 of the 8 members who rated in round 1 have not rated in it"} {
			if !strings.Contains(changes, want) {
				t.Errorf("changes since round 1 lack %q:\n%s", want, changes)
			}
		}
		md := m.Markdown()
		for _, want := range []string{"# Methods report: Day \\*centre\\* \\| plan\n", "| practitioner | fewer than 3 |", "| lived experience | 4 |",
			"| 1 | ", "| 2 | ", "- Version 1, declared ", "judged rounds 1:", "- Version 2, declared ", "The definition changed during the process.",
			"2 decisions in all: 1 adopted, 0 not adopted, 1 to revisit, 0 parked.", "## How the figures are computed"} {
			if !strings.Contains(md, want) {
				t.Errorf("the Markdown lacks %q:\n%s", want, md)
			}
		}
		for _, name := range s.names {
			if regexp.MustCompile(`\b` + name + `\b`).MatchString(md) {
				t.Errorf("the methods report names %s", name)
			}
		}
		_, err = e.MethodsReport(ctx, s.byName["Ada"], s.group.ID)
		wantErr(t, err, engine.EFORBIDDEN, "")

		// Ed's own path on P3 runs across both rounds.
		paths, err := e.MyPaths(ctx, s.byName["Ed"], s.group.ID)
		must(t, err)
		var p3 *engine.MyPath
		for i := range paths {
			if paths[i].ProposalID == s.p[2].ID {
				p3 = &paths[i]
			}
			if paths[i].ProposalID == s.p[0].ID && len(paths[i].Points) != 1 {
				t.Errorf("path on P1 %+v", paths[i])
			}
		}
		if len(paths) != 3 || p3 == nil || len(p3.Points) != 2 || p3.Points[0].RoundNumber != 1 || *p3.Points[0].Value != 5 ||
			p3.Points[1].RoundNumber != 2 || *p3.Points[1].Value != 4 || p3.Points[1].Reason != "Hearing the carers changed my mind." ||
			p3.Points[1].ChangeCategory != engine.ChangeDiscussion {
			t.Fatalf("Ed's paths %+v", paths)
		}
	})
}

// TestAmountOf checks the words for how many agreed at each boundary.
func TestAmountOf(t *testing.T) {
	for _, c := range []struct {
		agreed, rated int
		want          string
	}{
		{0, 0, ""}, {3, 3, engine.AmountEveryone}, {0, 4, engine.AmountNobody}, {9, 10, engine.AmountAlmostEveryone},
		{89, 100, engine.AmountMost}, {56, 100, engine.AmountMost}, {55, 100, engine.AmountAboutHalf}, {6, 12, engine.AmountAboutHalf},
		{45, 100, engine.AmountAboutHalf}, {44, 100, engine.AmountSome}, {1, 4, engine.AmountSome}, {24, 100, engine.AmountFew},
		{1, 12, engine.AmountFew}, {8, 12, engine.AmountMost},
	} {
		if got := engine.AmountOf(c.agreed, c.rated); got != c.want {
			t.Errorf("AmountOf(%d, %d) = %q, want %q", c.agreed, c.rated, got, c.want)
		}
	}
}

// TestEasyReadSummary checks the Easy Read summary of a closed round for
// a member, and that a group that never reveals ratings shows only its
// decisions.
func TestEasyReadSummary(t *testing.T) {
	for _, policy := range []string{engine.RevealAfterOwnRating, engine.RevealNever} {
		bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
			w := newWorld(t, db, engine.GroupSettings{Scale: engine.ScaleLikert5, RevealPolicy: policy})
			rd, ps := w.openRound("Open later", "Paint it blue")
			for i, m := range w.members {
				w.rate(m, rd.ID, ps[0].ID, 4+i%2)
				w.rate(m, rd.ID, ps[1].ID, 1+2*i)
			}
			_, err := w.e.EasyReadSummary(w.ctx, w.members[0], rd.ID)
			wantErr(t, err, engine.ECONFLICT, "round_id")
			_, err = w.e.TransitionRound(w.ctx, w.fac, rd.ID, engine.TransitionClose)
			must(t, err)
			_, err = w.e.RecordDecision(w.ctx, w.fac, engine.DecisionInput{RoundID: rd.ID, ProposalID: ps[0].ID, Outcome: engine.DecisionAdopted, Rationale: "We will."})
			must(t, err)
			s, err := w.e.EasyReadSummary(w.ctx, w.members[1], rd.ID)
			must(t, err)
			if s.RoundNumber != 1 || s.TookPart != 3 || s.Invited != 3 || len(s.Ideas) != 2 || s.Decisions.Adopted != 1 ||
				s.Ideas[0].Decision != engine.DecisionAdopted || s.Ideas[0].Rationale != "We will." || s.Ideas[1].Decision != "" {
				t.Fatalf("%s: summary %+v", policy, s)
			}
			if policy == engine.RevealNever {
				if s.ResultsShown || s.Ideas[0].Shown || s.Ideas[0].Rated != 0 || s.Ideas[0].Amount != "" {
					t.Fatalf("never: results shown %+v", s)
				}
				return
			}
			// 4, 5, 4 on the first idea; 1, 3, 5 on the second.
			a, b := s.Ideas[0], s.Ideas[1]
			if !s.ResultsShown || !a.Shown || a.Rated != 3 || a.Agreed != 3 || a.Amount != engine.AmountEveryone ||
				b.Agreed != 1 || b.Middle != 1 || b.Disagreed != 1 || b.Amount != engine.AmountSome {
				t.Fatalf("ideas %+v", s.Ideas)
			}
		})
	}
}
