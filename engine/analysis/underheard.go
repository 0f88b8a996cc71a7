package analysis

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// analyseUnderHeard fills the under-heard voices panel.
func (a *analyser) analyseUnderHeard() {
	u := &a.res.UnderHeard
	a.inequality(u)
	var prevOutcome []decisionState
	if a.t > 0 {
		prevOutcome = a.outcomesAsOf(a.t - 1)
	}
	var flags []Flag

	// Member rate metrics M2–M4, with escalation against the previous round.
	type metric struct {
		kind  string
		dst   *MemberRates
		build func(R int, out []decisionState) *rateTable
	}
	for _, mt := range []metric{
		{FlagAttention, &u.Attention, func(R int, _ []decisionState) *rateTable { return a.attentionRates(R) }},
		{FlagParticipation, &u.Participation, func(R int, _ []decisionState) *rateTable { return a.participationRates(R) }},
		{FlagUptake, &u.Uptake, a.uptakeRates},
	} {
		cur := mt.build(a.t, a.outcome)
		var before map[int]bool
		if a.t > 0 {
			before = mt.build(a.t-1, prevOutcome).flagged()
		}
		flags = append(flags, a.memberRates(mt.kind, mt.dst, cur, before)...)
	}
	a.bridgedSupport(u)

	// Perspective uptake (M4 by perspective).
	cur := a.perspectiveUptake(a.t, a.outcome)
	var before map[int]bool
	if a.t > 0 {
		before = a.perspectiveUptake(a.t-1, prevOutcome).flagged()
	}
	flags = append(flags, a.perspectiveRates(u, cur, before)...)

	// Representation (M6).
	var prevRep map[[2]int]bool
	if a.t > 0 {
		_, prevRep = a.representationResults(a.t-1, prevOutcome)
	}
	var rep map[[2]int]bool
	u.Representation, rep = a.representationResults(a.t, a.outcome)
	for g, pr := range u.Representation {
		for mi, rm := range pr.Measures {
			if !rm.Flagged {
				continue
			}
			flags = append(flags, Flag{
				Kind: FlagRepresentation, Perspective: pr.Perspective, Measure: rm.Measure,
				Escalated: prevRep[[2]int{g, mi}] && rep[[2]int{g, mi}],
				Sentence:  representationSentence(pr.Perspective, mi, rm.Share.Proportion, *pr.MemberShare),
				Evidence: FlagEvidence{Count: float64(rm.Share.Count), Opportunity: float64(rm.Share.N), Rate: rm.Share.Proportion,
					Pooled: *pr.MemberShare, Upper: fptr(rm.Share.Upper), MemberShare: pr.MemberShare},
			})
		}
	}
	u.Divergences = a.divergences()
	flags = append(flags, a.unrepresentedGroups(u)...)
	flags = append(flags, a.justifiedRepresentation(u, prevOutcome)...)
	a.minorityPositions(u)

	kindRank := map[string]int{FlagAttention: 0, FlagParticipation: 1, FlagUptake: 2, FlagPerspectiveUptake: 3,
		FlagRepresentation: 4, FlagUnrepresentedGroup: 5, FlagJustifiedRepresentation: 6}
	slices.SortStableFunc(flags, func(p, q Flag) int {
		return cmp.Or(cmp.Compare(kindRank[p.Kind], kindRank[q.Kind]), cmp.Compare(p.Member, q.Member),
			cmp.Compare(p.Perspective, q.Perspective), cmp.Compare(p.Measure, q.Measure), cmp.Compare(p.OpinionGroup, q.OpinionGroup))
	})
	if flags == nil {
		flags = []Flag{}
	}
	u.Flags = flags
}

// inequality is M1: the Gini of contributions this round (members invited)
// and cumulatively (members invited to any round so far).
func (a *analyser) inequality(u *UnderHeard) {
	c := a.contributions(a.t)
	var round []float64
	for _, m := range a.s.Rounds[a.t].Invited {
		round = append(round, c[m])
	}
	if in, err := ContributionInequality(round); err != nil {
		u.Inequality.RoundReason = err.Error()
	} else {
		u.Inequality.Round = &in
	}
	total := make([]float64, len(a.s.Members))
	in := make([]bool, len(a.s.Members))
	for r := 0; r <= a.t; r++ {
		c := a.contributions(r)
		for _, m := range a.s.Rounds[r].Invited {
			in[m] = true
			total[m] += c[m]
		}
	}
	var cum []float64
	for m, ok := range in {
		if ok {
			cum = append(cum, total[m])
		}
	}
	if ineq, err := ContributionInequality(cum); err != nil {
		u.Inequality.CumulativeReason = err.Error()
	} else {
		u.Inequality.Cumulative = &ineq
	}
}

