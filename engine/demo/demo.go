package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/allvoice/allvoice/engine"
)

// Sign-in details of the demo facilitator. They are public by design: the
// demo is for exploring, never for real groups.
const (
	FacilitatorEmail    = "facilitator@demo.allvoice.test"
	FacilitatorPassword = "demo-facilitator-password"
	GroupName           = "Riverside drop-in: redesigning the mental health drop-in together"
)

// Result says what Seed created.
type Result struct {
	GroupID string
	// RoundIDs are the three rounds in order; the third is open for rating.
	RoundIDs []string
	// InviteToken is a reusable invite link token for joining round 3.
	InviteToken string
	// MemberTokens are session tokens of the seeded members by display name,
	// so tests can act as them.
	MemberTokens map[string]string
}

type person struct {
	name, perspective string
	// lean shifts this person's ratings: practitioners and commissioners
	// lean towards proposals about process, lived experience towards access.
	lean float64
}

var people = []person{
	{"Amara", "lived experience", 0.4}, {"Ben", "lived experience", 0.2}, {"Chloe", "lived experience", 0.5},
	{"Sam", "lived experience", 0.3},
	{"Dev", "carer", 0.1}, {"Erin", "carer", 0.3}, {"Farah", "carer", 0},
	{"Gareth", "practitioner", -0.3}, {"Hana", "practitioner", -0.1}, {"Ivan", "practitioner", -0.4},
	{"Joy", "commissioner", -0.5}, {"Kofi", "commissioner", -0.2},
}

// idea is a proposal with its author and how the room feels about it
// (support on −1..1), and whether it is about access (+) or process (−).
type idea struct {
	author   string
	text     string
	easyRead string
	support  float64
	access   float64
}

var round1Ideas = []idea{
	{"Amara", "Open the drop-in on two evenings a week, not only office hours.", "Open some evenings too.", 0.6, 1},
	{"Ben", "Let people come without a referral or an appointment.", "No referral needed.", 0.7, 1},
	{"Sam", "Have a quiet room for people who find groups too much.", "A quiet room.", 0.5, 1},
	{"Sam", "Peer workers with lived experience at every session.", "Peer workers at every session.", 0.4, 0.8},
	{"Dev", "Carers can come to a session with the person they care for.", "Carers can come too.", 0.3, 0.5},
	{"Gareth", "Every visit starts with a short risk assessment.", "A short safety check first.", -0.2, -1},
	{"Joy", "Measure outcomes with a standard wellbeing questionnaire each visit.", "A questionnaire each visit.", -0.3, -1},
	{"Hana", "Share one case record between the drop-in and the community team.", "Teams share one record.", 0.0, -0.6},
	{"Chloe", "Free tea, food and a phone charger at every session.", "Free tea, food and phone charging.", 0.8, 0.7},
	{"Erin", "Publish the opening times in Easy Read and in the local languages.", "Opening times in Easy Read and other languages.", 0.7, 0.6},
	{"Kofi", "Pilot the new model for six months before deciding.", "Try it for six months first.", 0.5, -0.4},
	{"Farah", "A named worker people can ask for each time.", "The same worker each time.", 0.4, 0.3},
	{"Ivan", "Close the drop-in when fewer than three staff are on shift.", "Close when too few staff.", -0.5, -1},
	{"Amara", "Don't make people come in the daytime only.", "", 0.5, 1}, // duplicate of the first; merged
}

var round2Ideas = []idea{
	{"Ben", "Text reminders the day before, for people who want them.", "A reminder text.", 0.4, 0.4},
	{"Hana", "A monthly meeting where members and staff review how it is going.", "A monthly review meeting.", 0.6, 0},
	{"Sam", "Training for staff run by people with lived experience.", "Training by people who have been there.", 0.3, 0.8},
	{"Joy", "A single phone number for the drop-in and the crisis line.", "One phone number.", 0.2, -0.2},
}

var reasons = map[bool][]string{
	true:  {"This would have helped me when I was unwell.", "It makes the service easier to reach.", "People I care for would use this.", "It's simple and it works elsewhere."},
	false: {"I worry about staff safety.", "We can't fund this yet.", "It would put some people off coming.", "I don't think this is the biggest problem."},
}

// clock hands out deterministic times a few minutes apart.
type clock struct{ t time.Time }

func (c *clock) now() time.Time {
	c.t = c.t.Add(3 * time.Minute)
	return c.t
}

// Seed creates the demo group in store. It is deterministic: the same
// store state gives the same group (ids and secrets aside).
func Seed(ctx context.Context, store engine.Store) (*Result, error) {
	clk := &clock{t: time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)}
	e := engine.New(engine.Config{Store: store, Now: clk.now})
	s := &seeder{e: e, ctx: ctx, rng: rand.New(rand.NewPCG(2026, 11)), members: map[string]engine.Actor{}, tokens: map[string]string{}}
	if err := s.run(); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return &s.res, nil
}

type seeder struct {
	e       *engine.Engine
	ctx     context.Context
	rng     *rand.Rand
	fac     engine.Actor
	members map[string]engine.Actor
	tokens  map[string]string
	ids     map[string]string // idea text → proposal id
	res     Result
}

