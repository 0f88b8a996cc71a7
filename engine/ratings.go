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

// RatingWrite is a rating event for WriteRating to append, with what must
// still hold when it is written. The engine decides on state read at the
// round's revision Revision; the store writes only if the round is still
// at it, so no change between the engine's checks and the write goes
// unnoticed, and it evaluates the two conditions that depend on the
// member's current rating at the moment of writing.
type RatingWrite struct {
	// Event is the new event. The store sets nothing in it; the event's
	// previous event is the Current of the result.
	Event *RatingEvent
	// Audit is the audit event stored with it.
	Audit *AuditEvent
	// Revision is the round's RoundRevision read before everything the
	// engine checked.
	Revision int64
	// RequireCurrent writes only when the member already has a current
	// rating of the proposal in the round.
	RequireCurrent bool
	// SkipSame writes nothing when the current rating has the event's
	// Pass, Value and Reason.
	SkipSame bool
}

// RatingWritten is what WriteRating found and did. At most one reason for
// not writing holds; which one the engine works out from the fields.
type RatingWritten struct {
	// Written is true when the event was appended and made current.
	Written bool
	// Stale is true when the round is gone or no longer at Revision.
	Stale bool
	// Current is the member's current rating before the write, if any.
	Current *RatingEvent
	// Keyed is the member's event that already carries the idempotency
	// key, if any; then nothing was written.
	Keyed *RatingEvent
}

// ratingWriter is the Store, or a transaction, writing ratings.
type ratingWriter interface {
	WriteRating(ctx context.Context, w *RatingWrite) (*RatingWritten, error)
	RatingEventByKey(ctx context.Context, memberID, key string) (*RatingEvent, error)
}

// maxRatingAttempts bounds how often a submission is checked again after
// the round changed under it (a facilitator's change, a member joining).
const maxRatingAttempts = 4

// errStale marks a write refused because the round changed since its
// checks; it never leaves the engine (see stillStale).
var errStale = &Error{Code: ECONFLICT, Message: "the round changed since the rating was checked"}

// stillStale is the error for a submission whose round kept changing
// under it for maxRatingAttempts tries.
func stillStale(prefix string) error {
	return &Error{Code: ECONFLICT, Message: "The round changed while this rating was being saved. Please try again.",
		Fields: []FieldError{{Field: prefix + "round_id", Rule: "changed during the submission; submit again"}}}
}

// SubmitRating stores a member's rating as a new event and makes it
// current. Once it returns without error the rating is committed.
//
// Its checks read through the rating cache and its write is one atomic
// store call that also confirms the round has not changed since (see
// ratingCache), so a busy round costs the database one statement per
// rating on PostgreSQL.
func (e *Engine) SubmitRating(ctx context.Context, actor Actor, in RatingInput) (*RatingResult, error) {
	var v validator
	in.validate(&v, "")
	if err := v.err(); err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		prep, err := e.prepareCached(ctx, actor, &in, "")
		if err != nil {
			return nil, err
		}
		res, err := e.writeRating(ctx, e.store, prep)
		if err == errStale {
			e.ratingCache.drop(prep.entry)
			if attempt < maxRatingAttempts {
				continue
			}
			return nil, stillStale("")
		}
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
	for attempt := 1; ; attempt++ {
		preps := make([]*preparedRating, len(ins))
		for i := range ins {
			var err error
			if preps[i], err = e.prepareCached(ctx, actor, &ins[i], fmt.Sprintf("ratings[%d].", i)); err != nil {
				return nil, err
			}
		}
		out := make([]*RatingResult, len(ins))
		rounds := map[string]string{}
		var stale *preparedRating
		err := e.store.InTx(ctx, func(tx Tx) error {
			for i, prep := range preps {
				res, err := e.writeRating(ctx, tx, prep)
				if err == errStale {
					stale = prep
				}
				if err != nil {
					return err
				}
				out[i] = res
				if !res.Replayed {
					rounds[prep.in.RoundID] = prep.groupID
				}
			}
			return nil
		})
		if err == errStale {
			e.ratingCache.drop(stale.entry)
			if attempt < maxRatingAttempts {
				continue
			}
			return nil, stillStale(stale.prefix)
		}
		if err != nil {
			return nil, err
		}
		for roundID, groupID := range rounds {
			e.events.Publish(ctx, RoundEvent{GroupID: groupID, RoundID: roundID, Kind: EventRating})
		}
		return out, nil
	}
}

