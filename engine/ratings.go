package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
)

// RatingInput is one rating submission.
type RatingInput struct {
	RoundID    string
	ProposalID string
	// MemberID is the member rated for when a facilitator enters ratings
	// (modes assisted, in_room, paper); empty means the actor themself.
	MemberID string
	// Value is the position on the group's scale; nil with Pass set.
	Value *int
	// Pass is "can't say / not for me": always allowed, never counted
	// against anyone.
	Pass           bool
	Reason         string
	Mode           string
	ChangeCategory string
	// IdempotencyKey makes a retried submission store one event: the same
	// key with the same body replays the first answer; with a different
	// body it is a conflict.
	IdempotencyKey string
}

// RatingResult is the outcome of a submission.
type RatingResult struct {
	Event *RatingEvent `json:"event"`
	// Replayed is true when the idempotency key had been seen with the same
	// body, or the rating repeated the current one: nothing new was stored.
	Replayed bool `json:"replayed"`
	// Changed is true when this replaced an earlier rating.
	Changed bool `json:"changed"`
}

// ChangeCategories lists the "what changed your mind?" answers.
var ChangeCategories = []string{ChangeNewInformation, ChangeDiscussion, ChangeOthersViews, ChangeLivedExp, ChangeOther}

// Modes lists the rating modes.
var Modes = []string{ModeSelf, ModeAssisted, ModeInRoom, ModePaper}

func (in *RatingInput) validate(v *validator, prefix string) {
	v.id(prefix+"round_id", in.RoundID)
	v.id(prefix+"proposal_id", in.ProposalID)
	if in.MemberID != "" {
		v.id(prefix+"member_id", in.MemberID)
	}
	if in.Mode == "" {
		in.Mode = ModeSelf
	}
	v.oneOf(prefix+"mode", in.Mode, Modes...)
	switch {
	case in.Pass && in.Value != nil:
		v.fail(prefix+"value", "must be empty when pass is chosen")
	case !in.Pass && in.Value == nil:
		v.fail(prefix+"value", "is required: choose a point on the scale or pass")
	}
	v.text(prefix+"reason", &in.Reason, false, MaxReasonLen)
	if in.ChangeCategory != "" {
		v.oneOf(prefix+"change_category", in.ChangeCategory, ChangeCategories...)
	}
	if len(in.IdempotencyKey) > 100 {
		v.fail(prefix+"idempotency_key", "must be at most 100 characters")
	}
}

// bodyHash fingerprints what a submission asks for, to tell a retry from
// a different request that reuses an idempotency key.
func (in *RatingInput) bodyHash(memberID string) string {
	val := "pass"
	if in.Value != nil {
		val = strconv.Itoa(*in.Value)
	}
	h := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s", in.RoundID, in.ProposalID, memberID, val, in.Reason, in.Mode, in.ChangeCategory))
	return hex.EncodeToString(h[:])
}

// SubmitRating stores a member's rating as a new event and makes it
// current. Once it returns without error the rating is committed.
func (e *Engine) SubmitRating(ctx context.Context, actor Actor, in RatingInput) (*RatingResult, error) {
	var v validator
	in.validate(&v, "")
	if err := v.err(); err != nil {
		return nil, err
	}
	prep, err := e.prepareRating(ctx, actor, &in, "")
	if err != nil {
		return nil, err
	}
	var res *RatingResult
	err = e.store.InTx(ctx, func(tx Tx) error {
		var err error
		res, err = e.commitRating(ctx, tx, prep)
		return err
	})
	if err != nil {
		// Two retries of one submission can race past the key lookup; the
		// loser's insert hits the unique key and is answered as a replay.
		if ErrorCode(err) == ECONFLICT && in.IdempotencyKey != "" {
			if r, ok := e.replay(ctx, prep); ok {
				return r, nil
			}
		}
		return nil, err
	}
	if !res.Replayed {
		e.events.Publish(ctx, RoundEvent{GroupID: prep.groupID, RoundID: in.RoundID, Kind: EventRating})
	}
	return res, nil
}

