package engine

import (
	"context"
	"time"
)

// DecisionInput records what the group decided about a proposal.
type DecisionInput struct {
	RoundID    string
	ProposalID string
	Outcome    string
	Rationale  string
	ReviewDate *time.Time
}

// Outcomes lists the decision outcomes.
var Outcomes = []string{DecisionAdopted, DecisionNotAdopted, DecisionRevisit, DecisionParked}

// RecordDecision records a decision on a proposal of a round's agenda, with
// the rule verdict and dissent frozen as its evidence. A decision can be
// taken once the round has moved to rating; one per proposal per round.
func (e *Engine) RecordDecision(ctx context.Context, actor Actor, in DecisionInput) (*Decision, error) {
	var v validator
	v.id("round_id", in.RoundID)
	v.id("proposal_id", in.ProposalID)
	v.oneOf("outcome", in.Outcome, Outcomes...)
	v.text("rationale", &in.Rationale, true, MaxLongTextLen)
	if in.ReviewDate != nil && !in.ReviewDate.After(e.Now()) {
		v.fail("review_date", "must be in the future")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	rd, a, err := e.authorizeRound(ctx, e.store, actor, in.RoundID, PermDecide)
	if err != nil {
		return nil, err
	}
	if rd.State == RoundDraft || rd.State == RoundProposing && !rd.Combined {
		return nil, &Error{Code: ECONFLICT, Message: "Decisions are taken once the round has been rated.",
			Fields: []FieldError{{Field: "round_id", Rule: "must be a round in rating or closed"}}}
	}
	// Evidence comes from the analysis, computed outside the write
	// transaction; a rating arriving in between is what the live dashboard
	// shows too, and the frozen evidence states the version it read.
	summaries, version, err := e.proposalSummaries(ctx, a.group, rd)
	if err != nil {
		return nil, err
	}
	var d *Decision
	err = e.store.InTx(ctx, func(tx Tx) error {
		agenda, err := tx.Agenda(ctx, rd.ID)
		if err != nil {
			return err
		}
		found := false
		for _, it := range agenda {
			found = found || it.ProposalID == in.ProposalID
		}
		if !found {
			return invalid("proposal_id", "must be a proposal on this round's agenda")
		}
		now := e.Now()
		s := summaries[in.ProposalID]
		d = &Decision{ID: NewID(now), GroupID: rd.GroupID, RoundID: rd.ID, ProposalID: in.ProposalID, Outcome: in.Outcome,
			Rationale: in.Rationale, ReviewDate: utcPtr(in.ReviewDate), DecidedBy: a.member.ID, CreatedAt: now,
			Evidence: DecisionEvidence{RuleVersion: rd.RuleVersion, Verdict: s.Verdict, NRated: s.NRated, PctAgree: s.PctAgree,
				Dissenters: s.Dissenters, AnalysisNote: version}}
		if err := tx.CreateDecision(ctx, d); err != nil {
			if ErrorCode(err) == ECONFLICT {
				return &Error{Code: ECONFLICT, Message: "A decision on this proposal was already recorded in this round.",
					Fields: []FieldError{{Field: "proposal_id", Rule: "must not already have a decision in this round"}}}
			}
			return err
		}
		return e.audit(ctx, tx, rd.GroupID, a.member.ID, "decision."+in.Outcome, "proposal", in.ProposalID)
	})
	if err != nil {
		return nil, err
	}
	e.events.Publish(ctx, RoundEvent{GroupID: rd.GroupID, RoundID: rd.ID, Kind: EventDecision})
	return d, nil
}

// ListDecisions lists a group's decisions in the order taken.
func (e *Engine) ListDecisions(ctx context.Context, actor Actor, groupID string) ([]*Decision, error) {
	a, err := e.authorize(ctx, e.store, actor, groupID, PermViewGroup)
	if err != nil {
		return nil, err
	}
	ds, err := e.store.Decisions(ctx, groupID)
	if err != nil {
		return nil, err
	}
	if a.role("") == RoleEvaluator {
		for _, d := range ds {
			d.DecidedBy = Pseudonym(a.group, d.DecidedBy)
		}
	}
	return ds, nil
}

// AddReflection adds a "what worked / what didn't" note to a round.
func (e *Engine) AddReflection(ctx context.Context, actor Actor, roundID, text string) (*Reflection, error) {
	var v validator
	v.text("text", &text, true, MaxLongTextLen)
	if err := v.err(); err != nil {
		return nil, err
	}
	var r *Reflection
	err := e.store.InTx(ctx, func(tx Tx) error {
		rd, a, err := e.authorizeRound(ctx, tx, actor, roundID, PermReflect)
		if err != nil {
			return err
		}
		if rd.State == RoundDraft {
			return Errorf(ECONFLICT, "Reflections open when the round starts.")
		}
		now := e.Now()
		r = &Reflection{ID: NewID(now), GroupID: rd.GroupID, RoundID: rd.ID, MemberID: a.member.ID, Text: text, CreatedAt: now}
		if err := tx.CreateReflection(ctx, r); err != nil {
			return err
		}
		return e.audit(ctx, tx, rd.GroupID, a.member.ID, "reflection.created", "reflection", r.ID)
	})
	return r, err
}

// ListReflections lists a group's reflections. Facilitators see who wrote
// them; everyone else sees them unattributed.
func (e *Engine) ListReflections(ctx context.Context, actor Actor, groupID string) ([]*Reflection, error) {
	a, err := e.authorize(ctx, e.store, actor, groupID, PermViewResults)
	if err != nil {
		return nil, err
	}
	rs, err := e.store.Reflections(ctx, groupID)
	if err != nil {
		return nil, err
	}
	if !a.seesIdentities("") {
		for _, r := range rs {
			if r.MemberID != a.member.ID {
				r.MemberID = ""
			}
		}
	}
	return rs, nil
}

// ListAudit lists a group's audit events for its facilitators.
func (e *Engine) ListAudit(ctx context.Context, actor Actor, groupID string, page Page) ([]*AuditEvent, error) {
	a, err := e.authorize(ctx, e.store, actor, groupID, PermViewAudit)
	if err != nil {
		return nil, err
	}
	evs, err := e.store.AuditEvents(ctx, groupID, page)
	if err != nil {
		return nil, err
	}
	if !a.seesIdentities("") {
		redactAudit(evs)
	}
	// Who raised a concern or checked in is private (concerns.go).
	return redactPrivateAudit(evs), nil
}
