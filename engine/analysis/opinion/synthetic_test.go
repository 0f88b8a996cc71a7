package opinion

import (
	"math/rand/v2"
)

// synthetic generates nMembers × nProposals ratings in nGroups latent
// opinion groups (0 groups: pure noise). Each group has a stance on each
// proposal (agree, disagree or split); a member rates about density of the
// proposals (varying between members), following the group's stance with
// probability fidelity, passing with probability 0.1, otherwise at random.
// truth holds each member's latent group.
func synthetic(nMembers, nProposals, nGroups int, density, fidelity float64, seed uint64) (m Matrix, truth []int) {
	rng := rand.New(rand.NewPCG(seed, 0xda7a))
	stance := make([][]float32, max(nGroups, 1))
	for g := range stance {
		stance[g] = make([]float32, nProposals)
		for j := range stance[g] {
			stance[g][j] = float32(rng.IntN(3) - 1)
		}
	}
	m = Matrix{NMembers: nMembers, NProposals: nProposals}
	expected := int(float64(nMembers) * float64(nProposals) * density * 1.05)
	m.Member = make([]int32, 0, expected)
	m.Proposal = make([]int32, 0, expected)
	m.Value = make([]float32, 0, expected)
	truth = make([]int, nMembers)
	for i := 0; i < nMembers; i++ {
		g := 0
		if nGroups > 0 {
			g = rng.IntN(nGroups)
		}
		truth[i] = g
		d := density * (0.4 + 1.2*rng.Float64())
		for j := 0; j < nProposals; j++ {
			if rng.Float64() >= d {
				continue
			}
			var v float32
			switch u := rng.Float64(); {
			case u < 0.1:
				v = 0
			case nGroups > 0 && u < 0.1+0.9*fidelity && stance[g][j] != 0:
				v = stance[g][j]
			default:
				v = float32(rng.IntN(2)*2 - 1)
			}
			m.Member = append(m.Member, int32(i))
			m.Proposal = append(m.Proposal, int32(j))
			m.Value = append(m.Value, v)
		}
	}
	return m, truth
}
