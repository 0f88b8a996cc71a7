package engine_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/analysis"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// privJSON encodes v, failing the test on error.
func privJSON(t *testing.T, v any, err error) string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// privCode fails unless err carries code.
func privCode(t *testing.T, err error, code, what string) {
	t.Helper()
	if got := engine.ErrorCode(err); got != code {
		t.Errorf("%s: error %v (code %q), want code %q", what, err, got, code)
	}
}

// TestErasureKeepsAggregates erases a member who proposed, rated with
// reasons in two rounds, changed their mind, dissented from a consensus
// and reflected, and checks that the facilitator's full analysis of both
// rounds, and the results members see, are exactly what they were — but
// for the member's name and the words of their reasons.
func TestErasureKeepsAggregates(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		s := newPrivStory(t, db, engine.GroupSettings{RevealPolicy: engine.RevealAfterOwnRating})
		views := func() []string {
			var out []string
			for _, rd := range []*engine.Round{s.round1, s.round2} {
				res, err := s.e.RoundAnalysis(s.ctx, s.fac, rd.ID)
				out = append(out, privJSON(t, res, err))
				rs, err := s.e.RoundResults(s.ctx, s.members[1], rd.ID)
				out = append(out, privJSON(t, rs, err))
			}
			return out
		}
		before := views()
		var res analysis.Result
		if err := json.Unmarshal([]byte(before[2]), &res); err != nil {
			t.Fatal(err)
		}
		// The story must exercise what erasure could disturb.
		moved, dissent := 0, 0
		for _, p := range res.Proposals {
			if p.Change != nil {
				moved += len(p.Change.Movers)
			}
		}
		var r1 analysis.Result
		if err := json.Unmarshal([]byte(before[0]), &r1); err != nil {
			t.Fatal(err)
		}
		for _, p := range r1.Proposals {
			if p.Dissent != nil {
				dissent += p.Dissent.Count
			}
		}
		all := strings.Join(before, "\n")
		if moved == 0 || dissent == 0 || !slices.ContainsFunc(s.reasons[0], func(r string) bool { return strings.Contains(all, r) }) || !strings.Contains(all, s.ids[0]) {
			t.Fatalf("the story has %d movers and %d dissenters, and member 0's reason or id is missing from the analysis", moved, dissent)
		}

		privCode(t, s.e.EraseMember(s.ctx, s.members[0], s.ids[0]), "", "a member erasing themselves")

		after := views()
		for i := range before {
			want := strings.ReplaceAll(before[i], s.names[0], "a member who has left")
			for _, r := range s.reasons[0] {
				want = strings.ReplaceAll(want, r, engine.ErasedText)
			}
			if after[i] != want {
				t.Errorf("view %d changed by more than the erased name and reasons:\nbefore %s\nafter  %s", i, want, after[i])
			}
		}
	})
}

