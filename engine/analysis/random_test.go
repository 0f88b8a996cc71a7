package analysis

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// randomSnapshot builds a valid snapshot with random shape: any scale, rule
// variant, perspectives, lineage, invitations, passes, reasons, reflections
// and decisions, including empty rounds and members who never take part.
func randomSnapshot(rng *rand.Rand) Snapshot {
	var scale Scale
	switch rng.IntN(4) {
	case 0:
		scale = AgreeDisagreeScale()
	default:
		scale, _ = LikertScale([]int{5, 7, 9}[rng.IntN(3)])
	}
	s := Snapshot{Scale: scale, Seed: rng.Uint64(), QuantileType: []int{0, 6, 7}[rng.IntN(3)], MinCellSize: rng.IntN(6)}
	switch rng.IntN(4) {
	case 0:
		s.Rule = PercentAgreementRule(51 + float64(rng.IntN(49)))
	case 1:
		s.Rule = Comet7015Rule()
	case 2:
		s.Rule = ConsensusRule{Version: 3, MaxIQR: ptr(float64(rng.IntN(2))), MinPercentAgree: ptr(60)}
	default:
		s.Rule = ConsensusRule{Version: 2, MaxPercentOpposite: ptr(20)}
		if scale.K() >= 3 {
			s.Rule.MinAgreementA = ptr(rng.Float64())
		}
	}
	s.Rule.MinRaters = 1 + rng.IntN(6)
	s.Rule.WithinEveryPerspective = rng.IntN(2) == 0
	for i := rng.IntN(4); i > 0; i-- {
		s.Perspectives = append(s.Perspectives, fmt.Sprintf("perspective %d", len(s.Perspectives)))
	}
	nm := rng.IntN(26)
	for i := 0; i < nm; i++ {
		s.Members = append(s.Members, Member{ID: fmt.Sprintf("m%d", i), Perspective: rng.IntN(len(s.Perspectives)+1) - 1})
	}
	nr := 1 + rng.IntN(4)
	for r := 0; r < nr; r++ {
		rd := Round{ID: fmt.Sprintf("r%d", r)}
		for m := 0; m < nm; m++ {
			if rng.Float64() < 0.85 {
				rd.Invited = append(rd.Invited, m)
			}
		}
		for i := rng.IntN(8); i > 0; i-- {
			p := Proposal{ID: fmt.Sprintf("p%d", len(s.Proposals)), Author: -1, Round: r}
			if nm > 0 && rng.IntN(5) > 0 {
				p.Author = rng.IntN(nm)
			}
			if len(s.Proposals) > 0 && rng.IntN(4) == 0 {
				p.Supersedes = []int{rng.IntN(len(s.Proposals))}
				if q := rng.IntN(len(s.Proposals)); q != p.Supersedes[0] && rng.IntN(2) == 0 {
					p.Supersedes = append(p.Supersedes, q)
				}
			}
			s.Proposals = append(s.Proposals, p)
			rd.Agenda = append(rd.Agenda, len(s.Proposals)-1)
		}
		for p := range s.Proposals {
			if s.Proposals[p].Round < r && rng.IntN(3) == 0 {
				rd.Agenda = append(rd.Agenda, p)
			}
		}
		density := rng.Float64()
		for _, m := range rd.Invited {
			if rng.IntN(8) == 0 {
				rd.Reflections = append(rd.Reflections, int32(m))
			}
			for _, p := range rd.Agenda {
				if rng.Float64() >= density {
					continue
				}
				rd.Ratings.Member = append(rd.Ratings.Member, int32(m))
				rd.Ratings.Proposal = append(rd.Ratings.Proposal, int32(p))
				rd.Ratings.Value = append(rd.Ratings.Value, int8(scale.Values[rng.IntN(scale.K())]))
				rd.Ratings.Pass = append(rd.Ratings.Pass, rng.IntN(6) == 0)
				reason := ""
				if rng.IntN(4) == 0 {
					reason = "r"
				}
				rd.Ratings.Reason = append(rd.Ratings.Reason, reason)
			}
		}
		for _, p := range rd.Agenda {
			if rng.IntN(2) == 0 {
				rd.Decisions = append(rd.Decisions, Decision{Proposal: p, Outcome: []string{OutcomeAdopted, OutcomeNotAdopted, OutcomeRevisit, OutcomeParked}[rng.IntN(4)]})
			}
		}
		s.Rounds = append(s.Rounds, rd)
	}
	return s
}

