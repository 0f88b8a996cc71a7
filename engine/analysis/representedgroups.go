package analysis

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/allvoice/allvoice/engine/analysis/opinion"
)

// unrepresentedGroups is M5: opinion groups of at least max(3, 5 % of the
// round's raters) members none of whose representative agree proposals is
// adopted or at consensus for this round.
func (a *analyser) unrepresentedGroups(u *UnderHeard) []Flag {
	u.UnrepresentedGroups = []UnrepresentedGroup{}
	res := a.opinion
	if res == nil || !res.Clear {
		u.UnrepresentedGroupsReason = "no clear opinion groups"
		return nil
	}
	raters := 0
	x := a.idx[a.t]
	for m := range a.s.Members {
		if x.responses(m) > 0 {
			raters++
		}
	}
	minSize := max(3, int(math.Ceil(0.05*float64(raters))))
	var flags []Flag
	for _, g := range res.Groups {
		if g.Size < minSize {
			continue
		}
		var reps []string
		represented := false
		for _, r := range g.Representative {
			if r.Direction != opinion.Agree {
				continue
			}
			p := a.agenda[r.Proposal]
			reps = append(reps, a.s.Proposals[p].ID)
			if a.outcome[p].adopted() || a.items[r.Proposal].verdict == VerdictConsensusFor {
				represented = true
			}
		}
		if len(reps) == 0 || represented {
			continue
		}
		u.UnrepresentedGroups = append(u.UnrepresentedGroups, UnrepresentedGroup{Group: g.ID + 1, Size: g.Size, Representative: reps})
		flags = append(flags, Flag{
			Kind: FlagUnrepresentedGroup, OpinionGroup: g.ID + 1, Proposals: reps,
			Sentence: fmt.Sprintf("Opinion group %d (%d members) has none of the proposals it distinctively supports (%s) adopted or at consensus; consider asking its members what would need to change.",
				g.ID+1, g.Size, sentence(reps)),
			Evidence: FlagEvidence{Count: 0, Opportunity: float64(len(reps))},
		})
	}
	return flags
}

// jrAudit audits the adopted proposals on round r's agenda (as of that
// round) against round r's approvals (ratings in the agree zone). It is
// JustifiedRepresentation computed straight off the round index: one pass
// over each member's ratings, no ballots materialised.
func (a *analyser) jrAudit(r int, outcome []decisionState) (JRAudit, error) {
	x := a.idx[r]
	agenda := a.s.Rounds[r].Agenda
	pos := make([]int32, len(a.s.Proposals))
	for i, p := range agenda {
		pos[p] = int32(i)
	}
	inW := make([]bool, len(a.s.Proposals))
	k := 0
	for _, p := range agenda {
		if outcome[p].adopted() {
			inW[p] = true
			k++
		}
	}
	voters := 0
	for m := range a.s.Members {
		if x.mOff[m+1] > x.mOff[m] {
			voters++
		}
	}
	switch {
	case voters == 0:
		return JRAudit{Witness: -1}, Undefined("no member rated this round")
	case k == 0:
		return JRAudit{Witness: -1}, Undefined("nothing adopted yet")
	}
	au := JRAudit{Voters: voters, Adopted: k, Witness: -1, Threshold: float64(voters) / float64(k)}
	support := make([]int, len(agenda))
	for m := range a.s.Members {
		lo, hi := x.mOff[m], x.mOff[m+1]
		if lo == hi {
			continue
		}
		represented := false
		for j := lo; j < hi && !represented; j++ {
			c := x.mCat[j]
			represented = c >= 0 && a.agreeCat[c] && inW[x.mProposal[j]]
		}
		if represented {
			continue
		}
		au.Unrepresented++
		for j := lo; j < hi; j++ {
			if c := x.mCat[j]; c >= 0 && a.agreeCat[c] {
				support[pos[x.mProposal[j]]]++
			}
		}
	}
	for c, n := range support {
		if float64(n) >= au.Threshold && n > au.WitnessSupport {
			au.Witness, au.WitnessSupport = c, n
		}
	}
	au.Satisfied = au.Witness < 0
	return au, nil
}

// justifiedRepresentation audits this round's adopted agenda proposals and
// flags a violation, escalated when the previous round violated JR too.
func (a *analyser) justifiedRepresentation(u *UnderHeard, prevOutcome []decisionState) []Flag {
	audit, err := a.jrAudit(a.t, a.outcome)
	if err != nil {
		u.JustifiedRepresentationReason = err.Error()
		return nil
	}
	jr := &JRResult{JRAudit: audit}
	u.JustifiedRepresentation = jr
	if audit.Satisfied {
		return nil
	}
	jr.Witness = a.s.Proposals[a.agenda[audit.Witness]].ID
	escalated := false
	if a.t > 0 {
		prev, err := a.jrAudit(a.t-1, prevOutcome)
		escalated = err == nil && !prev.Satisfied
	}
	return []Flag{{
		Kind: FlagJustifiedRepresentation, Proposals: []string{jr.Witness}, Escalated: escalated,
		Sentence: fmt.Sprintf("%d members had none of the proposals they agreed with adopted, and %d of them agree with %s; with %d adopted among %d members, a group of at least %s is owed one adopted proposal (justified representation). Consider revisiting %s.",
			audit.Unrepresented, audit.WitnessSupport, jr.Witness, audit.Adopted, audit.Voters, avg(audit.Threshold), jr.Witness),
		Evidence: FlagEvidence{Count: float64(audit.WitnessSupport), Opportunity: audit.Threshold},
	}}
}

// bridgedSupport is M4's bridged support: per author of an agenda
// proposal, the share of agree-zone support from clustered members of other
// opinion groups.
func (a *analyser) bridgedSupport(u *UnderHeard) {
	u.BridgedSupport = []MemberShare{}
	res := a.opinion
	if res == nil || !res.Clear {
		u.BridgedSupportReason = "no clear opinion groups"
		return
	}
	x := a.idx[a.t]
	sup := map[int]*MemberShare{}
	for _, p := range a.agenda {
		au := a.s.Proposals[p].Author
		if au < 0 || res.Assignment[au] < 0 {
			continue
		}
		ms := sup[au]
		if ms == nil {
			ms = &MemberShare{Member: a.s.Members[au].ID}
			sup[au] = ms
		}
		for j := x.pOff[p]; j < x.pOff[p+1]; j++ {
			m := x.pMember[j]
			c := x.pCat[j]
			if int(m) == au || c < 0 || !a.agreeCat[c] || res.Assignment[m] < 0 {
				continue
			}
			ms.Supporters++
			if res.Assignment[m] != res.Assignment[au] {
				ms.Outside++
			}
		}
	}
	for _, ms := range sup {
		if ms.Supporters > 0 {
			ms.Share = float64(ms.Outside) / float64(ms.Supporters)
		}
		u.BridgedSupport = append(u.BridgedSupport, *ms)
	}
	slices.SortFunc(u.BridgedSupport, func(p, q MemberShare) int { return strings.Compare(p.Member, q.Member) })
}