func (s *seeder) run() error {
	ctx, e := s.ctx, s.e
	acct, _, err := e.SignUp(ctx, engine.SignUpInput{Email: FacilitatorEmail, Name: "Rosa (facilitator)", Password: FacilitatorPassword})
	if err != nil {
		return err
	}
	s.fac = engine.Actor{AccountID: acct.ID}
	g, err := e.CreateGroup(ctx, s.fac, engine.GroupInput{
		Name:        GroupName,
		Description: "People who use the drop-in, carers, staff and commissioners deciding together how it should work.",
		Settings: engine.GroupSettings{
			Scale: engine.ScaleLikert5, RevealPolicy: engine.RevealAfterOwnRating,
			Perspectives: []string{"lived experience", "carer", "practitioner", "commissioner"},
			MinCellSize:  2,
			GroundRules:  "Everyone's view counts the same. You can always pass. Be kind about ideas and people. What is said here stays here.",
		},
	})
	if err != nil {
		return err
	}
	s.res.GroupID = g.ID
	for _, p := range people {
		_, token, err := e.CreateInvite(ctx, s.fac, g.ID, engine.InviteInput{Kind: engine.InviteSingleUse, Perspective: p.perspective})
		if err != nil {
			return err
		}
		m, session, err := e.Join(ctx, engine.Actor{}, engine.JoinInput{Token: token, DisplayName: p.name,
			ResearchConsent: p.name != "Farah", ReasonsConsent: p.name != "Farah" && p.name != "Ivan"})
		if err != nil {
			return err
		}
		s.members[p.name] = engine.Actor{MemberID: m.ID}
		s.tokens[p.name] = session
	}
	s.res.MemberTokens = s.tokens
	s.ids = map[string]string{}

	// Round 1: propose, tidy up, rate, change minds, close, decide.
	r1, err := s.round("What should a good drop-in look like?", round1Ideas)
	if err != nil {
		return err
	}
	merged, err := e.RewriteProposals(ctx, s.fac, engine.LineageInput{Kind: engine.LineageMerge, RoundID: r1,
		ProposalIDs: []string{s.ids[round1Ideas[0].text], s.ids[round1Ideas[13].text]},
		Texts:       []engine.ProposalInput{{Text: "Open the drop-in on two evenings a week, not only in the daytime.", EasyRead: "Open some evenings too."}}})
	if err != nil {
		return err
	}
	s.ids[round1Ideas[0].text] = merged[0].ID
	reworded, err := e.RewriteProposals(ctx, s.fac, engine.LineageInput{Kind: engine.LineageReword, RoundID: r1,
		ProposalIDs: []string{s.ids[round1Ideas[5].text]},
		Texts:       []engine.ProposalInput{{Text: "Offer a short, optional wellbeing check at the start of a visit.", EasyRead: "A short check, only if you want."}}})
	if err != nil {
		return err
	}
	s.ids[round1Ideas[5].text] = reworded[0].ID
	if err := s.rateRound(r1, 0); err != nil {
		return err
	}
	if err := s.changeMind(r1, "Gareth", round1Ideas[1], 4, "Hearing Ben describe waiting weeks for a referral.", engine.ChangeDiscussion); err != nil {
		return err
	}
	if err := s.changeMind(r1, "Joy", round1Ideas[8], 4, "The cost is small next to what it does.", engine.ChangeNewInformation); err != nil {
		return err
	}
	if _, err := e.TransitionRound(ctx, s.fac, r1, engine.TransitionClose); err != nil {
		return err
	}
	for _, d := range []struct {
		i       int
		outcome string
		why     string
	}{
		{1, engine.DecisionAdopted, "Strong agreement across every perspective."},
		{8, engine.DecisionAdopted, "Cheap, and it matters to the people who come."},
		{9, engine.DecisionAdopted, "Everyone agreed; it costs little."},
		{12, engine.DecisionNotAdopted, "Most of the group disagreed; staff safety will be handled another way."},
		{6, engine.DecisionRevisit, "Practitioners and members were split; look again once the pilot is designed."},
		{7, engine.DecisionParked, "Needs advice on information sharing first."},
	} {
		if err := s.decide(r1, round1Ideas[d.i], d.outcome, d.why); err != nil {
			return err
		}
	}

	// Round 2: carried-forward items plus new ideas.
	r2, err := s.round("Which of these should the pilot include?", round2Ideas)
	if err != nil {
		return err
	}
	if err := s.rateRound(r2, 0.15); err != nil {
		return err
	}
	if err := s.changeMind(r2, "Ivan", round1Ideas[2], 4, "Sam explained why a quiet room matters.", engine.ChangeLivedExp); err != nil {
		return err
	}
	if _, err := e.TransitionRound(ctx, s.fac, r2, engine.TransitionClose); err != nil {
		return err
	}
	for _, d := range []struct {
		i       int
		outcome string
		why     string
	}{
		{0, engine.DecisionAdopted, "Agreed in round 2 once evening staffing was costed."},
		{10, engine.DecisionAdopted, "The pilot is how we will learn."},
	} {
		if err := s.decide(r2, round1Ideas[d.i], d.outcome, d.why); err != nil {
			return err
		}
	}

	// Round 3: open for rating, so visitors can join and take part.
	r3, err := e.CreateRound(s.ctx, s.fac, s.res.GroupID, engine.RoundInput{Prompt: "Final check before the pilot starts"})
	if err != nil {
		return err
	}
	s.res.RoundIDs = []string{r1, r2, r3.ID}
	if _, err := e.TransitionRound(ctx, s.fac, r3.ID, engine.TransitionRating); err != nil {
		return err
	}
	_, token, err := e.CreateInvite(ctx, s.fac, g.ID, engine.InviteInput{Kind: engine.InviteReusable, Label: "Demo visitors", ExpiresIn: 90 * 24 * time.Hour})
	if err != nil {
		return err
	}
	s.res.InviteToken = token
	return nil
}

