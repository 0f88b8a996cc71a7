package engine

import (
	"context"
	"slices"
	"time"
)

// MyData is everything a group holds about one member, for them to
// download (SPEC C11): their profile and consents, their roles over time,
// the invites they joined by, their proposals, every rating event they
// hold (with reasons, including ratings entered for them in the room),
// their reflections and check-ins, the safeguarding concerns they raised,
// and the audit events about them or their things. Other people's content
// is left out: ratings others gave, others' reasons and reflections, who
// else acted (only whether it was you), what safeguarding leads recorded,
// and concerns others raised about them — telling a person of those could
// put whoever raised them at risk.
type MyData struct {
	GeneratedAt time.Time `json:"generated_at"`
	Group       MyGroup   `json:"group"`
	// Member is the profile: display name, perspective, role, consents
	// and access needs.
	Member *Member `json:"member"`
	// Account is the signed-in account the membership is linked to, if any.
	Account     *Account         `json:"account,omitempty"`
	RoleHistory []RoleAssignment `json:"role_history"`
	Invites     []MyInvite       `json:"invites_used"`
	Proposals   []*Proposal      `json:"proposals"`
	Ratings     []MyRatingRecord `json:"ratings"`
	Reflections []*Reflection    `json:"reflections"`
	CheckIns    []*CheckIn       `json:"checkins"`
	Concerns    []*Concern       `json:"concerns_raised"`
	Audit       []MyAuditEvent   `json:"audit_events"`
	// Rounds names the rounds the records above refer to.
	Rounds []MyRound `json:"rounds"`
}

// MyGroup names the group the data comes from.
type MyGroup struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// MyRound names one round.
type MyRound struct {
	ID     string `json:"id"`
	Number int    `json:"number"`
	Prompt string `json:"prompt"`
}

// MyInvite is an invite the member joined by, without its token (only a
// hash of it is stored, and it is no secret of theirs).
type MyInvite struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"`
	Role        string    `json:"role"`
	Perspective string    `json:"perspective,omitempty"`
	Label       string    `json:"label,omitempty"`
	JoinedAt    time.Time `json:"joined_at"`
}

// MyRatingRecord is one rating event with the words of the proposal it
// rated and the round's number, so the download reads on its own.
type MyRatingRecord struct {
	*RatingEvent
	RoundNumber  int    `json:"round_number"`
	ProposalText string `json:"proposal_text"`
	// EnteredForYou is set when a facilitator entered the rating with you
	// (in the room, assisted, from paper).
	EnteredForYou bool `json:"entered_for_you,omitempty"`
}

// MyAuditEvent is an audit event about the member or one of their
// things. Who acted is shown only as whether it was them.
type MyAuditEvent struct {
	ID          string    `json:"id"`
	Action      string    `json:"action"`
	SubjectType string    `json:"subject_type"`
	SubjectID   string    `json:"subject_id"`
	ByYou       bool      `json:"by_you"`
	CreatedAt   time.Time `json:"created_at"`
}

