package analysis

import "fmt"

// BinarySplitMinority is the share of ratings on the smaller side from which
// an agree/disagree proposal is called split: van der Eijk's A needs three
// scale points, so on a two-point scale Allvoice uses the explainable
// split score 1 − |A − D|/(A + D) ≥ 0.8 (agreement-statistics §1.8), which is
// the same as each side holding at least 40 %.
const BinarySplitMinority = 0.4

// itemStats describes one distribution of ratings.
type itemStats struct {
	counts          []int32
	n, passed       int
	agree, disagree int
	median, q1, q3  float64
	a               float64
	aErr            error
}

// describe computes the item statistics of a frequency vector over the
// scale (Scale.Values order) with passed passes.
func (a *analyser) describe(counts []int32, passed int) itemStats {
	st := itemStats{counts: counts, passed: passed}
	for c, f := range counts {
		st.n += int(f)
		if a.agreeCat[c] {
			st.agree += int(f)
		}
		if a.disagreeCat[c] {
			st.disagree += int(f)
		}
	}
	if st.n > 0 {
		v := a.scale.Values
		st.median = quantileCounts(v, counts, st.n, 0.5, a.qtype)
		st.q1 = quantileCounts(v, counts, st.n, 0.25, a.qtype)
		st.q3 = quantileCounts(v, counts, st.n, 0.75, a.qtype)
	}
	switch {
	case st.n == 0:
		st.aErr = reasonNoRatings
	case st.n == 1:
		st.aErr = reasonOneRating
	default:
		var buf [16]float64
		f := buf[:0]
		for _, c := range counts {
			f = append(f, float64(c))
		}
		st.a, st.aErr = VanDerEijkA(f)
	}
	return st
}

// criteria reports whether one direction of the rule holds and, with text,
// describes each criterion in words. dir is +1 (consensus for, agree zone)
// or −1 (consensus against, disagree zone). judge asks for text only for
// the direction it reports, so explanations are not built to be discarded.
func (a *analyser) criteria(st *itemStats, dir int, text bool) (bool, []string) {
	r := &a.s.Rule
	zone, opp := st.agree, st.disagree
	zlo, zhi, olo, ohi := a.scale.AgreeMin, a.scale.AgreeMax, a.scale.DisagreeMin, a.scale.DisagreeMax
	if dir < 0 {
		zone, opp = opp, zone
		zlo, zhi, olo, ohi = olo, ohi, zlo, zhi
	}
	n := float64(st.n)
	ok := st.median >= float64(zlo) && st.median <= float64(zhi)
	var parts []string
	if r.MinPercentAgree != nil {
		ok = ok && float64(zone)*100 >= *r.MinPercentAgree*n
		if text {
			parts = append(parts, fmt.Sprintf("%s rated %s (rule: at least %s%%)", pct(float64(zone)/n), a.scale.zoneText(zlo, zhi), num(*r.MinPercentAgree)))
		}
	}
	if r.MaxPercentOpposite != nil {
		ok = ok && float64(opp)*100 < *r.MaxPercentOpposite*n
		if text {
			parts = append(parts, fmt.Sprintf("%s rated %s (rule: under %s%%)", pct(float64(opp)/n), a.scale.zoneText(olo, ohi), num(*r.MaxPercentOpposite)))
		}
	}
	if r.MaxIQR != nil {
		iqr := st.q3 - st.q1
		ok = ok && iqr <= *r.MaxIQR+1e-9
		if text {
			parts = append(parts, fmt.Sprintf("IQR %s (rule: at most %s)", num(iqr), num(*r.MaxIQR)))
		}
	}
	if r.MinAgreementA != nil {
		ok = ok && st.aErr == nil && st.a >= *r.MinAgreementA
		switch {
		case !text:
		case st.aErr != nil:
			parts = append(parts, "agreement A undefined ("+st.aErr.Error()+")")
		default:
			parts = append(parts, fmt.Sprintf("agreement A %s (rule: at least %s)", num(st.a), num(*r.MinAgreementA)))
		}
	}
	if r.MinPercentAgree == nil && text {
		parts = append(parts, fmt.Sprintf("median %s (needs to lie in %s)", num(st.median), a.scale.zoneText(zlo, zhi)))
	}
	return ok, parts
}

// split reports whether the distribution is polarised, and why.
func (a *analyser) split(st *itemStats) (bool, string) {
	if st.aErr == nil && st.a < 0 {
		return true, fmt.Sprintf("ratings are polarised (van der Eijk's A = %s, below 0)", num(st.a))
	}
	if a.scale.IsNinePoint() && st.n >= 2 {
		v := a.scale.Values
		ru := randUCLAFrom(st.median, quantileCounts(v, st.counts, st.n, 0.3, QuantileType7), quantileCounts(v, st.counts, st.n, 0.7, QuantileType7))
		if ru.Disagreement {
			return true, fmt.Sprintf("the panel disagrees by the RAND/UCLA index (IPR %s above IPRAS %s)", num(ru.IPR), num(ru.IPRAS))
		}
	}
	if a.scale.K() == 2 && st.n > 0 {
		lo := min(st.agree, st.disagree)
		if float64(lo) >= BinarySplitMinority*float64(st.n) {
			return true, fmt.Sprintf("the group is split: %s agree and %s disagree", pct(float64(st.agree)/float64(st.n)), pct(float64(st.disagree)/float64(st.n)))
		}
	}
	return false, ""
}

// judge applies the consensus rule (without the perspective requirement) to
// a distribution and explains the verdict.
func (a *analyser) judge(st *itemStats) (Verdict, string) {
	if st.n < a.s.Rule.MinRaters {
		return VerdictTooFew, fmt.Sprintf("%s rated it; the rule needs at least %d.", plural(st.n, "member", "members"), a.s.Rule.MinRaters)
	}
	if ok, _ := a.criteria(st, +1, false); ok {
		_, parts := a.criteria(st, +1, true)
		return VerdictConsensusFor, "Consensus for: " + sentence(parts) + "."
	}
	if ok, _ := a.criteria(st, -1, false); ok {
		_, parts := a.criteria(st, -1, true)
		return VerdictConsensusAgainst, "Consensus against: " + sentence(parts) + "."
	}
	if ok, why := a.split(st); ok {
		return VerdictSplit, "Split: " + why + "."
	}
	dir := +1
	if st.disagree > st.agree {
		dir = -1
	}
	_, parts := a.criteria(st, dir, true)
	return VerdictNoConsensus, "No consensus: " + sentence(parts) + "."
}
