package engine

import (
	"context"
	"slices"
	"time"
)

// RoundInput creates a round or changes a draft round.
type RoundInput struct {
	Prompt   string
	Combined bool
	OpensAt  *time.Time
	ClosesAt *time.Time
	// CarryRules build the agenda from the previous round's agenda; empty
	// means carry_without_consensus. Revisit decisions and due reviews are
	// always carried.
	CarryRules []string
}

// CreateRound creates the group's next round as a draft, with an agenda
// carried forward from the latest closed round.
func (e *Engine) CreateRound(ctx context.Context, actor Actor, groupID string, in RoundInput) (*Round, error) {
	var v validator
	v.text("prompt", &in.Prompt, true, MaxProposalLen)
	if len(in.CarryRules) == 0 {
		in.CarryRules = []string{CarryWithoutConsensus}
	}
	for _, r := range in.CarryRules {
		v.oneOf("carry_rules", r, CarryWithoutConsensus, DropConsensusAgainst, CarryAll)
	}
	if in.OpensAt != nil && in.ClosesAt != nil && !in.ClosesAt.After(*in.OpensAt) {
		v.fail("closes_at", "must be after opens_at")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	a, err := e.authorize(ctx, e.store, actor, groupID, PermManageRounds)
	if err != nil {
		return nil, err
	}
	// The carried agenda needs the previous round's verdicts; computing
	// them reads a lot, so it happens before the write transaction.
	rounds, err := e.store.Rounds(ctx, groupID)
	if err != nil {
		return nil, err
	}
	var prev *Round
	for _, r := range rounds {
		if r.State == RoundClosed {
			prev = r
		}
	}
	var carried []AgendaItem
	if prev != nil {
		carried, err = e.carryForward(ctx, a.group, prev, in.CarryRules)
		if err != nil {
			return nil, err
		}
	}
	var rd *Round
	err = e.store.InTx(ctx, func(tx Tx) error {
		rounds, err := tx.Rounds(ctx, groupID)
		if err != nil {
			return err
		}
		now := e.Now()
		rd = &Round{ID: NewID(now), GroupID: groupID, Number: len(rounds) + 1, Prompt: in.Prompt, State: RoundDraft,
			Combined: in.Combined, OpensAt: utcPtr(in.OpensAt), ClosesAt: utcPtr(in.ClosesAt), CarryRules: in.CarryRules,
			RuleVersion: a.group.Settings.ConsensusRule.Version, CreatedAt: now}
		if err := tx.CreateRound(ctx, rd); err != nil {
			return err
		}
		for i := range carried {
			item := carried[i]
			item.RoundID, item.Position, item.CreatedAt = rd.ID, i, now
			if err := tx.AddAgendaItem(ctx, &item); err != nil {
				return err
			}
		}
		return e.audit(ctx, tx, groupID, a.member.ID, "round.created", "round", rd.ID)
	})
	if err != nil {
		return nil, err
	}
	return rd, nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond)
	return &u
}

