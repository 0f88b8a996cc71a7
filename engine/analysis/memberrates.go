package analysis

// Minimum opportunity of the flag rule (shared/ANALYSIS.md §5): at least
// MinEligiblePairs eligible pairs, or at least MinRounds rounds.
const (
	MinEligiblePairs = 10
	MinRounds        = 2
)

// rateTable is one member-level metric as of some round: a unit per member
// with any opportunity.
type rateTable struct {
	model    RateModel
	units    []int // member indices
	count    []float64
	exposure []float64
	eligible []bool
	pooled   float64
	err      error
	out      []RateAssessment
	// extra per unit for sentences: proposals and appearances (M3) or
	// rounds (M2).
	aux1, aux2 []int
}

// assess applies the flag rule to the table.
func (t *rateTable) assess() {
	t.pooled, t.out, t.err = AssessLowRates(t.count, t.exposure, t.eligible, DefaultRateRule(t.model, 0))
}

// flagged returns the flagged members.
func (t *rateTable) flagged() map[int]bool {
	f := map[int]bool{}
	for i, a := range t.out {
		if a.Flagged {
			f[t.units[i]] = true
		}
	}
	return f
}

// contributions returns, per member, the contributions of round r:
// proposals first proposed in r, reasons given with ratings in r, and
// reflections written in r.
func (a *analyser) contributions(r int) []float64 {
	if a.contrib == nil {
		a.contrib = make([][]float64, len(a.s.Rounds))
	}
	if a.contrib[r] != nil {
		return a.contrib[r]
	}
	c := make([]float64, len(a.s.Members))
	for m, n := range a.authored[r] {
		c[m] = float64(n)
	}
	rd := &a.s.Rounds[r]
	for i, reason := range rd.Ratings.Reason {
		if reason != "" {
			c[rd.Ratings.Member[i]]++
		}
	}
	for _, m := range rd.Reflections {
		c[m]++
	}
	a.contrib[r] = c
	return c
}

// participationRates is M2 as of round R: contributions per round invited,
// Gamma–Poisson, eligible after MinRounds rounds.
func (a *analyser) participationRates(R int) *rateTable {
	nm := len(a.s.Members)
	y := make([]float64, nm)
	T := make([]int, nm)
	for r := 0; r <= R; r++ {
		c := a.contributions(r)
		for _, m := range a.s.Rounds[r].Invited {
			T[m]++
			y[m] += c[m]
		}
	}
	t := &rateTable{model: GammaPoisson}
	for m := 0; m < nm; m++ {
		if T[m] == 0 {
			continue
		}
		t.units = append(t.units, m)
		t.count = append(t.count, y[m])
		t.exposure = append(t.exposure, float64(T[m]))
		t.eligible = append(t.eligible, T[m] >= MinRounds)
	}
	t.assess()
	return t
}

// attentionRates is M3 as of round R: for every appearance of a member's
// proposal on an agenda, the responses (ratings or passes) it received from
// other members over the members active in that round other than the
// author. Beta–binomial, eligible from MinEligiblePairs pairs.
func (a *analyser) attentionRates(R int) *rateTable {
	nm := len(a.s.Members)
	k := make([]float64, nm)
	n := make([]float64, nm)
	props := make([]int, nm)
	appear := make([]int, nm)
	counted := make([]bool, len(a.s.Proposals))
	for r := 0; r <= R; r++ {
		x := a.idx[r]
		act := a.active[r]
		nActive := 0
		for _, v := range act {
			if v {
				nActive++
			}
		}
		for _, p := range a.s.Rounds[r].Agenda {
			au := a.s.Proposals[p].Author
			if au < 0 {
				continue
			}
			elig := nActive
			if act[au] {
				elig--
			}
			seen := x.seen(p)
			if _, _, own := x.ratingOf(p, au); own {
				seen--
			}
			n[au] += float64(elig)
			k[au] += float64(seen)
			appear[au]++
			if !counted[p] {
				counted[p] = true
				props[au]++
			}
		}
	}
	t := &rateTable{model: BetaBinomial}
	for m := 0; m < nm; m++ {
		if n[m] == 0 {
			continue
		}
		t.units = append(t.units, m)
		t.count = append(t.count, k[m])
		t.exposure = append(t.exposure, n[m])
		t.eligible = append(t.eligible, n[m] >= MinEligiblePairs)
		t.aux1 = append(t.aux1, props[m])
		t.aux2 = append(t.aux2, appear[m])
	}
	t.assess()
	return t
}

