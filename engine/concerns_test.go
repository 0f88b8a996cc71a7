package engine_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// safeguardingWorld is a group with a facilitator, members Ada, Bo and Cy,
// and one member in each other role, plus the facilitator of another
// group: everyone whose access to a concern differs.
type safeguardingWorld struct {
	*world
	store     engine.Store
	lead      engine.Actor
	evaluator engine.Actor
	observer  engine.Actor
	outsider  engine.Actor
}

func newSafeguardingWorld(t *testing.T, db *bunstore.DB, settings engine.GroupSettings) *safeguardingWorld {
	t.Helper()
	w := newWorld(t, db, settings)
	sw := &safeguardingWorld{world: w, store: bunstore.NewStore(db)}
	sw.lead = sw.joinAs("Lee", engine.RoleSafeguardingLead)
	sw.evaluator = sw.joinAs("Eve", engine.RoleEvaluator)
	sw.observer = sw.joinAs("Olu", engine.RoleObserver)
	_, tok, err := w.e.SignUp(w.ctx, engine.SignUpInput{Email: "other@example.org", Name: "Other", Password: "correct horse battery"})
	must(t, err)
	sw.outsider, err = w.e.Authenticate(w.ctx, tok)
	must(t, err)
	_, err = w.e.CreateGroup(w.ctx, sw.outsider, engine.GroupInput{Name: "Another group"})
	must(t, err)
	return sw
}

// joinAs joins the group by an invite for role.
func (w *safeguardingWorld) joinAs(name, role string) engine.Actor {
	w.t.Helper()
	_, token, err := w.e.CreateInvite(w.ctx, w.fac, w.group.ID, engine.InviteInput{Role: role})
	must(w.t, err)
	_, session, err := w.e.Join(w.ctx, engine.Actor{}, engine.JoinInput{Token: token, DisplayName: name})
	must(w.t, err)
	actor, err := w.e.Authenticate(w.ctx, session)
	must(w.t, err)
	return actor
}

