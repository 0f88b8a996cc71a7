package opinion

import (
	"fmt"
	"math"
	"slices"
)

// Choice of k (ANALYSIS.md §3, agreement-statistics.md §4.3).
const (
	// ClearSilhouette is the mean silhouette below which there are "no clear
	// opinion groups" (Kaufman & Rousseeuw: ≤ .25 is no substantial
	// structure).
	ClearSilhouette = 0.25
	// KeepMargin is how much higher another k must score than
	// Options.PreviousK to replace it, so k does not flicker between rounds.
	KeepMargin = 0.05
	// ParsimonyMargin is how much higher a larger k must score than a smaller
	// one to be preferred: differences in mean silhouette below it are within
	// sampling noise at co-design sizes, and fewer groups are easier to
	// read. (Polis gets the same bias from starting at k = 2 and changing k
	// only after 4 consecutive wins.)
	ParsimonyMargin = 0.02
	// MaxGroups is the default upper bound on k, as in Polis.
	MaxGroups = 5
	// DefaultMinRated is the default number of ratings a member needs to be
	// clustered (capped at the number of proposals), as in Polis.
	DefaultMinRated = 7
)

// Options tunes Analyse. The zero value gives the defaults.
type Options struct {
	// Seed drives every random choice (PCA start block, k-means++ seeding,
	// samples); the same Seed and Matrix give the same Result.
	Seed uint64
	// MinRated is the number of ratings a member needs to be clustered;
	// 0 → min(7, NProposals).
	MinRated int
	// MaxK is the largest k tried; 0 → min(5, ⌊n/4⌋) for n clustered
	// members. It is always capped so that k groups of MinGroupSize fit.
	MaxK int
	// PreviousK is the k of the previous round (0 none): it is kept unless
	// another k's silhouette exceeds it by more than KeepMargin.
	PreviousK int
	// ModeratedOut reproduces a Polis quirk for imported Polis
	// conversations: Polis keeps moderated-out comments in its matrix as a
	// pass by every participant, so they count in its projection scale,
	// √((C + ModeratedOut)/(n_i + ModeratedOut)). Set it to the number of
	// rejected comments to reproduce Polis's map; leave it 0 for Allvoice's
	// own rounds (polis-and-bridging.md §1.5, §1.14).
	ModeratedOut int
}

// Analyse finds opinion groups and bridging proposals in m (see the package
// comment for the pipeline). It never panics on bad input and never returns
// NaN or Inf: an invalid matrix, no variation, too few members or no clear
// structure give Clear = false with a Reason, and whatever is still defined
// (components, coordinates, candidates and their silhouettes) is filled in.
// Assignment always has NMembers entries for a valid matrix.
func Analyse(m Matrix, opt Options) Result {
	res := Result{Version: Version, Seed: opt.Seed, NMembers: m.NMembers, NProposals: m.NProposals, NRatings: len(m.Value)}
	r, err := buildRatings(m)
	if err != nil {
		res.Reason = ReasonInvalidInput + ": " + err.Error()
		return res
	}
	res.Groups = []Group{}
	res.Assignment = make([]int, m.NMembers)
	for i := range res.Assignment {
		res.Assignment[i] = -1
	}

	res.MinRated = opt.MinRated
	if res.MinRated <= 0 {
		res.MinRated = min(DefaultMinRated, m.NProposals)
	}
	res.MinRated = max(res.MinRated, 1)
	var members []int
	nRated := 0
	for i := 0; i < r.nMembers; i++ {
		if n := r.rowLen(i); n > 0 {
			nRated++
			if n >= res.MinRated {
				members = append(members, i)
			}
		}
	}
	n := len(members)
	res.NClustered = n
	res.MinGroupSize = minGroupSize(n)

	pca, ok := principalComponents(r, opt.Seed, pcaMaxIter, pcaTolerance)
	if !ok {
		res.Reason = ReasonNoVariation
		return res
	}
	res.Components = &Components{
		PC1:        pca.pc[0],
		PC2:        pca.pc[1],
		Center:     r.colMean,
		Iterations: pca.iterations,
		Converged:  pca.converged,
	}
	for t := 0; t < 2; t++ {
		if nRated > 1 {
			res.Components.Variance[t] = pca.eigen[t] / float64(nRated-1)
		}
		res.Components.ExplainedRatio[t] = math.Min(pca.eigen[t]/pca.trace, 1)
	}
	coords := project(r, pca.pc, max(opt.ModeratedOut, 0))
	res.Coordinates = coords

	maxK := opt.MaxK
	if maxK <= 0 {
		maxK = min(MaxGroups, n/4)
	}
	maxK = min(maxK, n/res.MinGroupSize, n-1)
	if maxK < 2 {
		res.Reason = fmt.Sprintf("%s: %d of %d members rated at least %d proposals", ReasonTooFew, n, m.NMembers, res.MinRated)
		return res
	}
	res.MaxK = maxK

	members, x, y := canonicalPoints(members, coords)
	scores := scoreKs(x, y, maxK, res.MinGroupSize, opt.Seed, kmeansRestarts)
	res.SilhouetteSampled = scores.sampled
	bestAt, prevAt := -1, -1
	for k := 2; k <= maxK; k++ {
		at := k - 2
		c := Candidate{K: k, Reason: scores.reason[at]}
		if scores.parts[at].k > 0 {
			c.Sizes = scores.parts[at].sizes
		}
		if scores.ok[at] {
			s := scores.sil[at]
			c.Silhouette = &s
			if bestAt < 0 || s > scores.sil[bestAt] {
				bestAt = at
			}
			if k == opt.PreviousK {
				prevAt = at
			}
		}
		res.Candidates = append(res.Candidates, c)
	}
	if bestAt < 0 {
		res.Reason = ReasonNoValidK
		return res
	}
	chosen, _ := chooseK(scores)
	if prevAt >= 0 && prevAt != chosen && scores.sil[prevAt] >= ClearSilhouette && scores.sil[bestAt]-scores.sil[prevAt] <= KeepMargin {
		chosen = prevAt
		res.KeptPreviousK = true
	}
	k := chosen + 2
	s := scores.sil[chosen]
	res.Silhouette = &s
	if s < ClearSilhouette {
		res.Reason = fmt.Sprintf("%s: best mean silhouette %.2f is below %.2f", ReasonNotClear, s, ClearSilhouette)
		return res
	}
	null := nullSilhouettes(r, coords, pca.pc, res.MinRated, max(opt.ModeratedOut, 0), maxK, opt.Seed)
	c := &res.Candidates[chosen]
	c.NullReplicates = len(null)
	if len(null) > 0 {
		nm, nx := mean(null), slices.Max(null)
		c.NullMean, c.NullMax = &nm, &nx
		if s <= nx {
			res.Reason = fmt.Sprintf("%s: mean silhouette %.2f for k = %d is no higher than the same analysis gives with ratings shuffled within each proposal (up to %.2f in %d shuffles)",
				ReasonNotClear, s, k, nx, len(null))
			return res
		}
	}

	p := scores.parts[chosen]
	res.Clear = true
	res.K = p.k
	res.Groups = make([]Group, p.k)
	for g := range res.Groups {
		res.Groups[g] = Group{ID: g, Size: p.sizes[g], Centre: [2]float64{p.cx[g], p.cy[g]}}
	}
	for pos, i := range members {
		res.Assignment[i] = int(p.labels[pos])
	}
	for i, g := range res.Assignment {
		if g >= 0 {
			res.Groups[g].Members = append(res.Groups[g].Members, i)
		}
	}
	describeGroups(r, &res)
	return res
}

