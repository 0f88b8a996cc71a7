package engine

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/allvoice/allvoice/engine/analysis"
)

// snapshotInput is everything the analysis of a round reads, loaded once.
type snapshotInput struct {
	rounds      []*Round // included rounds, chronological; the last is analysed
	members     []*Member
	assignments []RoleAssignment
	proposals   []*Proposal
	agendas     [][]AgendaItem
	ratings     [][]*RatingEvent
	reflections []*Reflection
	decisions   []*Decision
}

// snapshotVersion returns the rounds an analysis of rd reads (every
// non-draft round up to rd) and a version that changes whenever anything it
// reads changes. It costs one query per round, so a cached analysis is
// found without loading the history.
func (e *Engine) snapshotVersion(ctx context.Context, g *Group, rd *Round) ([]*Round, string, error) {
	all, err := e.store.Rounds(ctx, g.ID)
	if err != nil {
		return nil, "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%d|", analysis.Version, g.UpdatedAt.UTC().Format("2006-01-02T15:04:05.999999"), g.Settings.ConsensusRule.Version)
	var rounds []*Round
	for _, r := range all {
		if r.Number > rd.Number || (r.State == RoundDraft && r.ID != rd.ID) {
			continue
		}
		rounds = append(rounds, r)
		v, err := e.store.RoundVersion(ctx, r.ID)
		if err != nil {
			return nil, "", err
		}
		fmt.Fprintf(h, "%s:%s:%s|", r.ID, r.State, v)
	}
	return rounds, hex.EncodeToString(h.Sum(nil)[:12]), nil
}

// loadSnapshot reads a group's history over rounds.
func (e *Engine) loadSnapshot(ctx context.Context, g *Group, rounds []*Round) (*snapshotInput, error) {
	in := &snapshotInput{rounds: rounds}
	var err error
	if in.members, err = e.store.Members(ctx, g.ID); err != nil {
		return nil, err
	}
	if in.assignments, err = e.store.RoleAssignments(ctx, g.ID); err != nil {
		return nil, err
	}
	if in.proposals, err = e.store.Proposals(ctx, g.ID); err != nil {
		return nil, err
	}
	if in.reflections, err = e.store.Reflections(ctx, g.ID); err != nil {
		return nil, err
	}
	if in.decisions, err = e.store.Decisions(ctx, g.ID); err != nil {
		return nil, err
	}
	for _, r := range in.rounds {
		agenda, err := e.store.Agenda(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		ratings, err := e.store.CurrentRatings(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		in.agendas = append(in.agendas, agenda)
		in.ratings = append(in.ratings, ratings)
	}
	return in, nil
}

// snapshot turns loaded history into the analysis's frozen input. With
// pseudonymous set, members appear under their group pseudonyms and no
// names reach the analysis, so nothing it writes can identify anyone.
func (in *snapshotInput) snapshot(g *Group, pseudonymous bool) *analysis.Snapshot {
	s := &analysis.Snapshot{
		Scale: g.Settings.AnalysisScale(), Rule: g.Settings.ConsensusRule, MinCellSize: g.Settings.MinCellSize,
		Perspectives: g.Settings.Perspectives, QuantileType: g.Settings.QuantileType, Seed: seedFor(g.ID),
		PolisModeratedOut: g.Settings.PolisRejectedComments,
	}
	memberIdx := make(map[string]int, len(in.members))
	for i, m := range in.members {
		memberIdx[m.ID] = i
		am := analysis.Member{ID: m.ID, Name: m.DisplayName, Perspective: slices.Index(g.Settings.Perspectives, m.Perspective)}
		if pseudonymous {
			am.ID, am.Name = Pseudonym(g, m.ID), ""
		}
		if m.ErasedAt != nil {
			am.Name = "a member who has left"
		}
		s.Members = append(s.Members, am)
	}
	roundIdx := make(map[string]int, len(in.rounds))
	for i, r := range in.rounds {
		roundIdx[r.ID] = i
	}
	propIdx := make(map[string]int, len(in.proposals))
	for _, p := range in.proposals {
		ri, ok := roundIdx[p.RoundID]
		if !ok {
			continue // proposed in a later round
		}
		author := -1
		if i, ok := memberIdx[p.AuthorID]; ok {
			author = i
		}
		propIdx[p.ID] = len(s.Proposals)
		s.Proposals = append(s.Proposals, analysis.Proposal{ID: p.ID, Author: author, Round: ri})
	}
	for _, p := range in.proposals {
		i, ok := propIdx[p.ID]
		if !ok {
			continue
		}
		for _, l := range p.Parents {
			if j, ok := propIdx[l.ParentID]; ok {
				s.Proposals[i].Supersedes = append(s.Proposals[i].Supersedes, j)
			}
		}
	}
	for ri, r := range in.rounds {
		ar := analysis.Round{ID: r.ID}
		a := &access{group: g, assignments: in.assignments}
		for mi, m := range in.members {
			a.member = m
			if a.can(r.ID, PermRate) && (r.ClosedAt == nil || !m.CreatedAt.After(*r.ClosedAt)) {
				ar.Invited = append(ar.Invited, mi)
			}
		}
		for _, it := range in.agendas[ri] {
			if pi, ok := propIdx[it.ProposalID]; ok {
				ar.Agenda = append(ar.Agenda, pi)
			}
		}
		evs := in.ratings[ri]
		rt := analysis.Ratings{
			Member: make([]int32, 0, len(evs)), Proposal: make([]int32, 0, len(evs)), Value: make([]int8, 0, len(evs)),
			Pass: make([]bool, 0, len(evs)), Reason: make([]string, 0, len(evs)), ChangeCategory: make([]string, 0, len(evs)),
		}
		for _, ev := range evs {
			mi, ok1 := memberIdx[ev.MemberID]
			pi, ok2 := propIdx[ev.ProposalID]
			if !ok1 || !ok2 {
				continue
			}
			var v int8
			if ev.Value != nil {
				v = int8(*ev.Value)
			}
			rt.Member = append(rt.Member, int32(mi))
			rt.Proposal = append(rt.Proposal, int32(pi))
			rt.Value = append(rt.Value, v)
			rt.Pass = append(rt.Pass, ev.Pass)
			reason := ev.Reason
			if pseudonymous && !in.members[mi].ReasonsConsent {
				reason = "" // pseudonymous readers see only consented reasons
			}
			rt.Reason = append(rt.Reason, reason)
			rt.ChangeCategory = append(rt.ChangeCategory, ev.ChangeCategory)
		}
		ar.Ratings = rt
		// Reflections count as contributions of members who take part in
		// the round; a facilitator's notes are not part of who is heard.
		for _, rf := range in.reflections {
			if mi, ok := memberIdx[rf.MemberID]; ok && rf.RoundID == r.ID && slices.Contains(ar.Invited, mi) {
				ar.Reflections = append(ar.Reflections, int32(mi))
			}
		}
		for _, d := range in.decisions {
			if pi, ok := propIdx[d.ProposalID]; ok && d.RoundID == r.ID {
				ar.Decisions = append(ar.Decisions, analysis.Decision{Proposal: pi, Outcome: d.Outcome})
			}
		}
		s.Rounds = append(s.Rounds, ar)
	}
	return s
}

// seedFor derives a group's analysis seed from its id, so clustering is
// reproducible for the group and independent between groups.
func seedFor(groupID string) uint64 {
	sum := sha256.Sum256([]byte(groupID))
	return binary.BigEndian.Uint64(sum[:8])
}