// round creates and opens a round, and has each idea's author propose it.
func (s *seeder) round(prompt string, ideas []idea) (string, error) {
	rd, err := s.e.CreateRound(s.ctx, s.fac, s.res.GroupID, engine.RoundInput{Prompt: prompt})
	if err != nil {
		return "", err
	}
	if _, err := s.e.TransitionRound(s.ctx, s.fac, rd.ID, engine.TransitionOpen); err != nil {
		return "", err
	}
	for _, it := range ideas {
		p, err := s.e.AddProposal(s.ctx, s.members[it.author], rd.ID, engine.ProposalInput{Text: it.text, EasyRead: it.easyRead})
		if err != nil {
			return "", err
		}
		s.ids[it.text] = p.ID
	}
	if _, err := s.e.TransitionRound(s.ctx, s.fac, rd.ID, engine.TransitionRating); err != nil {
		return "", err
	}
	return rd.ID, nil
}

// rateRound has every member rate the round's agenda. Sam's proposals are
// skipped by most of the room: the demo's under-heard voice. drift moves
// everyone a little towards agreement, as groups do between rounds.
func (s *seeder) rateRound(roundID string, drift float64) error {
	view, err := s.e.GetRound(s.ctx, s.fac, roundID)
	if err != nil {
		return err
	}
	byID := map[string]idea{}
	for _, it := range append(round1Ideas, round2Ideas...) {
		byID[s.ids[it.text]] = it
	}
	for _, p := range people {
		for _, item := range view.Agenda {
			it, ok := byID[item.ProposalID]
			if !ok {
				it = idea{support: 0.3}
			}
			if it.author == "Sam" && p.name != "Sam" && s.rng.Float64() < 0.7 {
				continue
			}
			in := engine.RatingInput{RoundID: roundID, ProposalID: item.ProposalID}
			x := it.support + p.lean*it.access + drift + s.rng.NormFloat64()*0.45
			if s.rng.Float64() < 0.06 {
				in.Pass = true
			} else {
				v := min(5, max(1, int(3.5+2*x)))
				in.Value = &v
				if s.rng.Float64() < 0.35 {
					list := reasons[v >= 3]
					in.Reason = list[s.rng.IntN(len(list))]
				}
			}
			if _, err := s.e.SubmitRating(s.ctx, s.members[p.name], in); err != nil {
				return err
			}
		}
	}
	return nil
}

// onAgenda reports whether an idea's current proposal is on a round's
// agenda; the carried agenda depends on round 1's verdicts.
func (s *seeder) onAgenda(roundID string, it idea) (bool, error) {
	view, err := s.e.GetRound(s.ctx, s.fac, roundID)
	if err != nil {
		return false, err
	}
	for _, item := range view.Agenda {
		if item.ProposalID == s.ids[it.text] {
			return true, nil
		}
	}
	return false, nil
}

// decide records a decision on an idea if it is on the round's agenda.
func (s *seeder) decide(roundID string, it idea, outcome, why string) error {
	if ok, err := s.onAgenda(roundID, it); !ok || err != nil {
		return err
	}
	_, err := s.e.RecordDecision(s.ctx, s.fac, engine.DecisionInput{RoundID: roundID, ProposalID: s.ids[it.text], Outcome: outcome, Rationale: why})
	return err
}

// changeMind has a member rate an idea one way and then change their
// rating with a reason and a "what changed your mind?" category.
func (s *seeder) changeMind(roundID, name string, it idea, value int, reason, category string) error {
	if ok, err := s.onAgenda(roundID, it); !ok || err != nil {
		return err
	}
	first := max(1, value-2)
	if _, err := s.e.SubmitRating(s.ctx, s.members[name], engine.RatingInput{RoundID: roundID, ProposalID: s.ids[it.text], Value: &first}); err != nil {
		return err
	}
	_, err := s.e.SubmitRating(s.ctx, s.members[name], engine.RatingInput{RoundID: roundID, ProposalID: s.ids[it.text],
		Value: &value, Reason: reason, ChangeCategory: category})
	return err
}
