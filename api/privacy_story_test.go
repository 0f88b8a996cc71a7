package api

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
)

// privacyStory is a group with a history worth protecting, built through
// the engine: six members with marker names across three perspectives, an
// observer, an evaluator and a safeguarding lead (both with accounts), two
// rounds — the second carrying the undecided proposals, where members
// change their minds — every rating with a marker reason, dissent on a
// consensus item, reflections, a decision, a concern and a check-in. A
// facilitator of another group stands outside it.
type privacyStory struct {
	t        testing.TB
	ctx      context.Context
	eng      *engine.Engine
	group    *engine.Group
	tokens   map[string]string // role → session token
	facID    string
	ids      []string // member ids by index
	names    []string
	reasons  [][]string // reasons by member index
	reflects []string   // reflection text by member index, "" for none
	pseud    []string   // pseudonyms by member index
	props    []*engine.Proposal
	round1   *engine.Round
	round2   *engine.Round
	invite   string // an invite id
	concern  string // a concern id
	// content holds, by member index, the ids of things that say what the
	// member rated or wrote: rating events and reflections.
	content [][]string
	changes int // ratings changed for live events
	// sessions are the members' session tokens; rater's changes a rating
	// for live events.
	sessions []string
	rater    int
}

const storyMembers = 6

// storyName is member i's display name in a story tagged tag.
func storyName(tag string, i int) string { return fmt.Sprintf("Nmz%s%c Qvx%d", tag, 'A'+i, i) }

func newPrivacyStory(t testing.TB, eng *engine.Engine, settings engine.GroupSettings, tag string) *privacyStory {
	t.Helper()
	ctx := context.Background()
	s := &privacyStory{t: t, ctx: ctx, eng: eng, tokens: map[string]string{}}
	account := func(role, name string) (engine.Actor, string) {
		_, tok, err := eng.SignUp(ctx, engine.SignUpInput{Email: fmt.Sprintf("%s.%s@example.org", role, tag), Name: name, Password: testPassword})
		s.must(err)
		a, err := eng.Authenticate(ctx, tok)
		s.must(err)
		s.tokens[role] = tok
		return a, tok
	}
	fac, _ := account(roleFac, "Fac "+tag)
	settings.Perspectives = []string{"lived experience", "carer", "practitioner"}
	settings.MinCellSize = 2
	var err error
	s.group, err = eng.CreateGroup(ctx, fac, engine.GroupInput{Name: "Story " + tag, Settings: settings})
	s.must(err)
	gv, err := eng.GetGroup(ctx, fac, s.group.ID)
	s.must(err)
	s.group, s.facID = &gv.Group, gv.You.ID
	inv, tok, err := eng.CreateInvite(ctx, fac, s.group.ID, engine.InviteInput{Kind: engine.InviteReusable, Label: "Story invite"})
	s.must(err)
	s.invite = inv.ID
	var members []engine.Actor
	for i := range storyMembers {
		m, sess, err := eng.Join(ctx, engine.Actor{}, engine.JoinInput{Token: tok, DisplayName: storyName(tag, i),
			Perspective: settings.Perspectives[i%3], ResearchConsent: true, ReasonsConsent: i%2 == 0})
		s.must(err)
		a, err := eng.Authenticate(ctx, sess)
		s.must(err)
		members = append(members, a)
		s.ids, s.names = append(s.ids, m.ID), append(s.names, storyName(tag, i))
		s.pseud = append(s.pseud, engine.Pseudonym(s.group, m.ID))
		s.reasons, s.reflects, s.content = append(s.reasons, nil), append(s.reflects, ""), append(s.content, nil)
		s.sessions = append(s.sessions, sess)
		if i == 0 {
			s.tokens[roleMember] = sess
		}
	}
	for _, role := range []string{roleObserver, roleEvaluator, roleSafeguard} {
		_, one, err := eng.CreateInvite(ctx, fac, s.group.ID, engine.InviteInput{Role: role})
		s.must(err)
		if role == roleObserver {
			_, sess, err := eng.Join(ctx, engine.Actor{}, engine.JoinInput{Token: one, DisplayName: "Obs " + tag})
			s.must(err)
			s.tokens[role] = sess
			continue
		}
		a, _ := account(role, role+" "+tag)
		_, _, err = eng.Join(ctx, a, engine.JoinInput{Token: one, DisplayName: role + " " + tag})
		s.must(err)
	}
	other, _ := account(roleOtherFac, "Other "+tag)
	_, err = eng.CreateGroup(ctx, other, engine.GroupInput{Name: "Elsewhere " + tag})
	s.must(err)

	rate := func(m int, rd *engine.Round, p, v int) {
		in := engine.RatingInput{RoundID: rd.ID, ProposalID: s.props[p].ID,
			Reason: fmt.Sprintf("Rzn%s%c-%d-%d marker", tag, 'a'+m, p, rd.Number)}
		if v == 0 {
			in.Pass = true
		} else {
			in.Value = &v
		}
		res, err := eng.SubmitRating(ctx, members[m], in)
		s.must(err)
		s.reasons[m] = append(s.reasons[m], in.Reason)
		s.content[m] = append(s.content[m], res.Event.ID)
	}
	reflect := func(m int, rd *engine.Round) {
		text := fmt.Sprintf("Rfl%s%c what worked", tag, 'a'+m)
		r, err := eng.AddReflection(ctx, members[m], rd.ID, text)
		s.must(err)
		s.reflects[m] = text
		s.content[m] = append(s.content[m], r.ID)
	}
	transition := func(rd *engine.Round, to engine.Transition) {
		_, err := eng.TransitionRound(ctx, fac, rd.ID, to)
		s.must(err)
	}

	s.round1, err = eng.CreateRound(ctx, fac, s.group.ID, engine.RoundInput{Prompt: "What should change?"})
	s.must(err)
	transition(s.round1, engine.TransitionOpen)
	for i, author := range []int{0, 1, 2, 1} {
		p, err := eng.AddProposal(ctx, members[author], s.round1.ID, engine.ProposalInput{Text: fmt.Sprintf("Story proposal %d", i)})
		s.must(err)
		s.props = append(s.props, p)
	}
	transition(s.round1, engine.TransitionRating)
	for m, row := range [][]int{{5, 2, 4, 0}, {5, 4, 2, 3}, {4, 1, 4, 0}, {5, 5, 2, 0}, {4, 2, 4, 0}, {1, 4, 3, 0}} {
		for p, v := range row {
			rate(m, s.round1, p, v)
		}
	}
	reflect(0, s.round1)
	reflect(3, s.round1)
	transition(s.round1, engine.TransitionClose)
	_, err = eng.RecordDecision(ctx, fac, engine.DecisionInput{RoundID: s.round1.ID, ProposalID: s.props[0].ID,
		Outcome: engine.DecisionAdopted, Rationale: "Agreed by the group."})
	s.must(err)

	s.round2, err = eng.CreateRound(ctx, fac, s.group.ID, engine.RoundInput{Prompt: "Again"})
	s.must(err)
	transition(s.round2, engine.TransitionRating)
	for m, row := range [][]int{{4, 4, 0}, {4, 2, 3}, {2, 4, 0}, {5, 2, 0}, {3, 4, 0}, {4, 4, 0}} {
		for j, v := range row {
			rate(m, s.round2, j+1, v)
		}
	}
	reflect(4, s.round2)
	c, err := eng.RaiseConcern(ctx, members[1], s.group.ID, engine.ConcernInput{Text: "Cncrn" + tag + " worried about a member", MemberID: s.ids[2]})
	s.must(err)
	s.concern = c.ID
	_, err = eng.SaveCheckIn(ctx, members[2], s.round2.ID, engine.CheckInInput{Zone: engine.CheckInStretch})
	s.must(err)
	return s
}

