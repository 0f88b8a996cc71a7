package engine

import (
	"context"
)

// ErasedText stands in for the words of an erased member that the record
// keeps: each reason they gave and each reflection they wrote. A marker
// rather than an empty string keeps "gave a reason" and "wrote a
// reflection" counts as they were, so participation and every other
// aggregate of the group's history stay what they were (SPEC C11).
const ErasedText = "(removed at the member's request)"

// Erasure names what Tx.EraseMemberContent blanks for one member.
type Erasure struct {
	MemberID string
	GroupID  string
	// InviteIDs are the single-use invites the member joined by: their
	// labels were written for one person and often name them.
	InviteIDs []string
	// Text replaces every non-empty reason of the member's rating events
	// and the text of each of their reflections.
	Text string
}

// EraseMember erases a member at their request: a member may erase
// themselves, and a facilitator may erase any member of their group on
// that member's behalf. In one transaction it
//
//   - clears what identifies the person: display name, link to an
//     account, access needs; withdraws both research consents; sets
//     ErasedAt;
//   - revokes every member session (an account's own sessions are the
//     account's, but the account no longer reaches this group);
//   - replaces each reason and reflection with ErasedText, drops the
//     idempotency keys and body fingerprints of their rating events (a
//     fingerprint of a reason could confirm a guess of it), blanks the
//     labels of single-use invites they joined by, forgets their join key
//     and stops sharing their check-ins with facilitators;
//   - records the audit event member.erased, without content.
//
// Ratings stay, detached from the person: the values, passes, modes and
// times are kept under the blanked member, with their perspective, so
// every distribution, verdict and statistic of the group's history is
// unchanged. Proposals stay too (they are the group's work and others
// rated them); they are credited to "a former member". Roles, decisions
// and audit events keep only ids. Safeguarding concerns the member raised
// or that are about them are kept whole, words included: a safeguarding
// lead may have to act on them or account for what was done, which the
// right to erasure does not override; their raiser shows as erased.
func (e *Engine) EraseMember(ctx context.Context, actor Actor, memberID string) error {
	if !validID(memberID) {
		return Errorf(ENOTFOUND, "Member not found.")
	}
	m, a, err := e.memberAccess(ctx, e.store, actor, memberID)
	if err != nil {
		return err
	}
	if a.member.ID != m.ID {
		if err := a.require("", PermManageGroup); err != nil {
			return err
		}
	}
	// The invites a member joined by are found in the audit trail, read
	// before the write transaction so that it stays short.
	invites, err := e.invitesUsed(ctx, e.store, m)
	if err != nil {
		return err
	}
	er := &Erasure{MemberID: m.ID, GroupID: m.GroupID, Text: ErasedText}
	for _, inv := range invites {
		if inv.Kind == InviteSingleUse {
			er.InviteIDs = append(er.InviteIDs, inv.ID)
		}
	}
	err = e.store.InTx(ctx, func(tx Tx) error {
		m, a, err := e.memberAccess(ctx, tx, actor, memberID)
		if err != nil {
			return err
		}
		if m.ErasedAt != nil {
			return Errorf(ECONFLICT, "This member has already been erased.")
		}
		if m.Role == RoleFacilitator {
			ms, err := tx.Members(ctx, m.GroupID)
			if err != nil {
				return err
			}
			others := 0
			for _, o := range ms {
				if o.ID != m.ID && o.Role == RoleFacilitator && o.ErasedAt == nil {
					others++
				}
			}
			if others == 0 {
				return Errorf(ECONFLICT, "A group needs at least one facilitator; give the role to someone else before this membership is erased.")
			}
		}
		now := e.Now()
		m.DisplayName, m.AccountID, m.AccessNeeds = "", "", ""
		m.ResearchConsent, m.ReasonsConsent = false, false
		m.ErasedAt = &now
		if err := tx.UpdateMember(ctx, m); err != nil {
			return err
		}
		if err := tx.RevokeMemberSessions(ctx, m.ID, now); err != nil {
			return err
		}
		if err := tx.EraseMemberContent(ctx, er); err != nil {
			return err
		}
		return e.audit(ctx, tx, m.GroupID, a.member.ID, "member.erased", "member", m.ID)
	})
	if err != nil {
		return err
	}
	// Cached analyses hold the erased reasons in memory; none can be
	// reached any more (the round versions changed), so drop them now
	// rather than when the cache fills.
	e.analysisMu.Lock()
	for k, ent := range e.analysisCache {
		select {
		case <-ent.done:
			delete(e.analysisCache, k)
		default:
		}
	}
	e.analysisMu.Unlock()
	return nil
}

// invitesUsed returns the invites a member joined by, found from the
// member.joined audit events the member is the actor of.
func (e *Engine) invitesUsed(ctx context.Context, r Reader, m *Member) ([]*Invite, error) {
	var out []*Invite
	err := e.eachAudit(ctx, r, m.GroupID, func(ev *AuditEvent) error {
		if ev.ActorID != m.ID || ev.Action != "member.joined" || ev.SubjectType != "invite" {
			return nil
		}
		inv, err := r.InviteByID(ctx, ev.SubjectID)
		if ErrorCode(err) == ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		out = append(out, inv)
		return nil
	})
	return out, err
}

// auditPage is how many audit events are read at a time when a use case
// walks a group's whole trail.
const auditPage = 1000

// eachAudit calls fn with every audit event of a group, oldest first.
func (e *Engine) eachAudit(ctx context.Context, r Reader, groupID string, fn func(ev *AuditEvent) error) error {
	after := ""
	for {
		evs, err := r.AuditEvents(ctx, groupID, Page{Limit: auditPage, After: after})
		if err != nil {
			return err
		}
		for _, ev := range evs {
			if err := fn(ev); err != nil {
				return err
			}
		}
		if len(evs) < auditPage {
			return nil
		}
		after = evs[len(evs)-1].ID
	}
}