// describeGroups fills each group's tallies and representative proposals
// and each proposal's bridging statistics from res.Assignment.
func describeGroups(r *ratings, res *Result) {
	k, nP := res.K, r.nProposals
	agree := make([][]int32, k)
	disagree := make([][]int32, k)
	seen := make([][]int32, k)
	for g := 0; g < k; g++ {
		agree[g], disagree[g], seen[g] = make([]int32, nP), make([]int32, nP), make([]int32, nP)
	}
	for i, g := range res.Assignment {
		if g < 0 {
			continue
		}
		for p := r.rowPtr[i]; p < r.rowPtr[i+1]; p++ {
			j := r.col[p]
			seen[g][j]++
			switch v := r.val[p]; {
			case v > 0:
				agree[g][j]++
			case v < 0:
				disagree[g][j]++
			}
		}
	}
	totA, totD, totS := make([]int, nP), make([]int, nP), make([]int, nP)
	for g := 0; g < k; g++ {
		for j := 0; j < nP; j++ {
			totA[j] += int(agree[g][j])
			totD[j] += int(disagree[g][j])
			totS[j] += int(seen[g][j])
		}
	}
	stats := make([]Repness, nP)
	for g := 0; g < k; g++ {
		grp := &res.Groups[g]
		grp.Agree, grp.Disagree, grp.Seen = widen(agree[g]), widen(disagree[g]), widen(seen[g])
		for j := 0; j < nP; j++ {
			a, d, s := grp.Agree[j], grp.Disagree[j], grp.Seen[j]
			stats[j] = ComputeRepness(a, d, s, totA[j]-a, totD[j]-d, totS[j]-s)
		}
		grp.Representative = selectRepresentative(stats, seen[g])
		if grp.Representative == nil {
			grp.Representative = []Representative{}
		}
	}
	res.Proposals = make([]ProposalBridging, nP)
	ga, gs := make([]int, k), make([]int, k)
	for j := 0; j < nP; j++ {
		b := ProposalBridging{Proposal: j, MinGroupAgreeGroup: -1}
		minRate, unseen := math.Inf(1), false
		for g := 0; g < k; g++ {
			ga[g], gs[g] = res.Groups[g].Agree[j], res.Groups[g].Seen[j]
			if gs[g] == 0 {
				unseen = true
				continue
			}
			if rate := float64(ga[g]) / float64(gs[g]); rate < minRate {
				minRate, b.MinGroupAgreeGroup = rate, g
			}
		}
		b.GroupInformedConsensus = GroupInformedConsensus(ga, gs)
		b.GroupInformedConsensusNormalised = math.Pow(b.GroupInformedConsensus, 1/float64(k))
		if unseen {
			b.MinGroupAgreeGroup = -1
			b.MinGroupAgreeReason = "not rated by every group"
		} else {
			v := minRate
			b.MinGroupAgree = &v
		}
		res.Proposals[j] = b
	}
}

func widen(v []int32) []int {
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x)
	}
	return out
}

// chooseK picks, among the usable partitions, the smallest k whose mean
// silhouette is within ParsimonyMargin of the best. ok is false when none is
// usable.
func chooseK(s kScores) (at int, ok bool) {
	best := -1
	for a := range s.ok {
		if s.ok[a] && (best < 0 || s.sil[a] > s.sil[best]) {
			best = a
		}
	}
	if best < 0 {
		return 0, false
	}
	for a := range s.ok { // k ascending
		if s.ok[a] && s.sil[a] >= s.sil[best]-ParsimonyMargin {
			return a, true
		}
	}
	return best, true
}
