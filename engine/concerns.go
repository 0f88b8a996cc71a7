package engine

import (
	"context"
	"strings"
)

// ConcernInput raises a safeguarding concern. RoundID, ProposalID and
// MemberID optionally say what it is about.
type ConcernInput struct {
	Text       string
	RoundID    string
	ProposalID string
	MemberID   string
	// FromCheckIn raises the concern from the member's own check-in on
	// RoundID, when they choose "tell the safeguarding lead": the
	// check-in's zone goes with it and Text may be left empty.
	FromCheckIn bool
}

// ConcernActionInput is a safeguarding lead's response to a concern.
type ConcernActionInput struct {
	Action   string
	Outcome  string
	Learning string
	// Status is the status the concern is in after this action.
	Status string
}

// ConcernView is a concern as its reader may see it. The member who
// raised it sees what they wrote, what it is about, its status and who
// reads it; the safeguarding leads also see who raised it and every
// action, with what was learned.
type ConcernView struct {
	Concern
	YouRaised bool `json:"you_raised"`
	// RaisedByName is shown to safeguarding leads only.
	RaisedByName string `json:"raised_by_name,omitempty"`
	RoundNumber  int    `json:"round_number,omitempty"`
	ProposalText string `json:"proposal_text,omitempty"`
	MemberName   string `json:"member_name,omitempty"`
	// Readers are the names of the group's safeguarding leads: the only
	// people, besides the person who raised it, who can read it.
	Readers []string `json:"readers"`
	// Actions are shown to safeguarding leads only.
	Actions []ConcernActionView `json:"actions,omitempty"`
}

// ConcernActionView is an action with the name of the lead who took it.
type ConcernActionView struct {
	ConcernAction
	ActorName string `json:"actor_name,omitempty"`
}

// handlesConcerns reports whether the actor is one of the group's
// safeguarding leads. Concerns belong to the group, not to a round, so
// the group-wide role decides.
func (a *access) handlesConcerns() bool { return a.can("", PermHandleConcerns) }

// readsConcern reports whether the actor may read c: the group's
// safeguarding leads and the member who raised it. Facilitators,
// evaluators and everyone else may not.
func (a *access) readsConcern(c *Concern) bool {
	return a.handlesConcerns() || c.RaisedBy == a.member.ID
}

// concernAccess resolves a concern and the actor's standing in its group.
// A concern the actor may not read is not found, in their group or any
// other: that a concern exists is itself private.
func (e *Engine) concernAccess(ctx context.Context, r Reader, actor Actor, concernID string) (*Concern, *access, error) {
	if actor.Anonymous() {
		return nil, nil, Errorf(EUNAUTHORIZED, "Please sign in or join with your invite link.")
	}
	if !validID(concernID) {
		return nil, nil, Errorf(ENOTFOUND, "Concern not found.")
	}
	c, err := r.ConcernByID(ctx, concernID)
	if err != nil {
		return nil, nil, notFoundAs(err, "Concern not found.")
	}
	a, err := e.groupAccess(ctx, r, actor, c.GroupID)
	if err != nil {
		return nil, nil, notFoundAs(err, "Concern not found.")
	}
	if !a.readsConcern(c) {
		return nil, nil, Errorf(ENOTFOUND, "Concern not found.")
	}
	return c, a, nil
}