// TestConcernAccess checks who may read a concern, list concerns and
// record actions: the raiser and the group's safeguarding leads read it;
// facilitators, evaluators, observers, other members and outsiders do
// not even learn that it exists; only leads record actions.
func TestConcernAccess(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		w := newSafeguardingWorld(t, db, engine.GroupSettings{})
		ada, bo := w.members[0], w.members[1]
		rd, ps := w.openRound("Open in the evenings")
		adaC, err := w.e.RaiseConcern(w.ctx, ada, w.group.ID, engine.ConcernInput{Text: "Someone shouted at me in the break.",
			RoundID: rd.ID, ProposalID: ps[0].ID})
		must(t, err)
		boC, err := w.e.RaiseConcern(w.ctx, bo, w.group.ID, engine.ConcernInput{Text: "I am worried about a friend here."})
		must(t, err)
		if adaC.Status != engine.ConcernOpen || adaC.Source != engine.ConcernFromForm || !adaC.YouRaised ||
			adaC.RoundNumber != 1 || adaC.ProposalText != "Open in the evenings" || len(adaC.Readers) != 1 || adaC.Readers[0] != "Lee" {
			t.Fatalf("raised concern view = %+v", adaC)
		}
		if adaC.RaisedByName != "" || adaC.Actions != nil {
			t.Errorf("the raiser's view shows the leads' part: %+v", adaC)
		}

		tests := []struct {
			name     string
			actor    engine.Actor
			get      string // error code of GetConcern on Ada's concern
			action   string // error code of RecordConcernAction on it
			list     string // error code of ListConcerns
			listSees []string
		}{
			{"raiser", ada, "", engine.EFORBIDDEN, "", []string{adaC.ID}},
			{"lead", w.lead, "", "", "", []string{adaC.ID, boC.ID}},
			{"facilitator", w.fac, engine.ENOTFOUND, engine.ENOTFOUND, "", nil},
			{"evaluator", w.evaluator, engine.ENOTFOUND, engine.ENOTFOUND, "", nil},
			{"observer", w.observer, engine.ENOTFOUND, engine.ENOTFOUND, "", nil},
			{"other member", bo, engine.ENOTFOUND, engine.ENOTFOUND, "", []string{boC.ID}},
			{"outsider", w.outsider, engine.ENOTFOUND, engine.ENOTFOUND, engine.ENOTFOUND, nil},
			{"anonymous", engine.Actor{}, engine.EUNAUTHORIZED, engine.EUNAUTHORIZED, engine.EUNAUTHORIZED, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				v, err := w.e.GetConcern(w.ctx, tt.actor, adaC.ID)
				if got := engine.ErrorCode(err); got != tt.get {
					t.Errorf("GetConcern: code %q (%v), want %q", got, err, tt.get)
				}
				if err == nil && v.Text != "Someone shouted at me in the break." {
					t.Errorf("GetConcern: text %q", v.Text)
				}
				if err != nil && strings.Contains(engine.ErrorMessage(err), "shouted") {
					t.Errorf("GetConcern's error quotes the concern: %v", err)
				}
				_, err = w.e.RecordConcernAction(w.ctx, tt.actor, adaC.ID, engine.ConcernActionInput{Action: "Called Ada.", Status: engine.ConcernInProgress})
				if got := engine.ErrorCode(err); got != tt.action {
					t.Errorf("RecordConcernAction: code %q (%v), want %q", got, err, tt.action)
				}
				list, err := w.e.ListConcerns(w.ctx, tt.actor, w.group.ID)
				if got := engine.ErrorCode(err); got != tt.list {
					t.Fatalf("ListConcerns: code %q (%v), want %q", got, err, tt.list)
				}
				var ids []string
				for _, c := range list {
					ids = append(ids, c.ID)
				}
				// Ids order by creation time to the millisecond; two concerns
				// raised within one may come either way.
				want := slices.Clone(tt.listSees)
				slices.Sort(ids)
				slices.Sort(want)
				if strings.Join(ids, ",") != strings.Join(want, ",") {
					t.Errorf("ListConcerns sees %v, want %v", ids, tt.listSees)
				}
			})
		}

		// The lead sees who raised it and every action; a member made lead
		// later sees all concerns, and a lead moved to another role no more.
		v, err := w.e.GetConcern(w.ctx, w.lead, adaC.ID)
		must(t, err)
		if v.RaisedByName != "Ada" || len(v.Actions) != 1 || v.Actions[0].ActorName != "Lee" || v.Status != engine.ConcernInProgress {
			t.Errorf("lead's view = %+v", v)
		}
		cy := w.members[2]
		_, err = w.e.AssignRole(w.ctx, w.fac, cy.MemberID, engine.RoleSafeguardingLead, "")
		must(t, err)
		if _, err := w.e.GetConcern(w.ctx, cy, boC.ID); err != nil {
			t.Errorf("a member made safeguarding lead cannot read concerns: %v", err)
		}
		_, err = w.e.AssignRole(w.ctx, w.fac, cy.MemberID, engine.RoleMember, "")
		must(t, err)
		wantErr(t, func() error { _, err := w.e.GetConcern(w.ctx, cy, boC.ID); return err }(), engine.ENOTFOUND, "")
		// A per-round role does not make anyone a reader: concerns belong to the group.
		_, err = w.e.AssignRole(w.ctx, w.fac, cy.MemberID, engine.RoleSafeguardingLead, rd.ID)
		must(t, err)
		wantErr(t, func() error { _, err := w.e.GetConcern(w.ctx, cy, boC.ID); return err }(), engine.ENOTFOUND, "")
		// A malformed or unknown id is simply not found.
		wantErr(t, func() error { _, err := w.e.GetConcern(w.ctx, w.lead, "nope"); return err }(), engine.ENOTFOUND, "")
		wantErr(t, func() error { _, err := w.e.GetConcern(w.ctx, w.lead, rd.ID); return err }(), engine.ENOTFOUND, "")
	})
}