// TestErasureLeavesNoTrace erases a member at their request, done by a
// facilitator, and checks that neither their name, their access needs,
// their reasons, their reflection nor the label of their invite is stored
// anywhere in the database or returned by any use case; that their
// session no longer works; and the rules of who may erase whom.
func TestErasureLeavesNoTrace(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		s := newPrivStory(t, db, engine.GroupSettings{})
		secrets := append([]string{s.names[0], "Access-0-needs", s.reflect[0]}, s.reasons[0]...)
		dump := privDump(t, db)
		for _, m := range secrets {
			if !strings.Contains(dump, m) {
				t.Fatalf("before erasure the database lacks %q; the dump is broken", m)
			}
		}

		privCode(t, s.e.EraseMember(s.ctx, s.members[1], s.ids[0]), engine.EFORBIDDEN, "a member erasing another")
		privCode(t, s.e.EraseMember(s.ctx, s.eval, s.ids[0]), engine.EFORBIDDEN, "an evaluator erasing a member")
		privCode(t, s.e.EraseMember(s.ctx, engine.Actor{}, s.ids[0]), engine.EUNAUTHORIZED, "nobody erasing a member")
		privCode(t, s.e.EraseMember(s.ctx, s.fac, "not-an-id"), engine.ENOTFOUND, "erasing a malformed id")
		privCode(t, s.e.EraseMember(s.ctx, s.fac, s.facID), engine.ECONFLICT, "the only facilitator erasing themselves")
		privCode(t, s.e.EraseMember(s.ctx, s.fac, s.ids[0]), "", "a facilitator erasing a member on request")
		privCode(t, s.e.EraseMember(s.ctx, s.fac, s.ids[0]), engine.ECONFLICT, "erasing twice")

		dump = privDump(t, db)
		for _, m := range append(secrets, "Invite for "+s.names[0]) {
			if strings.Contains(dump, m) {
				t.Errorf("after erasure the database still holds %q", m)
			}
		}
		if !strings.Contains(dump, s.names[1]) || !strings.Contains(dump, s.reasons[1][0]) || !strings.Contains(dump, engine.ErasedText) {
			t.Error("erasure removed other members' names or reasons, or left no marker")
		}

		_, err := s.e.Authenticate(s.ctx, s.sessions[0])
		privCode(t, err, engine.EUNAUTHORIZED, "the erased member's session")
		_, err = s.e.GetGroup(s.ctx, s.members[0], s.group.ID)
		privCode(t, err, engine.EUNAUTHORIZED, "the erased member acting with an old actor")

		// Nothing any role can read names the member or quotes them.
		type read struct {
			who  string
			what string
			fn   func(a engine.Actor) (any, error)
		}
		reads := []read{
			{"members", "ListMembers", func(a engine.Actor) (any, error) { return s.e.ListMembers(s.ctx, a, s.group.ID) }},
			{"proposals", "ListProposals", func(a engine.Actor) (any, error) { return s.e.ListProposals(s.ctx, a, s.group.ID) }},
			{"round", "GetRound", func(a engine.Actor) (any, error) { return s.e.GetRound(s.ctx, a, s.round1.ID) }},
			{"results", "RoundResults", func(a engine.Actor) (any, error) { return s.e.RoundResults(s.ctx, a, s.round2.ID) }},
			{"reflections", "ListReflections", func(a engine.Actor) (any, error) { return s.e.ListReflections(s.ctx, a, s.group.ID) }},
			{"decisions", "ListDecisions", func(a engine.Actor) (any, error) { return s.e.ListDecisions(s.ctx, a, s.group.ID) }},
			{"my data", "MyData", func(a engine.Actor) (any, error) { return s.e.MyData(s.ctx, a, s.group.ID) }},
			{"analysis 1", "RoundAnalysis", func(a engine.Actor) (any, error) { return s.e.RoundAnalysis(s.ctx, a, s.round1.ID) }},
			{"analysis 2", "RoundAnalysis", func(a engine.Actor) (any, error) { return s.e.RoundAnalysis(s.ctx, a, s.round2.ID) }},
			{"audit", "ListAudit", func(a engine.Actor) (any, error) {
				return s.e.ListAudit(s.ctx, a, s.group.ID, engine.Page{Limit: 1000})
			}},
		}
		for _, who := range []struct {
			name  string
			actor engine.Actor
		}{{"facilitator", s.fac}, {"member", s.members[1]}, {"evaluator", s.eval}} {
			for _, r := range reads {
				v, err := r.fn(who.actor)
				if code := engine.ErrorCode(err); code == engine.EFORBIDDEN {
					continue
				}
				out := privJSON(t, v, err)
				for _, m := range append(secrets, "Invite for "+s.names[0]) {
					if strings.Contains(out, m) {
						t.Errorf("%s as the %s still shows %q", r.what, who.name, m)
					}
				}
			}
		}
		ps, err := s.e.ListProposals(s.ctx, s.members[1], s.group.ID)
		s.must(err)
		for _, p := range ps {
			if p.ID == s.props[0].ID && (!p.AuthorLeft || p.AuthorName != "" || p.State != engine.ProposalVisible) {
				t.Errorf("the erased member's proposal should stay, credited to a former member: %+v", p)
			}
		}
		evs, err := s.e.ListAudit(s.ctx, s.fac, s.group.ID, engine.Page{Limit: 1000})
		s.must(err)
		found := false
		for _, ev := range evs {
			found = found || ev.Action == "member.erased" && ev.SubjectID == s.ids[0] && ev.ActorID == s.facID
		}
		if !found {
			t.Error("no member.erased audit event by the facilitator about the member")
		}

		// A member linked to an account: the account stays, the group is gone
		// from it.
		privCode(t, s.e.EraseMember(s.ctx, s.eval, mustMember(t, s, s.eval).ID), "", "an evaluator erasing themselves")
		_, err = s.e.GetGroup(s.ctx, s.eval, s.group.ID)
		privCode(t, err, engine.ENOTFOUND, "the group as the erased evaluator's account")
		if _, _, err := s.e.LogIn(s.ctx, "privacy.eval@example.org", "correct horse battery"); err != nil {
			t.Errorf("the account of an erased membership should still sign in: %v", err)
		}
	})
}