// carryForward builds the agenda a new round inherits from prev: proposals
// without a final decision, filtered by the carry rules, each replaced by
// its latest version along lineage; revisit decisions and due reviews are
// always included.
func (e *Engine) carryForward(ctx context.Context, g *Group, prev *Round, rules []string) ([]AgendaItem, error) {
	agenda, err := e.store.Agenda(ctx, prev.ID)
	if err != nil {
		return nil, err
	}
	decisions, err := e.store.Decisions(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	proposals, err := e.store.Proposals(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	latest := latestVersions(proposals)
	final := map[string]string{} // proposal → latest decision outcome
	revisit := map[string]bool{}
	now := e.Now()
	for _, d := range decisions {
		final[d.ProposalID] = d.Outcome
		if d.Outcome == DecisionRevisit || (d.ReviewDate != nil && !d.ReviewDate.After(now)) {
			revisit[d.ProposalID] = true
		} else {
			delete(revisit, d.ProposalID)
		}
	}
	verdicts, err := e.roundVerdicts(ctx, g, prev)
	if err != nil {
		return nil, err
	}
	var out []AgendaItem
	seen := map[string]bool{}
	add := func(pid, source string) {
		for _, id := range latest[pid] {
			if !seen[id] {
				seen[id] = true
				out = append(out, AgendaItem{ProposalID: id, Source: source, BaselineRoundID: prev.ID})
			}
		}
	}
	for _, it := range agenda {
		if revisit[it.ProposalID] {
			add(it.ProposalID, AgendaRevisit)
			continue
		}
		if _, decided := final[it.ProposalID]; decided {
			continue
		}
		verdict := verdicts[it.ProposalID]
		carry := false
		for _, r := range rules {
			switch r {
			case CarryAll:
				carry = true
			case CarryWithoutConsensus:
				carry = carry || (verdict != VerdictConsensusFor && verdict != VerdictConsensusAgainst)
			}
		}
		if slices.Contains(rules, DropConsensusAgainst) && verdict == VerdictConsensusAgainst {
			carry = false
		}
		if carry {
			add(it.ProposalID, AgendaCarried)
		}
	}
	// Decisions whose review is due put their proposal back even when it
	// was not on the previous agenda.
	for _, p := range proposals {
		if revisit[p.ID] && !seen[p.ID] {
			add(p.ID, AgendaRevisit)
		}
	}
	return out, nil
}

// latestVersions maps each proposal id to the visible proposals that
// currently stand for it along lineage (itself if not superseded; its
// rewording, merger or split parts otherwise).
func latestVersions(ps []*Proposal) map[string][]string {
	children := map[string][]string{}
	state := map[string]string{}
	for _, p := range ps {
		state[p.ID] = p.State
		for _, l := range p.Parents {
			children[l.ParentID] = append(children[l.ParentID], p.ID)
		}
	}
	out := map[string][]string{}
	var walk func(id string, depth int) []string
	walk = func(id string, depth int) []string {
		if state[id] != ProposalSuperseded || depth > 64 {
			if state[id] == ProposalHidden {
				return nil
			}
			return []string{id}
		}
		var ids []string
		for _, c := range children[id] {
			for _, x := range walk(c, depth+1) {
				if !slices.Contains(ids, x) {
					ids = append(ids, x)
				}
			}
		}
		return ids
	}
	for _, p := range ps {
		out[p.ID] = walk(p.ID, 0)
	}
	return out
}

// ListRounds lists a group's rounds in order.
func (e *Engine) ListRounds(ctx context.Context, actor Actor, groupID string) ([]*Round, error) {
	if _, err := e.authorize(ctx, e.store, actor, groupID, PermViewGroup); err != nil {
		return nil, err
	}
	return e.store.Rounds(ctx, groupID)
}

// AgendaEntry is one agenda item with its proposal, as the actor may see it.
type AgendaEntry struct {
	AgendaItem
	Proposal *ProposalView `json:"proposal"`
}

// RoundView is a round with its agenda.
type RoundView struct {
	Round
	Agenda []AgendaEntry `json:"agenda"`
	// YourRole is the actor's role in this round.
	YourRole string `json:"your_role"`
}

// GetRound returns a round and its agenda. Hidden proposals are shown only
// to their author and to facilitators.
func (e *Engine) GetRound(ctx context.Context, actor Actor, roundID string) (*RoundView, error) {
	rd, a, err := e.authorizeRound(ctx, e.store, actor, roundID, PermViewGroup)
	if err != nil {
		return nil, err
	}
	agenda, err := e.store.Agenda(ctx, rd.ID)
	if err != nil {
		return nil, err
	}
	ps, err := e.store.Proposals(ctx, rd.GroupID)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*Proposal, len(ps))
	for _, p := range ps {
		byID[p.ID] = p
	}
	members, err := e.memberNames(ctx, a)
	if err != nil {
		return nil, err
	}
	out := &RoundView{Round: *rd, Agenda: []AgendaEntry{}, YourRole: a.role(rd.ID)}
	for _, it := range agenda {
		p := byID[it.ProposalID]
		if p == nil {
			continue
		}
		pv := e.proposalView(a, rd.ID, p, members)
		if pv == nil {
			continue
		}
		out.Agenda = append(out.Agenda, AgendaEntry{AgendaItem: it, Proposal: pv})
	}
	return out, nil
}

// Transition names a round state change.
type Transition string

// Round transitions a facilitator can ask for.
const (
	TransitionOpen    Transition = "open"   // draft → proposing
	TransitionRating  Transition = "rating" // draft or proposing → rating
	TransitionClose   Transition = "close"  // proposing or rating → closed
	TransitionReopen  Transition = "reopen" // closed → rating, while no later round has opened
	transitionOnClock Transition = "schedule"
)

// TransitionRound moves a round along its lifecycle. Only one round of a
// group is open (proposing or rating) at a time.
func (e *Engine) TransitionRound(ctx context.Context, actor Actor, roundID string, to Transition) (*Round, error) {
	var v validator
	v.oneOf("transition", string(to), string(TransitionOpen), string(TransitionRating), string(TransitionClose), string(TransitionReopen))
	if err := v.err(); err != nil {
		return nil, err
	}
	var out *Round
	err := e.store.InTx(ctx, func(tx Tx) error {
		rd, a, err := e.authorizeRound(ctx, tx, actor, roundID, PermManageRounds)
		if err != nil {
			return err
		}
		if err := e.transition(ctx, tx, a.group, rd, to); err != nil {
			return err
		}
		out = rd
		return e.audit(ctx, tx, rd.GroupID, a.member.ID, "round."+string(to), "round", rd.ID)
	})
	if err != nil {
		return nil, err
	}
	e.events.Publish(ctx, RoundEvent{GroupID: out.GroupID, RoundID: out.ID, Kind: EventState})
	return out, nil
}

// transition applies one state change to rd inside tx.
func (e *Engine) transition(ctx context.Context, tx Tx, g *Group, rd *Round, to Transition) error {
	now := e.Now()
	from := rd.State
	next := ""
	switch {
	case (to == TransitionOpen) && from == RoundDraft:
		next = RoundProposing
	case to == TransitionRating && (from == RoundDraft || from == RoundProposing):
		next = RoundRating
	case to == TransitionClose && (from == RoundProposing || from == RoundRating):
		next = RoundClosed
	case to == TransitionReopen && from == RoundClosed:
		next = RoundRating
	default:
		return &Error{Code: ECONFLICT, Message: "The round cannot do that now.",
			Fields: []FieldError{{Field: "transition", Rule: "cannot go from " + from + " by " + string(to)}}}
	}
	if from == RoundDraft || from == RoundClosed {
		rounds, err := tx.Rounds(ctx, rd.GroupID)
		if err != nil {
			return err
		}
		for _, o := range rounds {
			if o.ID == rd.ID {
				continue
			}
			if o.State == RoundProposing || o.State == RoundRating {
				return Errorf(ECONFLICT, "Round %d is still open; close it before opening another.", o.Number)
			}
			if from == RoundClosed && o.Number > rd.Number && o.State != RoundDraft {
				return Errorf(ECONFLICT, "A later round has already opened; revisit proposals there instead.")
			}
		}
	}
	if from == RoundDraft {
		rd.OpenedAt = &now
		rd.RuleVersion = g.Settings.ConsensusRule.Version
	}
	if next == RoundClosed {
		rd.ClosedAt = &now
	} else {
		rd.ClosedAt = nil
	}
	rd.State = next
	return tx.UpdateRound(ctx, rd)
}

// RunSchedule opens and closes rounds whose scheduled times have passed.
// The server calls it periodically; it returns how many rounds changed.
func (e *Engine) RunSchedule(ctx context.Context) (int, error) {
	now := e.Now()
	due, err := e.store.RoundsDue(ctx, now)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, rd := range due {
		var to Transition
		switch {
		case rd.State == RoundDraft && rd.OpensAt != nil && !rd.OpensAt.After(now):
			to = TransitionOpen
			if rd.Combined {
				to = TransitionRating
			}
		case (rd.State == RoundProposing || rd.State == RoundRating) && rd.ClosesAt != nil && !rd.ClosesAt.After(now):
			to = TransitionClose
		default:
			continue
		}
		err := e.store.InTx(ctx, func(tx Tx) error {
			cur, err := tx.RoundByID(ctx, rd.ID)
			if err != nil {
				return err
			}
			g, err := tx.GroupByID(ctx, cur.GroupID)
			if err != nil {
				return err
			}
			if err := e.transition(ctx, tx, g, cur, to); err != nil {
				return err
			}
			return e.audit(ctx, tx, cur.GroupID, "", "round."+string(transitionOnClock)+"."+string(to), "round", cur.ID)
		})
		if ErrorCode(err) == ECONFLICT {
			continue // another round is open, or another instance got there first
		} else if err != nil {
			return n, err
		}
		n++
		e.events.Publish(ctx, RoundEvent{GroupID: rd.GroupID, RoundID: rd.ID, Kind: EventState})
	}
	return n, nil
}

// Revisit puts an earlier proposal on the agenda of an open or draft round,
// with the round it was last rated in as the baseline.
func (e *Engine) Revisit(ctx context.Context, actor Actor, roundID, proposalID string) error {
	if !validID(proposalID) {
		return invalid("proposal_id", "must be an id")
	}
	err := e.store.InTx(ctx, func(tx Tx) error {
		rd, a, err := e.authorizeRound(ctx, tx, actor, roundID, PermManageRounds)
		if err != nil {
			return err
		}
		if rd.State == RoundClosed {
			return Errorf(ECONFLICT, "The round is closed.")
		}
		p, err := tx.ProposalByID(ctx, proposalID)
		if err != nil || p.GroupID != rd.GroupID {
			return invalid("proposal_id", "must be a proposal of this group")
		}
		if p.State != ProposalVisible {
			return invalid("proposal_id", "must be a visible proposal (not hidden or superseded)")
		}
		agenda, err := tx.Agenda(ctx, rd.ID)
		if err != nil {
			return err
		}
		for _, it := range agenda {
			if it.ProposalID == p.ID {
				return Errorf(ECONFLICT, "The proposal is already on this round's agenda.")
			}
		}
		baseline := ""
		rounds, err := tx.Rounds(ctx, rd.GroupID)
		if err != nil {
			return err
		}
		for _, o := range rounds {
			if o.Number >= rd.Number {
				continue
			}
			oa, err := tx.Agenda(ctx, o.ID)
			if err != nil {
				return err
			}
			for _, it := range oa {
				if it.ProposalID == p.ID {
					baseline = o.ID
				}
			}
		}
		now := e.Now()
		if err := tx.AddAgendaItem(ctx, &AgendaItem{RoundID: rd.ID, ProposalID: p.ID, Source: AgendaRevisit,
			BaselineRoundID: baseline, Position: len(agenda), CreatedAt: now}); err != nil {
			return err
		}
		return e.audit(ctx, tx, rd.GroupID, a.member.ID, "agenda.revisit", "proposal", p.ID)
	})
	return err
}