// uptakeRates is M4 as of round R: a member's proposals adopted over their
// proposals decided (adopted, not adopted or parked), with credit flowing
// along lineage. Eligible from MinEligiblePairs decided proposals or
// decisions in MinRounds different rounds.
func (a *analyser) uptakeRates(R int, outcome []decisionState) *rateTable {
	nm := len(a.s.Members)
	dec := make([]float64, nm)
	adopted := make([]float64, nm)
	rounds := make([]map[int]bool, nm)
	for p, pr := range a.s.Proposals {
		if pr.Author < 0 || pr.Round > R || !outcome[p].decided() {
			continue
		}
		dec[pr.Author]++
		if outcome[p].adopted() {
			adopted[pr.Author]++
		}
		if rounds[pr.Author] == nil {
			rounds[pr.Author] = map[int]bool{}
		}
		rounds[pr.Author][outcome[p].round] = true
	}
	t := &rateTable{model: BetaBinomial}
	for m := 0; m < nm; m++ {
		if dec[m] == 0 {
			continue
		}
		t.units = append(t.units, m)
		t.count = append(t.count, adopted[m])
		t.exposure = append(t.exposure, dec[m])
		t.eligible = append(t.eligible, dec[m] >= MinEligiblePairs || len(rounds[m]) >= MinRounds)
		t.aux1 = append(t.aux1, len(rounds[m]))
	}
	t.assess()
	return t
}

// perspectiveUptake is M4 by perspective as of round R. Perspectives with
// fewer members than the minimum cell size, and authors without a
// perspective, are pooled into a last unit that is never flagged, so the
// pooled rate is the whole group's.
func (a *analyser) perspectiveUptake(R int, outcome []decisionState) *rateTable {
	members := a.perspectiveMembers(R)
	dec := make([]float64, a.nPersp+1)
	adopted := make([]float64, a.nPersp+1)
	rounds := make([]map[int]bool, a.nPersp+1)
	for p, pr := range a.s.Proposals {
		if pr.Author < 0 || pr.Round > R || !outcome[p].decided() {
			continue
		}
		g := a.s.Members[pr.Author].Perspective
		if g < 0 || members[g] < a.cell {
			g = a.nPersp
		}
		dec[g]++
		if outcome[p].adopted() {
			adopted[g]++
		}
		if rounds[g] == nil {
			rounds[g] = map[int]bool{}
		}
		rounds[g][outcome[p].round] = true
	}
	t := &rateTable{model: BetaBinomial}
	for g := 0; g <= a.nPersp; g++ {
		t.units = append(t.units, g)
		t.count = append(t.count, adopted[g])
		t.exposure = append(t.exposure, dec[g])
		t.eligible = append(t.eligible, g < a.nPersp && dec[g] > 0 && (dec[g] >= MinEligiblePairs || len(rounds[g]) >= MinRounds))
	}
	t.assess()
	return t
}

// perspectiveMembers counts, per perspective, the members invited to at
// least one round up to R.
func (a *analyser) perspectiveMembers(R int) []int {
	in := make([]bool, len(a.s.Members))
	for r := 0; r <= R; r++ {
		for _, m := range a.s.Rounds[r].Invited {
			in[m] = true
		}
	}
	c := make([]int, a.nPersp)
	for m, ok := range in {
		if g := a.s.Members[m].Perspective; ok && g >= 0 {
			c[g]++
		}
	}
	return c
}
