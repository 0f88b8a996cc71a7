package analysis

import (
	"cmp"
	"slices"
)

// fillDissent lists the members outside the zone of a consensus item, with
// their reasons: the minority report Delphi reporting guidance asks for.
func (a *analyser) fillDissent(pr *ProposalResult, it *item) {
	var inZone []bool
	zone := "agree"
	switch it.verdict {
	case VerdictConsensusFor:
		inZone = a.agreeCat
	case VerdictConsensusAgainst:
		inZone, zone = a.disagreeCat, "disagree"
	default:
		return
	}
	x := a.idx[a.t]
	rt := &a.s.Rounds[a.t].Ratings
	d := &Dissent{Zone: zone, Members: []DissentingMember{}}
	byPersp := make([]int, a.nPersp)
	for j := x.pOff[it.p]; j < x.pOff[it.p+1]; j++ {
		c := x.pCat[j]
		if c < 0 || inZone[c] {
			continue
		}
		m := x.pMember[j]
		d.Count++
		if g := a.perspectiveOf(m); g >= 0 {
			byPersp[g]++
		}
		d.Members = append(d.Members, DissentingMember{Member: a.s.Members[m].ID, Value: a.scale.Values[c], Reason: rt.reason(int(x.pRating[j]))})
	}
	slices.SortFunc(d.Members, func(p, q DissentingMember) int {
		if (p.Reason != "") != (q.Reason != "") {
			if p.Reason != "" {
				return -1
			}
			return 1
		}
		return cmp.Compare(p.Member, q.Member)
	})
	if len(d.Members) > MaxListedMembers {
		d.Members, d.Truncated = d.Members[:MaxListedMembers], true
	}
	d.ByPerspective = make([]PerspectiveCount, a.nPersp)
	for g := range byPersp {
		d.ByPerspective[g] = a.perspectiveCount(g, it.persp[g].n, byPersp[g])
	}
	pr.Dissent = d
}

// perspectiveCount reports count for perspective g, suppressed when the
// population it is drawn from has fewer than the minimum cell size.
func (a *analyser) perspectiveCount(g, population, count int) PerspectiveCount {
	pc := PerspectiveCount{Perspective: a.s.Perspectives[g]}
	if population < a.cell {
		pc.Suppressed = true
	} else {
		pc.Count = iptr(count)
	}
	return pc
}
