package engine

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/allvoice/allvoice/engine/analysis"
)

// Who sees what of a rating (SPEC C11, §2 Group settings). The rules live
// here and in the use cases that call these functions, so the JSON API,
// the pages and the live views cannot disagree. Each part of a rating has
// its own rule, set by the group's settings or the member's consent:
//
//   - the value (or pass): members and observers see only aggregates,
//     when reveal_policy allows (RoundResults); facilitators and
//     evaluators also see each dissenting or changed rating
//     (RoundAnalysis);
//   - the reason: members and observers never see others' reasons;
//     facilitators see them; evaluators only those of members who gave
//     reasons_consent;
//   - the identity of the rater: never shown to members, observers,
//     evaluators or safeguarding leads; shown to facilitators unless the
//     group is anonymous without facilitators_see_identities. A
//     facilitator who may not see identities reads the analysis and the
//     consensus report with raters under unlinkable labels
//     (unlinkRaters), an audit trail that does not say who rated or
//     reflected (redactAudit), and answers that do not tell how a member
//     rated when the facilitator enters a rating for them
//     (preparedRating.shown).
//
// Anonymity cannot be weakened once anyone has rated or reflected
// (weakensAnonymity, anonymityKept): members rated under a promise.

// RaterLabel returns the label under which a member's ratings appear in
// the analysis a facilitator of an anonymous group reads when they may
// not see identities: an HMAC of the member's pseudonym under the group's
// key, stable across rounds (a minority position can still be followed)
// but matching no pseudonym, id or name anywhere else. Only the engine
// holds the key, so only it — and tests — can compute a label.
func RaterLabel(g *Group, memberID string) string { return raterLabel(g, Pseudonym(g, memberID)) }

func raterLabel(g *Group, pseudonym string) string {
	mac := hmac.New(sha256.New, []byte(g.PseudonymKey))
	mac.Write([]byte("rater\x00"))
	mac.Write([]byte(pseudonym))
	return "r_" + hex.EncodeToString(mac.Sum(nil)[:8])
}

// unlinkRaters returns a copy of a pseudonymous analysis for a facilitator
// of an anonymous group who may not see identities. Authorship is public
// in a group (credit matters in co-production), so sections about a
// member's proposals (authors, attention, uptake, bridged support) keep
// the pseudonym, which the proposal list ties to a name. Every section
// about how someone rated or took part — dissent, movers, opinion-group
// membership, minority positions, participation — gets rater labels
// instead, re-sorted by label, so that no pseudonym, position or order
// links a rating to an author. res is shared (cached) and not modified.
func unlinkRaters(g *Group, res *analysis.Result) *analysis.Result {
	label := map[string]string{}
	relabel := func(pseudonym string) string {
		if l, ok := label[pseudonym]; ok {
			return l
		}
		l := raterLabel(g, pseudonym)
		label[pseudonym] = l
		return l
	}
	// withReasonFirst is the analysis's order of dissent and movers:
	// members who gave a reason first, then by member.
	withReasonFirst := func(reasonP, reasonQ string, p, q string) int {
		if (reasonP != "") != (reasonQ != "") {
			if reasonP != "" {
				return -1
			}
			return 1
		}
		return cmp.Compare(p, q)
	}
	out := *res
	out.Proposals = slices.Clone(res.Proposals)
	for i := range out.Proposals {
		p := &out.Proposals[i]
		if p.Dissent != nil {
			d := *p.Dissent
			d.Members = slices.Clone(d.Members)
			for j := range d.Members {
				d.Members[j].Member = relabel(d.Members[j].Member)
			}
			slices.SortFunc(d.Members, func(x, y analysis.DissentingMember) int {
				return withReasonFirst(x.Reason, y.Reason, x.Member, y.Member)
			})
			p.Dissent = &d
		}
		if p.Change != nil {
			ch := *p.Change
			ch.Movers = slices.Clone(ch.Movers)
			for j := range ch.Movers {
				ch.Movers[j].Member = relabel(ch.Movers[j].Member)
			}
			slices.SortFunc(ch.Movers, func(x, y analysis.Mover) int {
				return withReasonFirst(x.Reason, y.Reason, x.Member, y.Member)
			})
			p.Change = &ch
		}
	}
	out.OpinionGroups.Groups = slices.Clone(res.OpinionGroups.Groups)
	for i := range out.OpinionGroups.Groups {
		og := &out.OpinionGroups.Groups[i]
		members := make([]string, len(og.Members))
		for j, m := range og.Members {
			members[j] = relabel(m)
		}
		slices.Sort(members)
		og.Members = members
	}
	uh := &out.UnderHeard
	uh.Participation.Members = slices.Clone(res.UnderHeard.Participation.Members)
	for i := range uh.Participation.Members {
		uh.Participation.Members[i].Member = relabel(uh.Participation.Members[i].Member)
	}
	slices.SortFunc(uh.Participation.Members, func(x, y analysis.MemberRate) int { return cmp.Compare(x.Member, y.Member) })
	uh.MinorityPositions = slices.Clone(res.UnderHeard.MinorityPositions)
	for i := range uh.MinorityPositions {
		mp := &uh.MinorityPositions[i]
		l := relabel(mp.Member)
		mp.Sentence = strings.ReplaceAll(mp.Sentence, mp.Member, l)
		mp.Member = l
	}
	slices.SortFunc(uh.MinorityPositions, func(x, y analysis.MinorityPosition) int { return cmp.Compare(x.Member, y.Member) })
	uh.Flags = slices.Clone(res.UnderHeard.Flags)
	first, last := -1, -1
	for i := range uh.Flags {
		fl := &uh.Flags[i]
		if fl.Kind != analysis.FlagParticipation || fl.Member == "" {
			continue
		}
		l := relabel(fl.Member)
		fl.Sentence = strings.ReplaceAll(fl.Sentence, fl.Member, l)
		fl.Member = l
		if first < 0 {
			first = i
		}
		last = i
	}
	if first >= 0 {
		// Flags are ordered by kind, then member: participation flags
		// are one run, re-sorted by label.
		slices.SortStableFunc(uh.Flags[first:last+1], func(x, y analysis.Flag) int { return cmp.Compare(x.Member, y.Member) })
	}
	return &out
}