// preparedRating is a submission that passed every check that reads: who
// may rate, for whom, on which scale and agenda, and whether the round
// takes ratings. The write confirms the round is still at the revision
// those checks saw; only what depends on the member's current rating is
// decided at the write.
type preparedRating struct {
	in       *RatingInput
	prefix   string
	groupID  string
	actorID  string
	targetID string
	body     string
	// entry is the rating cache entry the checks read, at its revision.
	entry *roundEntry
	// closed is set when the round does not take ratings: a retry of an
	// earlier submission still gets its answer, anything else a conflict.
	closed bool
	// private is set when a facilitator who may not see identities enters
	// a rating for someone else (see preparedRating.shown).
	private bool
}

func (e *Engine) replay(ctx context.Context, p *preparedRating) (*RatingResult, bool) {
	ev, err := e.store.RatingEventByKey(ctx, p.targetID, p.in.IdempotencyKey)
	if err != nil || ev.BodyHash != p.body {
		return nil, false
	}
	return p.shown(&RatingResult{Event: ev, Replayed: true, Changed: ev.PreviousEventID != ""}), true
}

// prepareCached checks a submission through the rating cache of its round.
// A write confirms the checks that let a rating through; a refusal, which
// writes nothing, is confirmed here instead: when the round has moved on
// since the cached state was read, it is checked again on fresh state.
func (e *Engine) prepareCached(ctx context.Context, actor Actor, in *RatingInput, prefix string) (*preparedRating, error) {
	if actor.Anonymous() {
		return e.prepareRating(ctx, e.store, actor, in, prefix) // refused before any read
	}
	for attempt := 1; ; attempt++ {
		en, err := e.ratingCache.entry(ctx, e.store, in.RoundID)
		if err != nil {
			return nil, err
		}
		p, err := e.prepareRating(ctx, cachedReader{Reader: e.store, en: en}, actor, in, prefix)
		if (err != nil || p.closed) && attempt < maxRatingAttempts {
			rev, rerr := e.store.RoundRevision(ctx, in.RoundID)
			if rerr == nil && rev != en.revision {
				e.ratingCache.drop(en)
				continue
			}
		}
		if err != nil {
			return nil, err
		}
		p.entry = en
		return p, nil
	}
}

// prepareRating checks a submission against state read through r. Field
// names in errors carry prefix (for bulk submissions).
func (e *Engine) prepareRating(ctx context.Context, r Reader, actor Actor, in *RatingInput, prefix string) (*preparedRating, error) {
	rd, a, err := e.roundAccess(ctx, r, actor, in.RoundID)
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
		target, err = r.MemberByID(ctx, in.MemberID)
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
	p, err := r.ProposalByID(ctx, in.ProposalID)
	if err != nil || p.GroupID != rd.GroupID {
		return nil, invalid(prefix+"proposal_id", "must be a proposal on this round's agenda")
	}
	if p.State != ProposalVisible {
		return nil, &Error{Code: ECONFLICT, Message: "This proposal can no longer be rated.",
			Fields: []FieldError{{Field: prefix + "proposal_id", Rule: "must be a visible proposal (not hidden or superseded)"}}}
	}
	if _, err := r.AgendaItem(ctx, rd.ID, p.ID); ErrorCode(err) == ENOTFOUND {
		return nil, invalid(prefix+"proposal_id", "must be a proposal on this round's agenda")
	} else if err != nil {
		return nil, err
	}
	return &preparedRating{in: in, prefix: prefix, groupID: rd.GroupID, actorID: a.member.ID, targetID: target.ID,
		body: in.bodyHash(target.ID), closed: !rd.acceptsRatings(), private: target.ID != a.member.ID && !a.seesIdentities(rd.ID)}, nil
}

