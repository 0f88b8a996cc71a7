package analysis

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/allvoice/allvoice/engine/analysis/opinion"
)

// BridgingMinAgree is the agree rate every opinion group and every
// reportable perspective must reach for a proposal to be listed as bridging:
// at least half of each side that saw it agrees. Without clear opinion
// groups the perspectives alone decide.
const BridgingMinAgree = 0.5

// analyseOpinion runs the opinion-group pipeline on this round's ratings
// coded (r − midpoint)/half-range ∈ [−1, 1], a pass coded 0, and derives
// bridging from the assignment with the group's own agree zone, so that
// the agree rates of opinion groups and of perspectives mean the same.
func (a *analyser) analyseOpinion() {
	s := a.s
	rt := &s.Rounds[a.t].Ratings
	n := rt.Len()
	m := opinion.Matrix{
		NMembers:   len(s.Members),
		NProposals: len(a.agenda),
		Member:     rt.Member,
		Proposal:   make([]int32, n),
		Value:      make([]float32, n),
	}
	var code [256]float32
	for _, v := range s.Scale.Values {
		code[uint8(int8(v))] = float32(s.Scale.Code(v))
	}
	for i := 0; i < n; i++ {
		m.Proposal[i] = a.agendaPos[rt.Proposal[i]]
		if !rt.pass(i) {
			m.Value[i] = code[uint8(rt.Value[i])]
		}
	}
	res := opinion.Analyse(m, opinion.Options{Seed: s.Seed, PreviousK: s.PreviousOpinionK, ModeratedOut: s.PolisModeratedOut})
	a.opinion = &res
	og := &a.res.OpinionGroups
	og.Version = res.Version
	og.Clear, og.Reason, og.K = res.Clear, res.Reason, res.K
	og.Silhouette = res.Silhouette
	og.Clustered, og.MinRated, og.KeptPreviousK = res.NClustered, res.MinRated, res.KeptPreviousK
	og.Groups = []OpinionGroup{}
	clustered := make([]int, a.nPersp)
	for i, g := range res.Assignment {
		if g >= 0 {
			if p := s.Members[i].Perspective; p >= 0 {
				clustered[p]++
			}
		}
	}
	for _, g := range res.Groups {
		grp := OpinionGroup{Number: g.ID + 1, Size: g.Size, Members: a.memberIDs(g.Members), Representative: []RepresentativeProposal{}}
		for _, r := range g.Representative {
			rp := RepresentativeProposal{Proposal: s.Proposals[a.agenda[r.Proposal]].ID, Direction: string(r.Direction), Metric: r.Metric}
			if r.Direction == opinion.Agree {
				rp.Rate, rp.Ratio = r.PA, r.RA
			} else {
				rp.Rate, rp.Ratio = r.PD, r.RD
			}
			grp.Representative = append(grp.Representative, rp)
		}
		byPersp := make([]int, a.nPersp)
		for _, i := range g.Members {
			if p := s.Members[i].Perspective; p >= 0 {
				byPersp[p]++
			}
		}
		grp.ByPerspective = make([]PerspectiveCount, a.nPersp)
		for p := range byPersp {
			grp.ByPerspective[p] = a.perspectiveCount(p, clustered[p], byPersp[p])
		}
		og.Groups = append(og.Groups, grp)
	}
	a.bridging()
}

// bridging fills each proposal's Bridging and the ranked bridging list.
func (a *analyser) bridging() {
	res := a.opinion
	k := 0
	if res.Clear {
		k = res.K
	}
	x := a.idx[a.t]
	nA := len(a.agenda)
	agree := make([]int, nA*k)
	seen := make([]int, nA*k)
	if k > 0 {
		for i, p := range a.agenda {
			for j := x.pOff[p]; j < x.pOff[p+1]; j++ {
				g := res.Assignment[x.pMember[j]]
				if g < 0 {
					continue
				}
				seen[i*k+g]++
				if c := x.pCat[j]; c >= 0 && a.agreeCat[c] {
					agree[i*k+g]++
				}
			}
		}
	}
	type ranked struct {
		id         string
		score, gac float64
	}
	var list []ranked
	for i := range a.items {
		it := &a.items[i]
		pr := &a.res.Proposals[i]
		b := &Bridging{}
		var parts []float64
		if k == 0 {
			b.MinGroupAgreeReason = a.res.OpinionGroups.Reason
			if b.MinGroupAgreeReason == "" {
				b.MinGroupAgreeReason = "no opinion groups"
			}
		} else {
			ga, gs := agree[i*k:(i+1)*k], seen[i*k:(i+1)*k]
			gac := opinion.GroupInformedConsensus(ga, gs)
			b.GroupInformedConsensus = fptr(gac)
			b.GroupInformedConsensusNormalised = fptr(math.Pow(gac, 1/float64(k)))
			b.GroupAgree = make([]float64, k)
			minG, unseen := math.Inf(1), 0
			for g := 0; g < k; g++ {
				if gs[g] == 0 {
					unseen = g + 1
					continue
				}
				b.GroupAgree[g] = float64(ga[g]) / float64(gs[g])
				minG = math.Min(minG, b.GroupAgree[g])
			}
			if unseen > 0 {
				b.MinGroupAgreeReason = fmt.Sprintf("opinion group %d has not seen it", unseen)
			} else {
				b.MinGroupAgree = fptr(minG)
				parts = append(parts, minG)
			}
		}
		minP, minName := math.Inf(1), ""
		for g := range it.persp {
			ps := &it.persp[g]
			sn := ps.n + ps.passed
			if sn < a.cell {
				continue
			}
			if r := float64(ps.agree) / float64(sn); r < minP {
				minP, minName = r, a.s.Perspectives[g]
			}
		}
		if minName == "" {
			b.MinPerspectiveAgreeReason = fmt.Sprintf("no perspective has at least %d members who saw it", a.cell)
		} else {
			b.MinPerspectiveAgree, b.MinPerspective = fptr(minP), minName
			parts = append(parts, minP)
		}
		if len(parts) == 0 {
			pr.BridgingReason = "neither opinion groups nor perspectives can be compared"
			continue
		}
		b.Score = fptr(slices.Min(parts))
		pr.Bridging = b
		if *b.Score >= BridgingMinAgree && (b.MinGroupAgree != nil || k == 0) {
			gac := 0.0
			if b.GroupInformedConsensus != nil {
				gac = *b.GroupInformedConsensus
			}
			list = append(list, ranked{pr.ID, *b.Score, gac})
		}
	}
	slices.SortFunc(list, func(p, q ranked) int {
		if c := cmp.Compare(q.score, p.score); c != 0 {
			return c
		}
		if c := cmp.Compare(q.gac, p.gac); c != 0 {
			return c
		}
		return cmp.Compare(p.id, q.id)
	})
	a.res.BridgingProposals = make([]string, len(list))
	for i, r := range list {
		a.res.BridgingProposals[i] = r.id
	}
}
