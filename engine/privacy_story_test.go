package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
)

// privStory is a group with a history worth protecting: eight members
// with distinctive names across three perspectives, an evaluator, two
// rounds (the second carrying the undecided proposals forward, where
// members change their minds with reasons), dissent on a consensus item,
// reflections and a decision. Every name and every reason is a marker
// string that occurs nowhere else, so a test can search any output for it.
type privStory struct {
	t        *testing.T
	ctx      context.Context
	db       *bunstore.DB
	e        *engine.Engine
	group    *engine.Group
	fac      engine.Actor
	facID    string
	eval     engine.Actor
	members  []engine.Actor
	ids      []string
	names    []string
	sessions []string // member session secrets
	reasons  [][]string
	reflect  []string // reflection texts by member index ("" for none)
	props    []*engine.Proposal
	round1   *engine.Round
	round2   *engine.Round
}

const privMembers = 8

// privName is member i's display name: a marker found nowhere else.
func privName(i int) string { return fmt.Sprintf("Nm%cqz Wbx%d", 'A'+i, i) }

func newPrivStory(t *testing.T, db *bunstore.DB, settings engine.GroupSettings) *privStory {
	t.Helper()
	return newPrivStoryNamed(t, db, settings, "")
}

// newPrivStoryNamed is newPrivStory with accounts whose emails carry tag,
// for more than one story in a database.
func newPrivStoryNamed(t *testing.T, db *bunstore.DB, settings engine.GroupSettings, tag string) *privStory {
	t.Helper()
	ctx := context.Background()
	s := &privStory{t: t, ctx: ctx, db: db, e: engine.New(engine.Config{Store: bunstore.NewStore(db)})}
	acct, tok, err := s.e.SignUp(ctx, engine.SignUpInput{Email: "privacy.fac" + tag + "@example.org", Name: "Fac Ilitator", Password: "correct horse battery"})
	s.must(err)
	s.fac, err = s.e.Authenticate(ctx, tok)
	s.must(err)
	_ = acct
	settings.Perspectives = []string{"lived experience", "carer", "practitioner"}
	settings.MinCellSize = 2
	s.group, err = s.e.CreateGroup(ctx, s.fac, engine.GroupInput{Name: "Privacy story", Settings: settings})
	s.must(err)
	gv, err := s.e.GetGroup(ctx, s.fac, s.group.ID)
	s.must(err)
	s.facID = gv.You.ID
	for i := range privMembers {
		_, inv, err := s.e.CreateInvite(ctx, s.fac, s.group.ID, engine.InviteInput{Label: "Invite for " + privName(i)})
		s.must(err)
		m, sess, err := s.e.Join(ctx, engine.Actor{}, engine.JoinInput{Token: inv, DisplayName: privName(i),
			Perspective: settings.Perspectives[i%3], ResearchConsent: true, ReasonsConsent: i%2 == 0,
			AccessNeeds: fmt.Sprintf("Access-%d-needs large print", i)})
		s.must(err)
		a, err := s.e.Authenticate(ctx, sess)
		s.must(err)
		s.members, s.ids, s.names, s.sessions = append(s.members, a), append(s.ids, m.ID), append(s.names, privName(i)), append(s.sessions, sess)
		s.reasons = append(s.reasons, nil)
		s.reflect = append(s.reflect, "")
	}
	_, etok, err := s.e.SignUp(ctx, engine.SignUpInput{Email: "privacy.eval" + tag + "@example.org", Name: "Eva Luator", Password: "correct horse battery"})
	s.must(err)
	s.eval, err = s.e.Authenticate(ctx, etok)
	s.must(err)
	_, inv, err := s.e.CreateInvite(ctx, s.fac, s.group.ID, engine.InviteInput{Role: engine.RoleEvaluator})
	s.must(err)
	_, _, err = s.e.Join(ctx, s.eval, engine.JoinInput{Token: inv, DisplayName: "Eva Luator"})
	s.must(err)

	// Round 1: four proposals; P0 reaches consensus for with one dissent.
	s.round1, err = s.e.CreateRound(ctx, s.fac, s.group.ID, engine.RoundInput{Prompt: "What should the centre offer?"})
	s.must(err)
	s.transition(s.round1, engine.TransitionOpen)
	for i, author := range []int{0, 0, 1, 2} {
		p, err := s.e.AddProposal(ctx, s.members[author], s.round1.ID, engine.ProposalInput{Text: fmt.Sprintf("Proposal %d of the story", i)})
		s.must(err)
		s.props = append(s.props, p)
	}
	s.transition(s.round1, engine.TransitionRating)
	round1 := [][]int{ // member × proposal; 0 is a pass
		{5, 2, 4, 0}, {5, 4, 2, 0}, {4, 1, 4, 3}, {5, 5, 2, 0},
		{4, 1, 4, 0}, {5, 5, 2, 0}, {5, 2, 3, 0}, {1, 4, 4, 0},
	}
	for m, row := range round1 {
		for p, v := range row {
			s.rate(m, s.round1, p, v, engine.ModeSelf)
		}
	}
	s.reflection(0, s.round1)
	s.reflection(3, s.round1)
	s.transition(s.round1, engine.TransitionClose)
	_, err = s.e.RecordDecision(ctx, s.fac, engine.DecisionInput{RoundID: s.round1.ID, ProposalID: s.props[0].ID,
		Outcome: engine.DecisionAdopted, Rationale: "The group agreed."})
	s.must(err)

	// Round 2 carries the undecided proposals; members move on P1.
	s.round2, err = s.e.CreateRound(ctx, s.fac, s.group.ID, engine.RoundInput{Prompt: "Again, with what we learnt"})
	s.must(err)
	s.transition(s.round2, engine.TransitionRating)
	round2 := [][]int{
		{4, 4, 0}, {4, 2, 0}, {2, 4, 3}, {5, 2, 0},
		{3, 4, 0}, {5, 2, 0}, {4, 3, 0}, {4, 4, 0},
	}
	for m, row := range round2 {
		for j, v := range row {
			s.rate(m, s.round2, j+1, v, engine.ModeSelf)
		}
	}
	s.reflection(5, s.round2)
	return s
}