func mustMember(t *testing.T, s *privStory, a engine.Actor) *engine.Member {
	t.Helper()
	g, err := s.e.GetGroup(s.ctx, a, s.group.ID)
	s.must(err)
	return g.You
}

// TestMyData checks a member's download holds everything about them — and
// nothing of anyone else's.
func TestMyData(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		s := newPrivStory(t, db, engine.GroupSettings{Anonymous: true})
		_, err := s.e.AssignRole(s.ctx, s.fac, s.ids[0], engine.RoleObserver, s.round1.ID)
		s.must(err)
		s.rate(0, s.round2, 3, 4, engine.ModeAssisted) // entered with them in the room
		_, err = s.e.SaveCheckIn(s.ctx, s.members[0], s.round2.ID, engine.CheckInInput{Zone: engine.CheckInStretch})
		s.must(err)
		_, err = s.e.RaiseConcern(s.ctx, s.members[0], s.group.ID, engine.ConcernInput{Text: "Cnc-own-marker: the room was too loud"})
		s.must(err)
		_, err = s.e.RaiseConcern(s.ctx, s.members[1], s.group.ID, engine.ConcernInput{Text: "Cnc-about-marker: worried about them", MemberID: s.ids[0]})
		s.must(err)

		d, err := s.e.MyData(s.ctx, s.members[0], s.group.ID)
		s.must(err)
		if d.Member.ID != s.ids[0] || d.Member.DisplayName != s.names[0] || d.Member.AccessNeeds != "Access-0-needs large print" ||
			!d.Member.ResearchConsent || !d.Member.ReasonsConsent || d.Member.Perspective != "lived experience" {
			t.Errorf("profile %+v", d.Member)
		}
		if len(d.RoleHistory) != 1 || d.RoleHistory[0].RoundID != s.round1.ID || d.RoleHistory[0].Role != engine.RoleObserver {
			t.Errorf("role history %+v", d.RoleHistory)
		}
		if len(d.Invites) != 1 || d.Invites[0].Label != "Invite for "+s.names[0] || d.Invites[0].Role != engine.RoleMember {
			t.Errorf("invites used %+v", d.Invites)
		}
		var props []string
		for _, p := range d.Proposals {
			props = append(props, p.ID)
		}
		slices.Sort(props)
		if wantProps := []string{s.props[0].ID, s.props[1].ID}; !slices.Equal(props, slices.Sorted(slices.Values(wantProps))) {
			t.Errorf("proposals %v, want the two member 0 made", props)
		}
		all, err := s.store().RatingEvents(s.ctx, s.group.ID)
		s.must(err)
		var want []string
		for _, ev := range all {
			if ev.MemberID == s.ids[0] {
				want = append(want, ev.ID)
			}
		}
		var got, reasons []string
		assisted := 0
		for _, r := range d.Ratings {
			got = append(got, r.ID)
			if r.Reason != "" {
				reasons = append(reasons, r.Reason)
			}
			if r.EnteredForYou {
				assisted++
			}
			if r.ProposalText == "" || r.RoundNumber == 0 {
				t.Errorf("rating %s lacks its proposal's words or round", r.ID)
			}
		}
		if !slices.Equal(got, want) || len(want) != 8 {
			t.Errorf("rating events %v, want every one of member 0's %v", got, want)
		}
		if !slices.Equal(reasons, s.reasons[0]) || assisted != 1 {
			t.Errorf("reasons %q (want %q), %d entered for them (want 1)", reasons, s.reasons[0], assisted)
		}
		if len(d.Reflections) != 1 || d.Reflections[0].Text != s.reflect[0] {
			t.Errorf("reflections %+v", d.Reflections)
		}
		actions := map[string]int{}
		for _, ev := range d.Audit {
			key := ev.Action
			if !ev.ByYou {
				key += " (by someone else)"
			}
			actions[key]++
		}
		for _, a := range []string{"member.joined", "proposal.created", "rating.submitted", "reflection.created",
			"decision.adopted (by someone else)", "member.role_assigned (by someone else)"} {
			if actions[a] == 0 {
				t.Errorf("audit events lack %s: %v", a, actions)
			}
		}
		if len(d.Rounds) != 2 {
			t.Errorf("rounds %+v", d.Rounds)
		}
		if len(d.CheckIns) != 1 || d.CheckIns[0].Zone != engine.CheckInStretch || d.CheckIns[0].RoundID != s.round2.ID {
			t.Errorf("check-ins %+v", d.CheckIns)
		}
		if len(d.Concerns) != 1 || !strings.HasPrefix(d.Concerns[0].Text, "Cnc-own-marker") {
			t.Errorf("concerns raised %+v", d.Concerns)
		}
		out := privJSON(t, d, nil)
		if strings.Contains(out, "Cnc-about-marker") {
			t.Error("member 0's data tells them of a concern someone else raised about them")
		}
		for i := 1; i < privMembers; i++ {
			for _, m := range append([]string{s.names[i], s.ids[i], s.reflect[i]}, s.reasons[i]...) {
				if m != "" && strings.Contains(out, m) {
					t.Errorf("member 0's data holds member %d's %q", i, m)
				}
			}
		}
		if strings.Contains(out, s.facID) {
			t.Error("member 0's data names the facilitator who acted; it should say only that someone else did")
		}

		// Everyone gets their own data; nobody gets anyone else's.
		d1, err := s.e.MyData(s.ctx, s.members[1], s.group.ID)
		s.must(err)
		if d1.Member.ID != s.ids[1] {
			t.Errorf("member 1 got the data of %s", d1.Member.ID)
		}
		de, err := s.e.MyData(s.ctx, s.eval, s.group.ID)
		s.must(err)
		if de.Account == nil || de.Account.Email != "privacy.eval@example.org" || len(de.Ratings) != 0 {
			t.Errorf("the evaluator's data: account %+v, %d ratings", de.Account, len(de.Ratings))
		}
		_, err = s.e.MyData(s.ctx, engine.Actor{}, s.group.ID)
		privCode(t, err, engine.EUNAUTHORIZED, "my data while signed out")
		other := newOutsider(t, s)
		_, err = s.e.MyData(s.ctx, other, s.group.ID)
		privCode(t, err, engine.ENOTFOUND, "my data of a group one is not in")
	})
}