// memberRates copies a member rate table into the result and returns its
// flags with sentences.
func (a *analyser) memberRates(kind string, dst *MemberRates, t *rateTable, before map[int]bool) []Flag {
	dst.Members = []MemberRate{}
	if t.err != nil {
		dst.PooledReason = t.err.Error()
		return nil
	}
	dst.Pooled = fptr(t.pooled)
	var flags []Flag
	for i, m := range t.units {
		as := t.out[i]
		mr := MemberRate{Member: a.s.Members[m].ID, RateAssessment: as, Escalated: as.Flagged && before[m]}
		if t.model == BetaBinomial {
			if z, err := FunnelZ(as.Count, as.Exposure, t.pooled); err == nil {
				mr.FunnelZ = fptr(z)
			}
		}
		dst.Members = append(dst.Members, mr)
		if !as.Flagged {
			continue
		}
		f := Flag{Kind: kind, Member: mr.Member, Escalated: mr.Escalated,
			Sentence: a.memberSentence(kind, m, t, i),
			Evidence: FlagEvidence{Count: as.Count, Opportunity: as.Exposure, Rate: as.Raw, Pooled: t.pooled,
				PosteriorMean: fptr(as.PosteriorMean), ProbBelowPooled: fptr(as.ProbBelowPooled)}}
		if kind == FlagAttention || kind == FlagUptake {
			f.Proposals = a.authoredIDs(m)
		}
		flags = append(flags, f)
	}
	slices.SortFunc(dst.Members, func(p, q MemberRate) int { return cmp.Compare(p.Member, q.Member) })
	return flags
}

// authoredIDs lists the IDs of member m's proposals up to the analysed
// round, sorted.
func (a *analyser) authoredIDs(m int) []string {
	var ids []string
	for _, p := range a.s.Proposals {
		if p.Author == m && p.Round <= a.t {
			ids = append(ids, p.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// memberSentence explains a member flag in words a facilitator can act on.
func (a *analyser) memberSentence(kind string, m int, t *rateTable, i int) string {
	name := a.s.memberName(m)
	as := t.out[i]
	switch kind {
	case FlagAttention:
		props, appear := t.aux1[i], t.aux2[i]
		got, of := as.Count/float64(appear), as.Exposure/float64(appear)
		about := ""
		if math.Abs(got-math.Round(got)) >= 0.05 || math.Abs(of-math.Round(of)) >= 0.05 {
			about = "about "
		}
		return fmt.Sprintf("%s %s were rated by %s%s of %s active members on average, against %s for everyone's proposals; consider giving them time in the next session.",
			possessive(name), plural(props, "proposal", "proposals"), about, num(math.Round(got)), num(math.Round(of)), pct(t.pooled))
	case FlagParticipation:
		return fmt.Sprintf("%s made %s (proposals, reasons or reflections) in %s, while members make %s per round on average; consider asking for their view directly or offering another way to take part (in the room, on paper, with support).",
			name, plural(int(as.Count), "contribution", "contributions"), plural(int(as.Exposure), "round", "rounds"), avg(t.pooled))
	default:
		return fmt.Sprintf("%d of %s %s adopted, against %s of all decided proposals; consider revisiting one of them with the group.",
			int(as.Count), possessive(name), plural(int(as.Exposure), "decided proposal was", "decided proposals were"), pct(t.pooled))
	}
}

// perspectiveRates copies the perspective uptake table into the result and
// returns its flags.
func (a *analyser) perspectiveRates(u *UnderHeard, t *rateTable, before map[int]bool) []Flag {
	pr := &u.PerspectiveUptake
	pr.Perspectives = make([]PerspectiveRate, a.nPersp)
	members := a.perspectiveMembers(a.t)
	if t.err != nil {
		pr.PooledReason = t.err.Error()
	} else {
		pr.Pooled = fptr(t.pooled)
	}
	var flags []Flag
	for g := 0; g < a.nPersp; g++ {
		p := &pr.Perspectives[g]
		p.Perspective = a.s.Perspectives[g]
		if members[g] < a.cell {
			p.Suppressed = true
			continue
		}
		if t.err != nil || t.out[g].Exposure == 0 {
			continue
		}
		as := t.out[g]
		p.Rate = &as
		p.Escalated = as.Flagged && before[g]
		if as.Flagged {
			flags = append(flags, Flag{Kind: FlagPerspectiveUptake, Perspective: p.Perspective, Escalated: p.Escalated,
				Sentence: fmt.Sprintf("Proposals from members of the %s perspective: %d of %d decided were adopted, against %s of all decided proposals; consider how the group weighs their ideas and revisit one of them.",
					p.Perspective, int(as.Count), int(as.Exposure), pct(t.pooled)),
				Evidence: FlagEvidence{Count: as.Count, Opportunity: as.Exposure, Rate: as.Raw, Pooled: t.pooled,
					PosteriorMean: fptr(as.PosteriorMean), ProbBelowPooled: fptr(as.ProbBelowPooled)}})
		}
	}
	return flags
}