func (s *privStory) must(err error) {
	s.t.Helper()
	if err != nil {
		s.t.Fatal(err)
	}
}

func (s *privStory) transition(rd *engine.Round, to engine.Transition) {
	s.t.Helper()
	_, err := s.e.TransitionRound(s.ctx, s.fac, rd.ID, to)
	s.must(err)
}

// rate gives member m's rating v (0 for a pass) of proposal p, with a
// marker reason for every third rating.
func (s *privStory) rate(m int, rd *engine.Round, p, v int, mode string) {
	s.t.Helper()
	in := engine.RatingInput{RoundID: rd.ID, ProposalID: s.props[p].ID, Mode: mode}
	if v == 0 {
		in.Pass = true
	} else {
		in.Value = &v
	}
	if (m+p+rd.Number)%3 != 0 || m == 0 {
		in.Reason = fmt.Sprintf("Rsn%cx%dr%d because of my own situation", 'a'+m, p, rd.Number)
		s.reasons[m] = append(s.reasons[m], in.Reason)
	}
	actor := s.members[m]
	if mode != engine.ModeSelf {
		actor, in.MemberID = s.fac, s.ids[m]
	}
	_, err := s.e.SubmitRating(s.ctx, actor, in)
	s.must(err)
}

func (s *privStory) reflection(m int, rd *engine.Round) {
	s.t.Helper()
	text := fmt.Sprintf("Rfl%cq%d what worked for me", 'a'+m, rd.Number)
	_, err := s.e.AddReflection(s.ctx, s.members[m], rd.ID, text)
	s.must(err)
	s.reflect[m] = text
}

// privDump returns every value of every table of the database as text,
// one row a line, so a test can show that a string is stored nowhere.
func privDump(t *testing.T, db *bunstore.DB) string {
	t.Helper()
	ctx := context.Background()
	q := "SELECT name FROM sqlite_master WHERE type = 'table'"
	if db.Dialect() != "sqlite" {
		q = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
	}
	rows, err := db.Bun().DB.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if len(tables) < 10 {
		t.Fatalf("found only the tables %v; the dump is broken", tables)
	}
	var b strings.Builder
	for _, table := range tables {
		rows, err := db.Bun().DB.QueryContext(ctx, `SELECT * FROM "`+table+`"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			b.WriteString(table)
			for _, v := range vals {
				if raw, ok := v.([]byte); ok {
					v = string(raw)
				}
				fmt.Fprintf(&b, "\t%v", v)
			}
			b.WriteByte('\n')
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}