func (s *privacyStory) must(err error) {
	s.t.Helper()
	if err != nil {
		s.t.Fatal(err)
	}
}

// identity lists what identifies member i: their name, their id and their
// pseudonym.
func (s *privacyStory) identity(i int) []string { return []string{s.names[i], s.ids[i], s.pseud[i]} }

// said lists what says how member i rated or what they wrote: their
// reasons, their reflection and the ids of their rating events and
// reflections.
func (s *privacyStory) said(i int) []string {
	out := append([]string{}, s.reasons[i]...)
	if s.reflects[i] != "" {
		out = append(out, s.reflects[i])
	}
	return append(out, s.content[i]...)
}

// trigger returns what makes a live stream of path send an event: member
// rater changing a rating of round 2 (to a new value each time, so that it is
// never a repeat), or nil for a stream of another round, which is read
// only until it opens.
func (s *privacyStory) trigger(eng *engine.Engine, path string) func() {
	if !strings.Contains(path, s.round2.ID) {
		return nil
	}
	return func() { // runs in the stream reader's goroutine: no Fatal
		a, err := eng.Authenticate(s.ctx, s.sessions[s.rater])
		if err == nil {
			s.changes++
			v := 1 + s.changes%5
			_, err = eng.SubmitRating(s.ctx, a, engine.RatingInput{RoundID: s.round2.ID, ProposalID: s.props[2].ID, Value: &v})
		}
		if err != nil {
			s.t.Errorf("live event trigger: %v", err)
		}
	}
}