func (s *privStory) store() engine.Store { return bunstore.NewStore(s.db) }

// newOutsider signs up an account in no group of the story.
func newOutsider(t *testing.T, s *privStory) engine.Actor {
	t.Helper()
	_, tok, err := s.e.SignUp(s.ctx, engine.SignUpInput{Email: "outsider@example.org", Name: "Out Sider", Password: "correct horse battery"})
	s.must(err)
	a, err := s.e.Authenticate(s.ctx, tok)
	s.must(err)
	return a
}

// TestAnonymityCannotBeWeakened: a group may become anonymous at any
// time, but once anyone has rated it may not show identities it hid.
func TestAnonymityCannotBeWeakened(t *testing.T) {
	db := bunstoretest.SQLite(t)
	s := newPrivStory(t, db, engine.GroupSettings{Anonymous: true})
	g, err := s.e.GetGroup(s.ctx, s.fac, s.group.ID)
	s.must(err)
	update := func(change func(*engine.GroupSettings)) error {
		set := g.Settings
		change(&set)
		_, err := s.e.UpdateGroup(s.ctx, s.fac, s.group.ID, engine.GroupInput{Name: g.Name, Settings: set})
		return err
	}
	for _, c := range []struct {
		field  string
		change func(*engine.GroupSettings)
	}{
		{"settings.anonymous", func(st *engine.GroupSettings) { st.Anonymous = false }},
		{"settings.facilitators_see_identities", func(st *engine.GroupSettings) { st.FacilitatorsSeeIdentities = true }},
	} {
		err := update(c.change)
		privCode(t, err, engine.ECONFLICT, "weakening "+c.field)
		if fs := engine.ErrorFields(err); len(fs) != 1 || fs[0].Field != c.field {
			t.Errorf("weakening %s: fields %+v", c.field, fs)
		}
	}
	if err := update(func(st *engine.GroupSettings) { st.GroundRules = "Be kind." }); err != nil {
		t.Errorf("other changes of an anonymous group: %v", err)
	}

	// Before anyone rates, anonymity is the facilitator's to set.
	fresh, err := s.e.CreateGroup(s.ctx, s.fac, engine.GroupInput{Name: "Fresh", Settings: engine.GroupSettings{Anonymous: true}})
	s.must(err)
	_, err = s.e.UpdateGroup(s.ctx, s.fac, fresh.ID, engine.GroupInput{Name: "Fresh", Settings: engine.GroupSettings{}})
	privCode(t, err, "", "turning anonymity off before any rating")
	_, err = s.e.UpdateGroup(s.ctx, s.fac, fresh.ID, engine.GroupInput{Name: "Fresh", Settings: engine.GroupSettings{Anonymous: true}})
	privCode(t, err, "", "turning anonymity on")
}