// TestConcernActionsAndAudit checks that actions are kept in order with
// the status each left, that the concern's status follows the latest, and
// that the audit log records raising and actioning — ids, who, when —
// without any of the words.
func TestConcernActionsAndAudit(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		w := newSafeguardingWorld(t, db, engine.GroupSettings{})
		ada := w.members[0]
		secrets := []string{"Marker-one: the driver made me uncomfortable.", "Marker-two: spoke with Ada by phone.",
			"Marker-three: she feels safer.", "Marker-four: brief drivers on boundaries.", "Marker-five: closed with thanks."}
		c, err := w.e.RaiseConcern(w.ctx, ada, w.group.ID, engine.ConcernInput{Text: secrets[0]})
		must(t, err)
		steps := []engine.ConcernActionInput{
			{Action: secrets[1], Outcome: secrets[2], Status: engine.ConcernInProgress},
			{Action: secrets[4], Learning: secrets[3], Status: engine.ConcernClosed},
		}
		for _, in := range steps {
			_, err := w.e.RecordConcernAction(w.ctx, w.lead, c.ID, in)
			must(t, err)
		}
		v, err := w.e.GetConcern(w.ctx, w.lead, c.ID)
		must(t, err)
		if v.Status != engine.ConcernClosed || len(v.Actions) != 2 || v.Actions[0].Status != engine.ConcernInProgress ||
			v.Actions[1].Learning != secrets[3] || v.Actions[0].Outcome != secrets[2] || !v.UpdatedAt.Equal(v.Actions[1].CreatedAt) {
			t.Errorf("after two actions: %+v", v)
		}
		// The raiser sees the status move, not the leads' notes.
		mine, err := w.e.GetConcern(w.ctx, ada, c.ID)
		must(t, err)
		if mine.Status != engine.ConcernClosed || mine.Actions != nil {
			t.Errorf("raiser's view after actions: %+v", mine)
		}

		evs, err := w.store.AuditEvents(w.ctx, w.group.ID, engine.Page{Limit: 1000})
		must(t, err)
		raw, err := json.Marshal(evs)
		must(t, err)
		for _, s := range secrets {
			if strings.Contains(string(raw), s) || strings.Contains(string(raw), strings.SplitN(s, ":", 2)[0]) {
				t.Errorf("audit events hold concern content %q", s)
			}
		}
		actions := map[string]int{}
		for _, ev := range evs {
			if strings.HasPrefix(ev.Action, "concern.") {
				actions[ev.Action]++
				if ev.SubjectType != "concern" || ev.SubjectID != c.ID || ev.ActorID == "" || ev.CreatedAt.IsZero() {
					t.Errorf("audit event %+v lacks who, what or when", ev)
				}
			}
		}
		if len(actions) != 2 || actions["concern.raised"] != 1 || actions["concern.actioned"] != 2 {
			t.Errorf("concern audit events = %v, want one raised and two actioned", actions)
		}
		// The facilitator reads the audit log without learning who raised
		// or handled a concern.
		listed, err := w.e.ListAudit(w.ctx, w.fac, w.group.ID, engine.Page{Limit: 1000})
		must(t, err)
		for _, ev := range listed {
			if strings.HasPrefix(ev.Action, "concern.") && ev.ActorID != "" {
				t.Errorf("facilitator's audit log names the actor of %s", ev.Action)
			}
		}
	})
}

