package analysis

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"gonum.org/v1/gonum/stat"
)

// Persistent dissent (M7): a member is scored on rounds in which they rated
// at least MinorityMinRated proposals, and is in the top decile when at most
// ⌈10 % of scored members⌉ (at least one) score as high or higher — ties at
// the boundary are left out rather than let in, so the decile never grows —
// and their score is above the round's median score and above 0.
const MinorityMinRated = 3

// dissentScores returns, per member, the mean |rating − median| over their
// ratings in round r (NaN when they rated fewer than MinorityMinRated) and
// whether they are in the round's top decile.
func (a *analyser) dissentScores(r int) (score []float64, top []bool) {
	x := a.idx[r]
	np := len(a.s.Proposals)
	median := make([]float64, np)
	counts := make([]int32, a.k)
	for _, p := range a.s.Rounds[r].Agenda {
		clear(counts)
		n := 0
		for j := x.pOff[p]; j < x.pOff[p+1]; j++ {
			if c := x.pCat[j]; c >= 0 {
				counts[c]++
				n++
			}
		}
		if n > 0 {
			median[p] = quantileCounts(a.scale.Values, counts, n, 0.5, a.qtype)
		}
	}
	nm := len(a.s.Members)
	score = make([]float64, nm)
	top = make([]bool, nm)
	var scored []float64
	for m := 0; m < nm; m++ {
		sum, n := 0.0, 0
		for j := x.mOff[m]; j < x.mOff[m+1]; j++ {
			if c := x.mCat[j]; c >= 0 {
				sum += math.Abs(float64(a.scale.Values[c]) - median[x.mProposal[j]])
				n++
			}
		}
		if n < MinorityMinRated {
			score[m] = math.NaN()
			continue
		}
		score[m] = sum / float64(n)
		scored = append(scored, score[m])
	}
	if len(scored) < 2 {
		return score, top
	}
	slices.Sort(scored)
	med, _ := Quantile(scored, 0.5, QuantileType7)
	decile := max(1, int(math.Ceil(0.1*float64(len(scored)))))
	for m := 0; m < nm; m++ {
		s := score[m]
		if math.IsNaN(s) || s <= 0 || s <= med {
			continue
		}
		// Members scoring s or more: scored is ascending.
		atLeast := len(scored) - sort.SearchFloat64s(scored, s)
		top[m] = atLeast <= decile
	}
	return score, top
}

// minorityPositions lists members in the top decile in this round and the
// previous one.
func (a *analyser) minorityPositions(u *UnderHeard) {
	u.MinorityPositions = []MinorityPosition{}
	if a.t == 0 {
		u.MinorityPositionsReason = "needs two rounds"
		return
	}
	cur, topCur := a.dissentScores(a.t)
	prev, topPrev := a.dissentScores(a.t - 1)
	var scored []float64
	for _, s := range cur {
		if !math.IsNaN(s) {
			scored = append(scored, s)
		}
	}
	mean, sd := 0.0, 0.0
	if len(scored) > 1 {
		mean, sd = stat.MeanStdDev(scored, nil)
	}
	for m := range a.s.Members {
		if !topCur[m] || !topPrev[m] {
			continue
		}
		z := 0.0
		if sd > 0 {
			z = (cur[m] - mean) / sd
		}
		name := a.s.memberName(m)
		u.MinorityPositions = append(u.MinorityPositions, MinorityPosition{
			Member: a.s.Members[m].ID, MeanDistance: cur[m], Z: z, PreviousMeanDistance: prev[m],
			Sentence: fmt.Sprintf("%s has rated far from the group's median in this round and the last (on average %s scale points away now, %s before); theirs is a minority position worth hearing before decisions are taken.",
				name, num(cur[m]), num(prev[m])),
		})
	}
	slices.SortFunc(u.MinorityPositions, func(p, q MinorityPosition) int { return strings.Compare(p.Member, q.Member) })
}