// raterSections collects the member references of an analysis in the
// sections about how people rated or took part, and in those about
// authorship.
func raterSections(res *analysis.Result) (raters, authors []string, sentences []string) {
	for _, p := range res.Proposals {
		if p.Author != "" {
			authors = append(authors, p.Author)
		}
		if p.Dissent != nil {
			for _, d := range p.Dissent.Members {
				raters = append(raters, d.Member)
			}
		}
		if p.Change != nil {
			for _, m := range p.Change.Movers {
				raters = append(raters, m.Member)
			}
		}
	}
	for _, g := range res.OpinionGroups.Groups {
		raters = append(raters, g.Members...)
	}
	uh := res.UnderHeard
	for _, m := range uh.Participation.Members {
		raters = append(raters, m.Member)
	}
	for _, m := range uh.MinorityPositions {
		raters = append(raters, m.Member)
		sentences = append(sentences, m.Sentence)
	}
	for _, m := range append(uh.Attention.Members, uh.Uptake.Members...) {
		authors = append(authors, m.Member)
	}
	for _, m := range uh.BridgedSupport {
		authors = append(authors, m.Member)
	}
	for _, f := range uh.Flags {
		switch f.Kind {
		case analysis.FlagParticipation:
			raters = append(raters, f.Member)
			sentences = append(sentences, f.Sentence)
		case analysis.FlagAttention, analysis.FlagUptake:
			authors = append(authors, f.Member)
		}
	}
	return raters, authors, sentences
}