// Audit actions that say who rated or reflected.
var ratingAuditActions = []string{"rating.submitted", "reflection.created"}

// redactAudit hides, from a viewer who may not see identities, who
// submitted each rating and reflection and which one it was: the trail
// keeps when it happened (counts, not identities). A reflection's id is in
// the list of reflections, and a time next to a live distribution would
// tell a rating. evs is modified in place.
func redactAudit(evs []*AuditEvent) {
	for _, ev := range evs {
		if slices.Contains(ratingAuditActions, ev.Action) {
			ev.ActorID, ev.SubjectID = "", ""
		}
	}
}

// weakensAnonymity returns the settings field that shows identities the
// old settings hid — anonymity switched off, or facilitators allowed to
// see who rated what in an anonymous group — or "" when nothing is shown
// that was hidden.
func weakensAnonymity(old, new GroupSettings) string {
	switch {
	case !old.Anonymous:
		return ""
	case !new.Anonymous:
		return "settings.anonymous"
	case !old.FacilitatorsSeeIdentities && new.FacilitatorsSeeIdentities:
		return "settings.facilitators_see_identities"
	}
	return ""
}

// anonymityKept fails once anyone in the group has rated or reflected:
// they did so under the group's promise of anonymity, which a change of
// settings must not take back.
func anonymityKept(ctx context.Context, r Reader, groupID, field string) error {
	evs, err := r.RatingEvents(ctx, groupID)
	if err != nil {
		return err
	}
	rfs, err := r.Reflections(ctx, groupID)
	if err != nil {
		return err
	}
	if len(evs) > 0 || len(rfs) > 0 {
		return &Error{Code: ECONFLICT, Message: "Anonymity cannot be reduced after members have rated or reflected: they did so under the group's promise.",
			Fields: []FieldError{{Field: field, Rule: "cannot show who rated what once ratings or reflections exist"}}}
	}
	return nil
}

// shown returns the result of a submission as its submitter may see it.
// A private submission — a facilitator of an anonymous group entering a
// rating for someone else — never says whether it replaced an earlier
// rating nor which, and is never answered as a repeat of the current
// rating (SkipSame is off): the earlier rating may be the member's own,
// given on their device, and the answers must not tell the facilitator
// how they rated. Whether the member has rated a proposal at all still
// shows when a change category is sent for a member who has not; finding
// out that way writes a rating in the member's name, which their data and
// the audit trail show.
func (p *preparedRating) shown(r *RatingResult) *RatingResult {
	if !p.private {
		return r
	}
	ev := *r.Event
	ev.PreviousEventID = ""
	return &RatingResult{Event: &ev, Replayed: r.Replayed}
}

// unlinksRaters reports whether the actor reads a round's analysis with
// raters under labels (unlinkRaters): a role that would see who rated
// what, in a group whose anonymity hides it from them.
func (a *access) unlinksRaters(roundID string) bool {
	return a.can(roundID, PermViewIdentities) && !a.seesIdentities(roundID)
}
