package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// simConfig describes one simulated co-design group.
type simConfig struct {
	members, rounds int
	// underHeard ≥ 0 plants a member whose proposals others rarely rate.
	underHeard int
	// unheardPerspective ≥ 0 plants a perspective whose proposals are never
	// adopted.
	unheardPerspective int
}

// simulate builds a seeded snapshot of a group of cfg.members in three
// perspectives over cfg.rounds rounds. Each member proposes one idea a round
// with probability 0.7 (the planted members always do), takes part in a
// round with probability 0.9, and then rates each agenda proposal with
// probability 0.9 (a tenth of those are passes); a rating follows the
// proposal's latent appeal, the member's leaning and noise on the 1..5
// scale. Reasons come with a fifth of ratings and each member writes a
// reflection with probability 0.3. A proposal is adopted when at least half
// of its ratings are in the agree zone.
func simulate(seed uint64, cfg simConfig) Snapshot {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	b := newBuilder(likert5(), "lived experience", "carer", "practitioner")
	b.s.MinCellSize = 3
	b.s.Seed = seed
	for i := 0; i < cfg.members; i++ {
		b.members(1, i%3)
	}
	lean := make([]float64, cfg.members)
	for i := range lean {
		lean[i] = rng.NormFloat64() * 0.5
	}
	for r := 0; r < cfg.rounds; r++ {
		b.round()
		var agenda []int
		appeal := map[int]float64{}
		for m := 0; m < cfg.members; m++ {
			planted := m == cfg.underHeard || m%3 == cfg.unheardPerspective
			if planted || rng.Float64() < 0.7 {
				p := b.propose(m)
				agenda = append(agenda, p)
				appeal[p] = rng.NormFloat64() * 1.2
			}
		}
		for m := 0; m < cfg.members; m++ {
			if rng.Float64() >= 0.9 {
				continue
			}
			if rng.Float64() < 0.3 {
				rd := &b.s.Rounds[r]
				rd.Reflections = append(rd.Reflections, int32(m))
			}
			for _, p := range agenda {
				author := b.s.Proposals[p].Author
				q := 0.9
				if author == cfg.underHeard && m != author {
					q = 0.2
				}
				if rng.Float64() >= q {
					continue
				}
				if rng.Float64() < 0.1 {
					b.pass(m, p)
					continue
				}
				v := int(math.Round(3.7 + appeal[p] + lean[m] + rng.NormFloat64()*0.8))
				v = max(1, min(5, v))
				reason := ""
				if rng.Float64() < 0.2 {
					reason = "because"
				}
				b.rate(m, p, v, reason)
			}
		}
		// Decide by support.
		rt := &b.s.Rounds[r].Ratings
		agree, n := map[int]int{}, map[int]int{}
		for i := range rt.Member {
			if rt.Pass[i] {
				continue
			}
			n[int(rt.Proposal[i])]++
			if rt.Value[i] >= 4 {
				agree[int(rt.Proposal[i])]++
			}
		}
		for _, p := range agenda {
			out := OutcomeNotAdopted
			if n[p] > 0 && 2*agree[p] >= n[p] && b.s.Members[b.s.Proposals[p].Author].Perspective != cfg.unheardPerspective {
				out = OutcomeAdopted
			}
			b.decide(p, out)
		}
	}
	return b.s
}

// flagsOf tallies a result's flags.
func flagsOf(res *Result) (member map[string][]string, perspective map[string][]string) {
	member, perspective = map[string][]string{}, map[string][]string{}
	for _, f := range res.UnderHeard.Flags {
		if f.Member != "" {
			member[f.Member] = append(member[f.Member], f.Kind)
		}
		if f.Perspective != "" {
			perspective[f.Perspective] = append(perspective[f.Perspective], f.Kind+"/"+f.Measure)
		}
	}
	return member, perspective
}

// TestSimulatedUnderHeard is the seeded simulation suite of the flag rule:
// planted under-heard members and unheard perspectives must be flagged in
// at least 90 % of runs, and fair groups must flag nobody in at least 95 %
// of 200 runs.
func TestSimulatedUnderHeard(t *testing.T) {
	const plantedRuns, fairRuns = 100, 200
	sizes := func(rng *rand.Rand) int { return 8 + rng.IntN(23) }
	rng := rand.New(rand.NewPCG(2026, 11))

	hit := 0
	for run := 0; run < plantedRuns; run++ {
		n := sizes(rng)
		planted := rng.IntN(n)
		res := mustAnalyse(t, simulate(uint64(1000+run), simConfig{members: n, rounds: 4, underHeard: planted, unheardPerspective: -1}))
		mf, _ := flagsOf(res)
		for _, k := range mf[fmt.Sprintf("m%03d", planted)] {
			if k == FlagAttention {
				hit++
				break
			}
		}
	}
	rateMember := float64(hit) / plantedRuns
	t.Logf("planted under-heard member flagged (attention) in %d of %d runs (%.1f%%)", hit, plantedRuns, 100*rateMember)

	hit = 0
	names := []string{"lived experience", "carer", "practitioner"}
	for run := 0; run < plantedRuns; run++ {
		n := sizes(rng)
		g := rng.IntN(3)
		res := mustAnalyse(t, simulate(uint64(5000+run), simConfig{members: n, rounds: 4, underHeard: -1, unheardPerspective: g}))
		_, pf := flagsOf(res)
		if len(pf[names[g]]) > 0 {
			hit++
		}
	}
	ratePersp := float64(hit) / plantedRuns
	t.Logf("planted unheard perspective flagged in %d of %d runs (%.1f%%)", hit, plantedRuns, 100*ratePersp)

	clean, cleanAll := 0, 0
	kinds := map[string]int{}
	for run := 0; run < fairRuns; run++ {
		n := sizes(rng)
		res := mustAnalyse(t, simulate(uint64(9000+run), simConfig{members: n, rounds: 4, underHeard: -1, unheardPerspective: -1}))
		mf, _ := flagsOf(res)
		if len(mf) == 0 {
			clean++
		}
		if len(res.UnderHeard.Flags) == 0 {
			cleanAll++
		}
		for _, f := range res.UnderHeard.Flags {
			kinds[f.Kind+"/"+f.Measure]++
		}
	}
	rateFair := float64(clean) / fairRuns
	t.Logf("fair groups: no member flagged in %d of %d runs (%.1f%%); no flag of any kind in %d (%.1f%%); flags seen: %v",
		clean, fairRuns, 100*rateFair, cleanAll, 100*float64(cleanAll)/fairRuns, kinds)

	if rateMember < 0.90 {
		t.Errorf("planted under-heard member flagged in %.1f%% of runs, want ≥ 90%%", 100*rateMember)
	}
	if ratePersp < 0.90 {
		t.Errorf("planted unheard perspective flagged in %.1f%% of runs, want ≥ 90%%", 100*ratePersp)
	}
	if rateFair < 0.95 {
		t.Errorf("fair groups flagged nobody in %.1f%% of runs, want ≥ 95%%", 100*rateFair)
	}
}
