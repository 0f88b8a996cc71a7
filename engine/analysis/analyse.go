package analysis

import (
	"slices"

	"github.com/allvoice/allvoice/engine/analysis/opinion"
)

// MaxListedMembers caps every list of members inside a proposal result
// (movers, dissenters); counts are always complete. Members with a reason
// are listed first, so the minority report keeps what people said.
const MaxListedMembers = 100

// analyser carries one Analyse call: the snapshot, its indexes and what
// has been computed so far.
type analyser struct {
	s     *Snapshot
	scale Scale
	k     int
	qtype int
	cell  int
	t     int // analysed round
	idx   []*roundIndex

	agreeCat, disagreeCat []bool // per scale category
	nPersp                int

	// active[r][m]: member m rated, passed, proposed or reflected in round r.
	active [][]bool
	// authored[r][m]: proposals first proposed in round r by m.
	authored [][]int32
	// contrib[r][m]: contributions of member m in round r (lazy).
	contrib [][]float64
	// children[p]: proposals that supersede p.
	children [][]int32

	agenda    []int   // round t's agenda
	agendaPos []int32 // proposal → position in agenda, −1 if not on it
	items     []item  // per agenda position
	outcome   []decisionState
	res       *Result
	opinion   *opinion.Result
}

// item is the working state of one agenda proposal.
type item struct {
	p        int
	st       itemStats
	verdict  Verdict
	persp    []itemStats // by perspective
	baseline *baseline
}

// Analyse computes the full result of the last round of s. It validates s
// first and returns its *FieldError unchanged; it never panics on a valid
// snapshot, and degenerate data (no ratings, one member, every rating the
// same, only passes) give a Result with absent statistics and reasons.
func Analyse(s Snapshot) (*Result, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	a := &analyser{
		s:     &s,
		scale: s.Scale,
		k:     s.Scale.K(),
		qtype: s.quantileType(),
		cell:  s.minCellSize(),
		t:     len(s.Rounds) - 1,
	}
	a.idx = make([]*roundIndex, len(s.Rounds))
	for r := range s.Rounds {
		x, err := buildRoundIndex(&s, r)
		if err != nil {
			return nil, err
		}
		a.idx[r] = x
	}
	a.prepare()
	a.analyseProposals()
	a.analyseRound()
	a.analyseOpinion()
	a.analyseTrajectories()
	a.analyseAttrition()
	a.analyseUnderHeard()
	return a.res, nil
}

// prepare derives the per-round and per-member facts every step uses.
func (a *analyser) prepare() {
	s := a.s
	a.agreeCat = make([]bool, a.k)
	a.disagreeCat = make([]bool, a.k)
	for c, v := range s.Scale.Values {
		a.agreeCat[c] = s.Scale.InAgreeZone(v)
		a.disagreeCat[c] = s.Scale.InDisagreeZone(v)
	}
	a.nPersp = len(s.Perspectives)
	nm := len(s.Members)
	a.active = make([][]bool, len(s.Rounds))
	a.authored = make([][]int32, len(s.Rounds))
	for r := range s.Rounds {
		act := make([]bool, nm)
		x := a.idx[r]
		for m := 0; m < nm; m++ {
			act[m] = x.mOff[m+1] > x.mOff[m]
		}
		for _, m := range s.Rounds[r].Reflections {
			act[m] = true
		}
		a.authored[r] = make([]int32, nm)
		a.active[r] = act
	}
	a.children = make([][]int32, len(s.Proposals))
	for p, pr := range s.Proposals {
		if pr.Author >= 0 {
			a.authored[pr.Round][pr.Author]++
			a.active[pr.Round][pr.Author] = true
		}
		for _, anc := range pr.Supersedes {
			a.children[anc] = append(a.children[anc], int32(p))
		}
	}
	a.agenda = s.Rounds[a.t].Agenda
	a.agendaPos = make([]int32, len(s.Proposals))
	for i := range a.agendaPos {
		a.agendaPos[i] = -1
	}
	for i, p := range a.agenda {
		a.agendaPos[p] = int32(i)
	}
	a.outcome = a.outcomesAsOf(a.t)
	rd := &s.Rounds[a.t]
	a.res = &Result{
		AnalysisVersion: Version,
		RuleVersion:     s.Rule.Version,
		Rule:            s.Rule,
		Scale:           s.Scale,
		QuantileType:    a.qtype,
		MinCellSize:     a.cell,
		Seed:            s.Seed,
		RoundID:         rd.ID,
		RoundNumber:     a.t + 1,
	}
	if a.t > 0 {
		a.res.PreviousRoundID = s.Rounds[a.t-1].ID
	}
}

// perspectiveOf returns member m's perspective index (−1 for none).
func (a *analyser) perspectiveOf(m int32) int { return a.s.Members[m].Perspective }

// memberIDs returns the IDs of the given members, sorted.
func (a *analyser) memberIDs(ms []int) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = a.s.Members[m].ID
	}
	slices.Sort(out)
	return out
}

func fptr(x float64) *float64 { return &x }

func iptr(x int) *int { return &x }