// TestAnonymousAnalysisUnlinksRaters: in an anonymous group whose
// facilitators may not see identities, the analysis a facilitator reads
// names raters with labels that match no id, name or pseudonym, and none
// of the authors the proposal list ties to names; the evaluator's
// pseudonymous view, computed from the same cached analysis, is untouched;
// with facilitators_see_identities the raters are real member ids.
func TestAnonymousAnalysisUnlinksRaters(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		s := newPrivStory(t, db, engine.GroupSettings{Anonymous: true})
		g, err := s.e.GetGroup(s.ctx, s.fac, s.group.ID)
		s.must(err)
		identity := map[string]bool{s.facID: true}
		pseudonyms := map[string]bool{}
		for i := range s.ids {
			identity[s.ids[i]], identity[s.names[i]] = true, true
			pseudonyms[engine.Pseudonym(&g.Group, s.ids[i])] = true
		}
		for _, rd := range []*engine.Round{s.round1, s.round2} {
			res, err := s.e.RoundAnalysis(s.ctx, s.fac, rd.ID)
			s.must(err)
			raters, authors, sentences := raterSections(res)
			if len(raters) < privMembers || len(authors) == 0 {
				t.Fatalf("round %d: %d rater and %d author references; the story does not exercise the analysis", rd.Number, len(raters), len(authors))
			}
			for _, r := range raters {
				if identity[r] || pseudonyms[r] || slices.Contains(authors, r) || !strings.HasPrefix(r, "r_") {
					t.Errorf("round %d: rater %q can be linked to a person", rd.Number, r)
				}
			}
			for _, a := range authors {
				if !pseudonyms[a] {
					t.Errorf("round %d: author %q is not a pseudonym", rd.Number, a)
				}
			}
			for _, sen := range sentences {
				for p := range pseudonyms {
					if strings.Contains(sen, p) {
						t.Errorf("round %d: %q names a pseudonym", rd.Number, sen)
					}
				}
			}
			for _, og := range res.OpinionGroups.Groups {
				if !slices.IsSorted(og.Members) {
					t.Errorf("round %d: opinion group %d is not sorted by label: %v", rd.Number, og.Number, og.Members)
				}
			}
			if !slices.IsSortedFunc(res.UnderHeard.Participation.Members, func(a, b analysis.MemberRate) int { return strings.Compare(a.Member, b.Member) }) {
				t.Errorf("round %d: participation is not sorted by label", rd.Number)
			}

			// The evaluator's view shares the cached analysis and keeps its
			// pseudonyms.
			ev, err := s.e.RoundAnalysis(s.ctx, s.eval, rd.ID)
			s.must(err)
			eraters, _, _ := raterSections(ev)
			for _, r := range eraters {
				if !pseudonyms[r] {
					t.Errorf("round %d: the evaluator sees rater %q, not a pseudonym", rd.Number, r)
				}
			}
		}

		// The consensus report a facilitator reads is built from the same
		// analysis: its quoted reasons carry rater labels too.
		rep, err := s.e.ConsensusReport(s.ctx, s.fac, s.round2.ID)
		s.must(err)
		quoted := 0
		for _, c := range rep.Proposals {
			var people []engine.ReportPerson
			if c.Change != nil {
				for _, r := range c.Change.Reasons {
					people = append(people, r.Member)
				}
			}
			if c.Dissent != nil {
				for _, r := range c.Dissent.Reasons {
					people = append(people, r.Member)
				}
			}
			for _, p := range people {
				quoted++
				if identity[p.ID] || pseudonyms[p.ID] || p.Name != "" || !strings.HasPrefix(p.ID, "r_") {
					t.Errorf("the consensus report quotes a reason of %+v, who can be linked to a person", p)
				}
			}
		}
		if quoted == 0 {
			t.Error("the consensus report quotes no reason; the story does not exercise it")
		}
		for _, ts := range rep.Agenda.GiveTimeTo {
			if ts.Pseudonym != "" && len(ts.Proposals) == 0 && !strings.HasPrefix(ts.Pseudonym, "r_") {
				t.Errorf("a suggestion about taking part names %q", ts.Pseudonym)
			}
		}

		// The control: where facilitators may see identities, raters are
		// members' ids, which this test would have caught above.
		fs := newPrivStoryNamed(t, db, engine.GroupSettings{Anonymous: true, FacilitatorsSeeIdentities: true}, "fsi")
		res, err := fs.e.RoundAnalysis(fs.ctx, fs.fac, fs.round2.ID)
		fs.must(err)
		raters, _, _ := raterSections(res)
		for _, r := range raters {
			if !slices.Contains(fs.ids, r) {
				t.Errorf("with facilitators_see_identities, rater %q is not a member id", r)
			}
		}
	})
}