// TestConcernValidation checks bad input: each failure names its field and
// rule, and no error repeats what was written.
func TestConcernValidation(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		w := newSafeguardingWorld(t, db, engine.GroupSettings{})
		ada := w.members[0]
		rd, _ := w.openRound("An idea")
		other, err := w.e.CreateGroup(w.ctx, w.outsider, engine.GroupInput{Name: "Elsewhere"})
		must(t, err)
		otherRound, err := w.e.CreateRound(w.ctx, w.outsider, other.ID, engine.RoundInput{Prompt: "Theirs"})
		must(t, err)
		theirs, err := w.e.ListMembers(w.ctx, w.outsider, other.ID)
		must(t, err)
		long := "Secret-words " + strings.Repeat("x", engine.MaxLongTextLen)
		tests := []struct {
			name  string
			in    engine.ConcernInput
			code  string
			field string
		}{
			{"empty text", engine.ConcernInput{Text: "   "}, engine.EINVALID, "text"},
			{"text too long", engine.ConcernInput{Text: long}, engine.EINVALID, "text"},
			{"control characters", engine.ConcernInput{Text: "Secret-words \x00"}, engine.EINVALID, "text"},
			{"malformed round", engine.ConcernInput{Text: "Secret-words", RoundID: "r1"}, engine.EINVALID, "round_id"},
			{"round of another group", engine.ConcernInput{Text: "Secret-words", RoundID: otherRound.ID}, engine.EINVALID, "round_id"},
			{"unknown proposal", engine.ConcernInput{Text: "Secret-words", ProposalID: rd.ID}, engine.EINVALID, "proposal_id"},
			{"member of another group", engine.ConcernInput{Text: "Secret-words", MemberID: theirs[0].ID}, engine.EINVALID, "member_id"},
			{"from a check-in without a round", engine.ConcernInput{FromCheckIn: true}, engine.EINVALID, "round_id"},
			{"from a check-in never made", engine.ConcernInput{FromCheckIn: true, RoundID: rd.ID}, engine.EINVALID, "from_checkin"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := w.e.RaiseConcern(w.ctx, ada, w.group.ID, tt.in)
				wantErr(t, err, tt.code, tt.field)
				if strings.Contains(err.Error(), "Secret-words") {
					t.Errorf("error repeats the concern: %v", err)
				}
			})
		}
		c, err := w.e.RaiseConcern(w.ctx, ada, w.group.ID, engine.ConcernInput{Text: "Fine"})
		must(t, err)
		_, err = w.e.RecordConcernAction(w.ctx, w.lead, c.ID, engine.ConcernActionInput{Action: "", Status: "solved"})
		wantErr(t, err, engine.EINVALID, "action")
		wantErr(t, err, engine.EINVALID, "status")
		// Nothing is half-written: no concern or audit event from the failures.
		list, err := w.e.ListConcerns(w.ctx, w.lead, w.group.ID)
		must(t, err)
		if len(list) != 1 {
			t.Errorf("%d concerns stored, want 1", len(list))
		}
		_, err = w.e.RaiseConcern(w.ctx, engine.Actor{}, w.group.ID, engine.ConcernInput{Text: "x"})
		wantErr(t, err, engine.EUNAUTHORIZED, "")
		_, err = w.e.RaiseConcern(w.ctx, w.outsider, w.group.ID, engine.ConcernInput{Text: "x"})
		wantErr(t, err, engine.ENOTFOUND, "")
	})
}

// TestEveryRoleRaisesConcerns checks that anyone in a group, whatever the
// role, may raise a concern and read it back.
func TestEveryRoleRaisesConcerns(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		w := newSafeguardingWorld(t, db, engine.GroupSettings{})
		for name, actor := range map[string]engine.Actor{"member": w.members[0], "facilitator": w.fac, "lead": w.lead,
			"evaluator": w.evaluator, "observer": w.observer} {
			c, err := w.e.RaiseConcern(w.ctx, actor, w.group.ID, engine.ConcernInput{Text: "Raised as " + name})
			if err != nil {
				t.Errorf("%s cannot raise a concern: %v", name, err)
				continue
			}
			if _, err := w.e.GetConcern(w.ctx, actor, c.ID); err != nil {
				t.Errorf("%s cannot read their own concern: %v", name, err)
			}
		}
	})
}
