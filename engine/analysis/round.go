package analysis

// analyseRound fills Result.Round: verdict counts, participation, Kendall's
// W, Krippendorff's alpha and the stability summary.
func (a *analyser) analyseRound() {
	rr := &a.res.Round
	for i := range a.items {
		switch a.items[i].verdict {
		case VerdictConsensusFor:
			rr.Verdicts.ConsensusFor++
		case VerdictConsensusAgainst:
			rr.Verdicts.ConsensusAgainst++
		case VerdictNoConsensus:
			rr.Verdicts.NoConsensus++
		case VerdictSplit:
			rr.Verdicts.Split++
		case VerdictTooFew:
			rr.Verdicts.TooFew++
		}
	}
	a.participation()
	a.kendall()
	a.krippendorff()
	rs := &rr.Stability
	rs.Settled = []string{}
	var sum float64
	var nNet int
	for i, pr := range a.res.Proposals {
		if pr.Change == nil {
			continue
		}
		rs.Compared++
		if pr.Change.Stability.Settled {
			rs.Settled = append(rs.Settled, a.res.Proposals[i].ID)
		}
		if nc := pr.Change.Stability.NetChange; nc != nil {
			sum += *nc
			nNet++
		}
	}
	if nNet > 0 {
		rs.MeanNetChange = fptr(sum / float64(nNet))
	} else {
		rs.MeanNetChangeReason = "no proposal was rated by the same members in an earlier round"
	}
}

// participation counts invited, active, responding and proposing members.
func (a *analyser) participation() {
	s := a.s
	x := a.idx[a.t]
	p := &a.res.Round.Participation
	type counts struct{ invited, active, responded, proposed int }
	by := make([]counts, a.nPersp)
	for _, m := range s.Rounds[a.t].Invited {
		c := counts{invited: 1}
		if a.active[a.t][m] {
			c.active = 1
		}
		if x.responses(m) > 0 {
			c.responded = 1
		}
		if a.authored[a.t][m] > 0 {
			c.proposed = 1
		}
		p.Invited += c.invited
		p.Active += c.active
		p.Responded += c.responded
		p.Proposed += c.proposed
		if g := s.Members[m].Perspective; g >= 0 {
			by[g].invited += c.invited
			by[g].active += c.active
			by[g].responded += c.responded
			by[g].proposed += c.proposed
		}
	}
	p.ByPerspective = make([]PerspectiveParticipation, a.nPersp)
	for g, c := range by {
		pp := &p.ByPerspective[g]
		pp.Perspective = s.Perspectives[g]
		if c.invited < a.cell {
			pp.Suppressed = true
			continue
		}
		pp.Invited, pp.Active, pp.Responded, pp.Proposed = iptr(c.invited), iptr(c.active), iptr(c.responded), iptr(c.proposed)
	}
}

// kendall computes Kendall's W with members as judges and agenda proposals
// as objects. W needs complete rankings, so only members who rated (not
// passed) every agenda proposal are judges; the others are counted in
// KendallExcluded (listwise deletion, agreement-statistics §2.1). Ratings
// are categories, so each judge's average ranks come from a counting pass
// rather than a sort.
func (a *analyser) kendall() {
	rr := &a.res.Round
	x := a.idx[a.t]
	n := len(a.agenda)
	if n < 2 {
		rr.KendallReason = string(reasonTooFewObjects)
		return
	}
	rankSum := make([]float64, n)
	catCount := make([]int, a.k)
	catRank := make([]float64, a.k)
	judges := 0
	tieSum := 0.0
	for m := range a.s.Members {
		lo, hi := x.mOff[m], x.mOff[m+1]
		if hi == lo {
			continue
		}
		complete := int(hi-lo) == n
		if complete {
			for j := lo; j < hi; j++ {
				if x.mCat[j] < 0 {
					complete = false
					break
				}
			}
		}
		if !complete {
			rr.KendallExcluded++
			continue
		}
		judges++
		clear(catCount)
		for j := lo; j < hi; j++ {
			catCount[x.mCat[j]]++
		}
		below := 0
		for c, f := range catCount {
			catRank[c] = float64(below) + float64(f+1)/2
			below += f
			if f > 1 {
				t := float64(f)
				tieSum += t*t*t - t
			}
		}
		for j := lo; j < hi; j++ {
			rankSum[a.agendaPos[x.mProposal[j]]] += catRank[x.mCat[j]]
		}
	}
	if judges < 2 {
		rr.KendallReason = "fewer than two members rated every proposal on the agenda"
		return
	}
	k, err := kendallFromRankSums(rankSum, judges, tieSum)
	if err != nil {
		rr.KendallReason = err.Error()
		return
	}
	rr.Kendall = &k
}

// krippendorff computes ordinal alpha over agenda proposals (units) and
// members (coders), passes and missing ratings left out.
func (a *analyser) krippendorff() {
	rr := &a.res.Round
	values := make([]float64, a.k)
	for c, v := range a.scale.Values {
		values[c] = float64(v)
	}
	o := make([]float64, a.k*a.k)
	units := 0
	for i := range a.items {
		if addUnitCoincidences(o, a.items[i].st.counts) {
			units++
		}
	}
	k, err := alphaFromCoincidences(values, o, units, Ordinal)
	if err != nil {
		rr.KrippendorffReason = err.Error()
		return
	}
	rr.Krippendorff = &k
}