// RaiseConcern raises a safeguarding concern in a group. Anyone in the
// group may raise one; only the group's safeguarding leads and the person
// who raised it can read it. The audit log records that it was raised,
// by whom and when, never what it says.
func (e *Engine) RaiseConcern(ctx context.Context, actor Actor, groupID string, in ConcernInput) (*ConcernView, error) {
	var v validator
	v.text("text", &in.Text, !in.FromCheckIn, MaxLongTextLen)
	for _, f := range []struct{ name, value string }{{"round_id", in.RoundID}, {"proposal_id", in.ProposalID}, {"member_id", in.MemberID}} {
		if f.value != "" {
			v.id(f.name, f.value)
		}
	}
	if in.FromCheckIn && in.RoundID == "" {
		v.fail("round_id", "is required when raising a concern from a check-in")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	var view *ConcernView
	err := e.store.InTx(ctx, func(tx Tx) error {
		a, err := e.authorize(ctx, tx, actor, groupID, PermRaiseConcern)
		if err != nil {
			return err
		}
		if err := checkConcernLinks(ctx, tx, groupID, in); err != nil {
			return err
		}
		now := e.Now()
		c := &Concern{ID: NewID(now), GroupID: groupID, RaisedBy: a.member.ID, Text: in.Text, RoundID: in.RoundID,
			ProposalID: in.ProposalID, MemberID: in.MemberID, Source: ConcernFromForm, Status: ConcernOpen,
			CreatedAt: now, UpdatedAt: now}
		if in.FromCheckIn {
			ci, err := tx.CheckIn(ctx, in.RoundID, a.member.ID)
			if ErrorCode(err) == ENOTFOUND {
				return invalid("from_checkin", "must follow your own check-in on this round")
			} else if err != nil {
				return err
			}
			c.Source, c.CheckInZone = ConcernFromCheckIn, ci.Zone
		}
		if err := tx.CreateConcern(ctx, c); err != nil {
			return err
		}
		if err := e.audit(ctx, tx, groupID, a.member.ID, "concern.raised", "concern", c.ID); err != nil {
			return err
		}
		view, err = e.concernView(ctx, tx, a, c, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return view, nil
}

// checkConcernLinks checks that what a concern is about belongs to its
// group, without saying whether an id of another group exists.
func checkConcernLinks(ctx context.Context, r Reader, groupID string, in ConcernInput) error {
	var v validator
	if in.RoundID != "" {
		if rd, err := r.RoundByID(ctx, in.RoundID); err != nil || rd.GroupID != groupID {
			if err != nil && ErrorCode(err) != ENOTFOUND {
				return err
			}
			v.fail("round_id", "must be a round of this group")
		}
	}
	if in.ProposalID != "" {
		if p, err := r.ProposalByID(ctx, in.ProposalID); err != nil || p.GroupID != groupID {
			if err != nil && ErrorCode(err) != ENOTFOUND {
				return err
			}
			v.fail("proposal_id", "must be a proposal of this group")
		}
	}
	if in.MemberID != "" {
		if m, err := r.MemberByID(ctx, in.MemberID); err != nil || m.GroupID != groupID || m.ErasedAt != nil {
			if err != nil && ErrorCode(err) != ENOTFOUND {
				return err
			}
			v.fail("member_id", "must be a member of this group")
		}
	}
	return v.err()
}

// ListConcerns lists a group's concerns for its safeguarding leads, and
// for everyone else the concerns they raised themselves.
func (e *Engine) ListConcerns(ctx context.Context, actor Actor, groupID string) ([]*ConcernView, error) {
	a, err := e.authorize(ctx, e.store, actor, groupID, PermRaiseConcern)
	if err != nil {
		return nil, err
	}
	raisedBy := a.member.ID
	if a.handlesConcerns() {
		raisedBy = ""
	}
	cs, err := e.store.Concerns(ctx, groupID, raisedBy)
	if err != nil {
		return nil, err
	}
	lookup := &concernLookup{}
	out := make([]*ConcernView, 0, len(cs))
	for _, c := range cs {
		v, err := e.concernView(ctx, e.store, a, c, lookup)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// GetConcern returns one concern to a safeguarding lead of its group, with
// every action, or to the member who raised it.
func (e *Engine) GetConcern(ctx context.Context, actor Actor, concernID string) (*ConcernView, error) {
	c, a, err := e.concernAccess(ctx, e.store, actor, concernID)
	if err != nil {
		return nil, err
	}
	return e.concernView(ctx, e.store, a, c, nil)
}

// RecordConcernAction records a safeguarding lead's response to a
// concern — what was done, the outcome, what was learned — and the status
// it leaves the concern in. Actions are append-only; the audit log
// records that the concern was actioned, never what was written.
func (e *Engine) RecordConcernAction(ctx context.Context, actor Actor, concernID string, in ConcernActionInput) (*ConcernAction, error) {
	var v validator
	v.text("action", &in.Action, true, MaxLongTextLen)
	v.text("outcome", &in.Outcome, false, MaxLongTextLen)
	v.text("learning", &in.Learning, false, MaxLongTextLen)
	v.oneOf("status", in.Status, ConcernStatuses...)
	if err := v.err(); err != nil {
		return nil, err
	}
	var act *ConcernAction
	err := e.store.InTx(ctx, func(tx Tx) error {
		c, a, err := e.concernAccess(ctx, tx, actor, concernID)
		if err != nil {
			return err
		}
		if !a.handlesConcerns() {
			return Errorf(EFORBIDDEN, "Only the group's safeguarding leads record actions on a concern.")
		}
		now := e.Now()
		act = &ConcernAction{ID: NewID(now), ConcernID: c.ID, GroupID: c.GroupID, ActorID: a.member.ID, Action: in.Action,
			Outcome: in.Outcome, Learning: in.Learning, Status: in.Status, CreatedAt: now}
		if err := tx.AppendConcernAction(ctx, act); err != nil {
			return err
		}
		return e.audit(ctx, tx, c.GroupID, a.member.ID, "concern.actioned", "concern", c.ID)
	})
	if err != nil {
		return nil, err
	}
	return act, nil
}

// concernLookup caches what the views of one list share.
type concernLookup struct {
	members map[string]*Member
	leads   []string
	rounds  map[string]int
}

// load reads the group's members and rounds once.
func (l *concernLookup) load(ctx context.Context, r Reader, groupID string) error {
	if l.members != nil {
		return nil
	}
	ms, err := r.Members(ctx, groupID)
	if err != nil {
		return err
	}
	l.members = map[string]*Member{}
	l.leads = []string{}
	for _, m := range ms {
		l.members[m.ID] = m
		if m.Role == RoleSafeguardingLead && m.ErasedAt == nil && m.DisplayName != "" {
			l.leads = append(l.leads, m.DisplayName)
		}
	}
	rounds, err := r.Rounds(ctx, groupID)
	if err != nil {
		return err
	}
	l.rounds = map[string]int{}
	for _, rd := range rounds {
		l.rounds[rd.ID] = rd.Number
	}
	return nil
}

// name is a member's display name, "" when erased or unknown.
func (l *concernLookup) name(id string) string {
	if m := l.members[id]; m != nil && m.ErasedAt == nil {
		return m.DisplayName
	}
	return ""
}

// concernView builds what the actor may see of c; lookup may be nil.
func (e *Engine) concernView(ctx context.Context, r Reader, a *access, c *Concern, lookup *concernLookup) (*ConcernView, error) {
	if lookup == nil {
		lookup = &concernLookup{}
	}
	if err := lookup.load(ctx, r, c.GroupID); err != nil {
		return nil, err
	}
	v := &ConcernView{Concern: *c, YouRaised: c.RaisedBy == a.member.ID, Readers: lookup.leads,
		RoundNumber: lookup.rounds[c.RoundID], MemberName: lookup.name(c.MemberID)}
	if c.ProposalID != "" {
		p, err := r.ProposalByID(ctx, c.ProposalID)
		if err != nil {
			return nil, err
		}
		v.ProposalText = p.Text
	}
	if !a.handlesConcerns() {
		return v, nil
	}
	v.RaisedByName = lookup.name(c.RaisedBy)
	acts, err := r.ConcernActions(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	v.Actions = make([]ConcernActionView, len(acts))
	for i, act := range acts {
		v.Actions[i] = ConcernActionView{ConcernAction: *act, ActorName: lookup.name(act.ActorID)}
	}
	return v, nil
}

// privateAuditPrefixes name audit actions whose actor is itself private:
// who raised or actioned a concern, who checked in. Their events stay in
// the audit log, but whoever lists the log sees them without the actor.
var privateAuditPrefixes = []string{"concern.", "checkin."}

// redactPrivateAudit blanks the actor of private audit events.
func redactPrivateAudit(evs []*AuditEvent) []*AuditEvent {
	for _, ev := range evs {
		for _, p := range privateAuditPrefixes {
			if strings.HasPrefix(ev.Action, p) {
				ev.ActorID = ""
			}
		}
	}
	return evs
}