// SubmitRatings stores many ratings in one transaction, for ratings
// collected in the room or from paper: all are stored or none.
func (e *Engine) SubmitRatings(ctx context.Context, actor Actor, ins []RatingInput) ([]*RatingResult, error) {
	var v validator
	if len(ins) == 0 || len(ins) > MaxBulkRatings {
		v.fail("ratings", "must hold between 1 and %d ratings", MaxBulkRatings)
	}
	for i := range ins {
		ins[i].validate(&v, fmt.Sprintf("ratings[%d].", i))
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	preps := make([]*preparedRating, len(ins))
	for i := range ins {
		var err error
		if preps[i], err = e.prepareRating(ctx, actor, &ins[i], fmt.Sprintf("ratings[%d].", i)); err != nil {
			return nil, err
		}
	}
	out := make([]*RatingResult, len(ins))
	rounds := map[string]string{}
	err := e.store.InTx(ctx, func(tx Tx) error {
		for i, prep := range preps {
			res, err := e.commitRating(ctx, tx, prep)
			if err != nil {
				return err
			}
			out[i] = res
			rounds[prep.in.RoundID] = prep.groupID
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for roundID, groupID := range rounds {
		e.events.Publish(ctx, RoundEvent{GroupID: groupID, RoundID: roundID, Kind: EventRating})
	}
	return out, nil
}

// preparedRating is a submission that passed every check that reads: who
// may rate, for whom, on which scale and agenda. Only what can change in
// between (the round's state, the current rating) is checked again in the
// write transaction, which keeps that transaction short — on SQLite it
// holds the database's one write lock.
type preparedRating struct {
	in       *RatingInput
	prefix   string
	groupID  string
	actorID  string
	targetID string
	body     string
}

func (e *Engine) replay(ctx context.Context, p *preparedRating) (*RatingResult, bool) {
	ev, err := e.store.RatingEventByKey(ctx, p.targetID, p.in.IdempotencyKey)
	if err != nil || ev.BodyHash != p.body {
		return nil, false
	}
	return &RatingResult{Event: ev, Replayed: true, Changed: ev.PreviousEventID != ""}, true
}

// prepareRating checks a submission against committed state. Field names
// in errors carry prefix (for bulk submissions).
func (e *Engine) prepareRating(ctx context.Context, actor Actor, in *RatingInput, prefix string) (*preparedRating, error) {
	rd, a, err := e.roundAccess(ctx, e.store, actor, in.RoundID)
	if err != nil {
		return nil, err
	}
	target := a.member
	if in.Mode == ModeSelf {
		if in.MemberID != "" && in.MemberID != a.member.ID {
			return nil, invalid(prefix+"mode", "must be assisted, in_room or paper to rate for another member")
		}
		if err := a.require(rd.ID, PermRate); err != nil {
			return nil, err
		}
	} else {
		if err := a.require(rd.ID, PermAssist); err != nil {
			return nil, err
		}
		if in.MemberID == "" {
			return nil, invalid(prefix+"member_id", "is required when a facilitator enters a rating")
		}
		target, err = e.store.MemberByID(ctx, in.MemberID)
		if err != nil || target.GroupID != rd.GroupID || target.ErasedAt != nil {
			return nil, invalid(prefix+"member_id", "must be a member of this group")
		}
		ta := &access{group: a.group, member: target, assignments: a.assignments}
		if !ta.can(rd.ID, PermRate) {
			return nil, invalid(prefix+"member_id", "must be someone who rates in this round")
		}
	}
	if in.Value != nil && !slices.Contains(ScaleValues(a.group.Settings.Scale), *in.Value) {
		return nil, invalid(prefix+"value", "must be one of %v on this group's %s scale, or pass", ScaleValues(a.group.Settings.Scale), a.group.Settings.Scale)
	}
	p, err := e.store.ProposalByID(ctx, in.ProposalID)
	if err != nil || p.GroupID != rd.GroupID {
		return nil, invalid(prefix+"proposal_id", "must be a proposal on this round's agenda")
	}
	if p.State != ProposalVisible {
		return nil, &Error{Code: ECONFLICT, Message: "This proposal can no longer be rated.",
			Fields: []FieldError{{Field: prefix + "proposal_id", Rule: "must be a visible proposal (not hidden or superseded)"}}}
	}
	if _, err := e.store.AgendaItem(ctx, rd.ID, p.ID); ErrorCode(err) == ENOTFOUND {
		return nil, invalid(prefix+"proposal_id", "must be a proposal on this round's agenda")
	} else if err != nil {
		return nil, err
	}
	return &preparedRating{in: in, prefix: prefix, groupID: rd.GroupID, actorID: a.member.ID, targetID: target.ID,
		body: in.bodyHash(target.ID)}, nil
}

// commitRating stores a prepared rating inside tx.
func (e *Engine) commitRating(ctx context.Context, tx Tx, p *preparedRating) (*RatingResult, error) {
	in, prefix := p.in, p.prefix
	if in.IdempotencyKey != "" {
		prev, err := tx.RatingEventByKey(ctx, p.targetID, in.IdempotencyKey)
		switch {
		case err == nil && prev.BodyHash == p.body:
			return &RatingResult{Event: prev, Replayed: true, Changed: prev.PreviousEventID != ""}, nil
		case err == nil:
			return nil, &Error{Code: ECONFLICT, Message: "This idempotency key was already used for a different rating.",
				Fields: []FieldError{{Field: prefix + "idempotency_key", Rule: "must not be reused with a different body"}}}
		case ErrorCode(err) != ENOTFOUND:
			return nil, err
		}
	}
	rd, err := tx.RoundByID(ctx, in.RoundID)
	if err != nil {
		return nil, err
	}
	if !rd.acceptsRatings() {
		return nil, &Error{Code: ECONFLICT, Message: "This round is not open for rating.",
			Fields: []FieldError{{Field: prefix + "round_id", Rule: "must be a round that is open for rating"}}}
	}
	cur, err := tx.CurrentRating(ctx, rd.ID, in.ProposalID, p.targetID)
	if ErrorCode(err) == ENOTFOUND {
		cur = nil
	} else if err != nil {
		return nil, err
	}
	if cur == nil && in.ChangeCategory != "" {
		return nil, invalid(prefix+"change_category", "applies only when changing an earlier rating")
	}
	if cur != nil && cur.Pass == in.Pass && sameValue(cur.Value, in.Value) && cur.Reason == in.Reason && in.IdempotencyKey == "" {
		return &RatingResult{Event: cur, Replayed: true}, nil
	}
	now := e.Now()
	ev := &RatingEvent{ID: NewID(now), GroupID: rd.GroupID, RoundID: rd.ID, ProposalID: in.ProposalID, MemberID: p.targetID,
		Value: in.Value, Pass: in.Pass, Reason: in.Reason, Mode: in.Mode, ChangeCategory: in.ChangeCategory,
		EnteredBy: p.actorID, IdempotencyKey: in.IdempotencyKey, BodyHash: p.body, CreatedAt: now}
	if cur != nil {
		ev.PreviousEventID = cur.ID
	}
	if err := tx.AppendRatingEvent(ctx, ev); err != nil {
		return nil, err
	}
	if err := e.audit(ctx, tx, rd.GroupID, p.actorID, "rating.submitted", "rating_event", ev.ID); err != nil {
		return nil, err
	}
	return &RatingResult{Event: ev, Changed: cur != nil}, nil
}

func sameValue(a, b *int) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