// writeRating stores a prepared rating through w, the store or a
// transaction. It returns errStale when the round changed since the
// checks; the caller checks again.
func (e *Engine) writeRating(ctx context.Context, w ratingWriter, p *preparedRating) (*RatingResult, error) {
	in, prefix := p.in, p.prefix
	if p.closed {
		// Nothing is written to a round that does not take ratings, but a
		// retry of a submission made while it did is answered as before.
		if in.IdempotencyKey != "" {
			prev, err := w.RatingEventByKey(ctx, p.targetID, in.IdempotencyKey)
			if err == nil {
				return keyedResult(prev, p)
			} else if ErrorCode(err) != ENOTFOUND {
				return nil, err
			}
		}
		return nil, &Error{Code: ECONFLICT, Message: "This round is not open for rating.",
			Fields: []FieldError{{Field: prefix + "round_id", Rule: "must be a round that is open for rating"}}}
	}
	now := e.Now()
	ev := &RatingEvent{ID: NewID(now), GroupID: p.groupID, RoundID: in.RoundID, ProposalID: in.ProposalID, MemberID: p.targetID,
		Value: in.Value, Pass: in.Pass, Reason: in.Reason, Mode: in.Mode, ChangeCategory: in.ChangeCategory,
		EnteredBy: p.actorID, IdempotencyKey: in.IdempotencyKey, BodyHash: p.body, CreatedAt: now}
	var revision int64
	if p.entry != nil {
		revision = p.entry.revision
	}
	res, err := w.WriteRating(ctx, &RatingWrite{
		Event: ev,
		Audit: &AuditEvent{ID: NewID(now), GroupID: p.groupID, ActorID: p.actorID, Action: "rating.submitted",
			SubjectType: "rating_event", SubjectID: ev.ID, CreatedAt: now},
		Revision:       revision,
		RequireCurrent: in.ChangeCategory != "",
		SkipSame:       in.IdempotencyKey == "" && !p.private,
	})
	if err != nil {
		return nil, err
	}
	cur := res.Current
	switch {
	case res.Stale:
		return nil, errStale
	case res.Keyed != nil:
		return keyedResult(res.Keyed, p)
	case res.Written:
		if cur != nil {
			ev.PreviousEventID = cur.ID
		}
		return p.shown(&RatingResult{Event: ev, Changed: cur != nil}), nil
	case in.ChangeCategory != "" && cur == nil:
		return nil, invalid(prefix+"change_category", "applies only when changing an earlier rating")
	case in.IdempotencyKey == "" && cur != nil && cur.Pass == in.Pass && sameValue(cur.Value, in.Value) && cur.Reason == in.Reason:
		return &RatingResult{Event: cur, Replayed: true}, nil
	}
	// Not written for none of the reasons above: a concurrent submission
	// took the idempotency key (or, vanishingly rarely, the event id).
	return nil, &Error{Code: ECONFLICT, Message: "rating already exists"}
}

// keyedResult answers a submission whose idempotency key the member used
// before: a replay for the same body, a conflict for another.
func keyedResult(prev *RatingEvent, p *preparedRating) (*RatingResult, error) {
	if prev.BodyHash == p.body {
		return p.shown(&RatingResult{Event: prev, Replayed: true, Changed: prev.PreviousEventID != ""}), nil
	}
	return nil, &Error{Code: ECONFLICT, Message: "This idempotency key was already used for a different rating.",
		Fields: []FieldError{{Field: p.prefix + "idempotency_key", Rule: "must not be reused with a different body"}}}
}

func sameValue(a, b *int) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