// TestAnonymousAuditRedacted: the audit trail a facilitator of an
// anonymous group reads says when ratings and reflections came, not who
// gave them or which they were.
func TestAnonymousAuditRedacted(t *testing.T) {
	db := bunstoretest.SQLite(t)
	for _, anonymous := range []bool{true, false} {
		s := newPrivStoryNamed(t, db, engine.GroupSettings{Anonymous: anonymous}, map[bool]string{true: "anon", false: "open"}[anonymous])
		evs, err := s.e.ListAudit(s.ctx, s.fac, s.group.ID, engine.Page{Limit: 1000})
		s.must(err)
		n := 0
		for _, ev := range evs {
			if ev.Action != "rating.submitted" && ev.Action != "reflection.created" {
				continue
			}
			n++
			if hidden := ev.ActorID == "" && ev.SubjectID == ""; hidden != anonymous {
				t.Errorf("anonymous %v: %s event with actor %q and subject %q", anonymous, ev.Action, ev.ActorID, ev.SubjectID)
			}
		}
		if n < 50 {
			t.Errorf("only %d rating and reflection events in the trail", n)
		}
	}
}

// TestPrivateAssistedRating: a facilitator who may not see identities
// cannot learn a member's own rating by entering the same one for them:
// the answer is never "nothing new" and never links to the earlier event.
// Where facilitators see identities the usual answers stay.
func TestPrivateAssistedRating(t *testing.T) {
	db := bunstoretest.SQLite(t)
	for _, c := range []struct {
		tag     string
		set     engine.GroupSettings
		private bool
	}{
		{"anon", engine.GroupSettings{Anonymous: true}, true},
		{"fsi", engine.GroupSettings{Anonymous: true, FacilitatorsSeeIdentities: true}, false},
		{"open", engine.GroupSettings{}, false},
	} {
		s := newPrivStoryNamed(t, db, c.set, c.tag)
		// Member 1 passed on proposal 3 in round 2, without a reason.
		in := engine.RatingInput{RoundID: s.round2.ID, ProposalID: s.props[3].ID, MemberID: s.ids[1], Pass: true, Mode: engine.ModeInRoom}
		res, err := s.e.SubmitRating(s.ctx, s.fac, in)
		s.must(err)
		if c.private && (res.Replayed || res.Changed || res.Event.PreviousEventID != "") {
			t.Errorf("%s: the answer tells the facilitator the member's own rating: %+v", c.tag, res)
		}
		if !c.private && !res.Replayed {
			t.Errorf("%s: an equal rating should be answered as nothing new: %+v", c.tag, res)
		}
		// A different rating replaces the member's own, and says so only
		// where identities are seen.
		four := 4
		in.Pass, in.Value = false, &four
		res, err = s.e.SubmitRating(s.ctx, s.fac, in)
		s.must(err)
		if res.Changed == c.private || (res.Event.PreviousEventID == "") != c.private {
			t.Errorf("%s: changed %v, previous %q", c.tag, res.Changed, res.Event.PreviousEventID)
		}
		rs, err := s.e.SubmitRatings(s.ctx, s.fac, []engine.RatingInput{in})
		s.must(err)
		if rs[0].Replayed == c.private {
			t.Errorf("%s: a repeat of the facilitator's own entry: replayed %v", c.tag, rs[0].Replayed)
		}
	}
}