// MyData returns everything the group holds about the actor. Anyone in a
// group may download their own data; nobody may download someone else's.
func (e *Engine) MyData(ctx context.Context, actor Actor, groupID string) (*MyData, error) {
	a, err := e.groupAccess(ctx, e.store, actor, groupID)
	if err != nil {
		return nil, err
	}
	me := a.member
	out := &MyData{GeneratedAt: e.Now(), Group: MyGroup{ID: a.group.ID, Name: a.group.Name}, Member: me,
		RoleHistory: []RoleAssignment{}, Invites: []MyInvite{}, Proposals: []*Proposal{}, Ratings: []MyRatingRecord{},
		Reflections: []*Reflection{}, CheckIns: []*CheckIn{}, Concerns: []*Concern{}, Audit: []MyAuditEvent{}, Rounds: []MyRound{}}
	if me.AccountID != "" {
		if out.Account, err = e.store.AccountByID(ctx, me.AccountID); err != nil {
			return nil, err
		}
	}
	// Who else acted shows only as "someone else": their ids are theirs.
	other := func(id string) string {
		if id == me.ID {
			return id
		}
		return ""
	}
	for _, ra := range a.assignments {
		if ra.MemberID == me.ID {
			ra.AssignedBy = other(ra.AssignedBy)
			out.RoleHistory = append(out.RoleHistory, ra)
		}
	}
	ps, err := e.store.Proposals(ctx, groupID)
	if err != nil {
		return nil, err
	}
	text := make(map[string]string, len(ps))
	mine := map[string]bool{me.ID: true} // ids of things that are the member's
	for _, p := range ps {
		text[p.ID] = p.Text
		if p.AuthorID == me.ID {
			own := *p
			own.CreatedBy = other(p.CreatedBy)
			out.Proposals = append(out.Proposals, &own)
			mine[p.ID] = true
		}
	}
	rounds, err := e.store.Rounds(ctx, groupID)
	if err != nil {
		return nil, err
	}
	number := make(map[string]int, len(rounds))
	for _, r := range rounds {
		number[r.ID] = r.Number
	}
	evs, err := e.store.RatingEvents(ctx, groupID)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for _, ev := range evs {
		if ev.MemberID != me.ID {
			continue
		}
		rec := MyRatingRecord{RatingEvent: ev, RoundNumber: number[ev.RoundID], ProposalText: text[ev.ProposalID],
			EnteredForYou: ev.EnteredBy != me.ID}
		ev.EnteredBy = other(ev.EnteredBy)
		out.Ratings = append(out.Ratings, rec)
		mine[ev.ID] = true
		used[ev.RoundID] = true
	}
	rfs, err := e.store.Reflections(ctx, groupID)
	if err != nil {
		return nil, err
	}
	for _, rf := range rfs {
		if rf.MemberID == me.ID {
			out.Reflections = append(out.Reflections, rf)
			mine[rf.ID] = true
			used[rf.RoundID] = true
		}
	}
	for _, p := range out.Proposals {
		used[p.RoundID] = true
	}
	for _, r := range rounds {
		ci, err := e.store.CheckIn(ctx, r.ID, me.ID)
		if ErrorCode(err) == ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		out.CheckIns = append(out.CheckIns, ci)
		used[r.ID] = true
	}
	concerns, err := e.store.Concerns(ctx, groupID, me.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range concerns {
		out.Concerns = append(out.Concerns, c)
		mine[c.ID] = true
	}
	err = e.eachAudit(ctx, e.store, groupID, func(ev *AuditEvent) error {
		byYou := ev.ActorID == me.ID
		if !byYou && !mine[ev.SubjectID] {
			return nil
		}
		out.Audit = append(out.Audit, MyAuditEvent{ID: ev.ID, Action: ev.Action, SubjectType: ev.SubjectType,
			SubjectID: ev.SubjectID, ByYou: byYou, CreatedAt: ev.CreatedAt})
		if byYou && ev.Action == "member.joined" && ev.SubjectType == "invite" {
			inv, err := e.store.InviteByID(ctx, ev.SubjectID)
			if ErrorCode(err) == ENOTFOUND {
				return nil
			} else if err != nil {
				return err
			}
			out.Invites = append(out.Invites, MyInvite{ID: inv.ID, Kind: inv.Kind, Role: inv.Role,
				Perspective: inv.Perspective, Label: inv.Label, JoinedAt: ev.CreatedAt})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, r := range rounds {
		if used[r.ID] || slices.ContainsFunc(out.RoleHistory, func(ra RoleAssignment) bool { return ra.RoundID == r.ID }) {
			out.Rounds = append(out.Rounds, MyRound{ID: r.ID, Number: r.Number, Prompt: r.Prompt})
		}
	}
	return out, nil
}