// TestRandomSnapshots: hundreds of random valid snapshots analyse without
// error, NaN or panic, and the result is internally consistent.
func TestRandomSnapshots(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 13))
	for run := 0; run < 400; run++ {
		s := randomSnapshot(rng)
		if err := s.Validate(); err != nil {
			t.Fatalf("run %d: generator made an invalid snapshot: %v", run, err)
		}
		res := mustAnalyse(t, s)
		marshal(t, res)
		last := s.Rounds[len(s.Rounds)-1]
		if len(res.Proposals) != len(last.Agenda) {
			t.Fatalf("run %d: %d proposal results for %d agenda items", run, len(res.Proposals), len(last.Agenda))
		}
		v := res.Round.Verdicts
		if v.ConsensusFor+v.ConsensusAgainst+v.NoConsensus+v.Split+v.TooFew != len(last.Agenda) {
			t.Errorf("run %d: verdict counts %+v", run, v)
		}
		for _, pr := range res.Proposals {
			sum := 0
			for _, c := range pr.Distribution {
				sum += c
			}
			if sum != pr.NRated || pr.NNotResponded < 0 || (pr.NRated > 0) != (pr.Median != nil) || pr.VerdictExplanation == "" {
				t.Errorf("run %d: %s inconsistent: %+v", run, pr.ID, pr)
			}
			if pr.Change == nil && pr.ChangeReason == "" || pr.Change != nil && pr.Change.Stability.SettledReason == "" {
				t.Errorf("run %d: %s change without reason", run, pr.ID)
			}
		}
		// The audit Analyse computes off its index equals the exported one
		// on ballots built from the ratings.
		if want, err := jrFromRatings(s); err == nil {
			got := res.UnderHeard.JustifiedRepresentation
			if got == nil || got.Satisfied != want.Satisfied || got.Unrepresented != want.Unrepresented || got.WitnessSupport != want.WitnessSupport {
				t.Errorf("run %d: JR %+v, want %+v", run, got, want)
			}
		} else if res.UnderHeard.JustifiedRepresentation != nil {
			t.Errorf("run %d: JR defined, exported audit says %v", run, err)
		}
		for _, f := range res.UnderHeard.Flags {
			if f.Sentence == "" || f.Kind == "" {
				t.Errorf("run %d: flag without sentence %+v", run, f)
			}
		}
		if len(s.Members) > 0 {
			if _, err := MemberTrajectory(s, rng.IntN(len(s.Members))); err != nil {
				t.Errorf("run %d: trajectory: %v", run, err)
			}
		}
	}
}

// jrFromRatings runs JustifiedRepresentation on the last round's approval
// ballots and the agenda proposals adopted so far.
func jrFromRatings(s Snapshot) (JRAudit, error) {
	last := len(s.Rounds) - 1
	rd := s.Rounds[last]
	pos := map[int]int{}
	for i, p := range rd.Agenda {
		pos[p] = i
	}
	ballots := map[int32][]int{}
	var voters []int32
	for i, m := range rd.Ratings.Member {
		if _, ok := ballots[m]; !ok {
			ballots[m] = []int{}
			voters = append(voters, m)
		}
		if !rd.Ratings.pass(i) && s.Scale.InAgreeZone(int(rd.Ratings.Value[i])) {
			ballots[m] = append(ballots[m], pos[int(rd.Ratings.Proposal[i])])
		}
	}
	var list [][]int
	for _, m := range voters {
		list = append(list, ballots[m])
	}
	a := &analyser{s: &s}
	a.children = make([][]int32, len(s.Proposals))
	for p, pr := range s.Proposals {
		for _, anc := range pr.Supersedes {
			a.children[anc] = append(a.children[anc], int32(p))
		}
	}
	out := a.outcomesAsOf(last)
	var adopted []int
	for i, p := range rd.Agenda {
		if out[p].adopted() {
			adopted = append(adopted, i)
		}
	}
	return JustifiedRepresentation(list, adopted, len(rd.Agenda))
}
