package engine

import "context"

// CheckInInput is a member's check-in on a round.
type CheckInInput struct {
	Zone string
	// Shared lets facilitators see this member's own check-in, not only
	// the counts.
	Shared bool
}

// CheckInSummary is what facilitators see of a round's check-ins: counts
// per zone, with small cells suppressed, and the check-ins members chose
// to share.
//
// Suppression, with k the group's minimum cell size: when fewer than k
// members checked in, no count is shown at all; otherwise a zone count
// from 1 to k−1 is suppressed, and the total is shown only when no zone
// is, so that a suppressed count cannot be worked out by subtraction.
type CheckInSummary struct {
	RoundID     string `json:"round_id"`
	MinCellSize int    `json:"min_cell_size"`
	// Total is the number of check-ins; absent when it would reveal a
	// suppressed count.
	Total *int `json:"total,omitempty"`
	// Zones has one entry per zone, in the order of CheckInZones.
	Zones []ZoneCount `json:"zones"`
	// Shared lists the check-ins members chose to share, by member id.
	Shared []SharedCheckIn `json:"shared"`
}

// ZoneCount is the number of check-ins in one zone; Count is absent when
// Suppressed.
type ZoneCount struct {
	Zone       string `json:"zone"`
	Count      *int   `json:"count,omitempty"`
	Suppressed bool   `json:"suppressed"`
}

// SharedCheckIn is a check-in its member chose to share with facilitators.
type SharedCheckIn struct {
	MemberID    string `json:"member_id"`
	DisplayName string `json:"display_name"`
	Zone        string `json:"zone"`
}

// SaveCheckIn records, or changes, how the member feels about a round
// while it is open. A check-in is optional and private: facilitators see
// only counts unless the member shares it, and the audit log records that
// a check-in changed, never its zone. Nobody is alerted; a member in the
// panic zone is offered the safeguarding route and chooses.
func (e *Engine) SaveCheckIn(ctx context.Context, actor Actor, roundID string, in CheckInInput) (*CheckIn, error) {
	var v validator
	v.oneOf("zone", in.Zone, CheckInZones...)
	if err := v.err(); err != nil {
		return nil, err
	}
	var ci *CheckIn
	err := e.store.InTx(ctx, func(tx Tx) error {
		rd, a, err := e.authorizeRound(ctx, tx, actor, roundID, PermCheckIn)
		if err != nil {
			return err
		}
		if rd.State != RoundProposing && rd.State != RoundRating {
			return &Error{Code: ECONFLICT, Message: "Check-ins are open while the round is.",
				Fields: []FieldError{{Field: "round_id", Rule: "must be a round that is open"}}}
		}
		now := e.Now()
		ci = &CheckIn{RoundID: rd.ID, GroupID: rd.GroupID, MemberID: a.member.ID, Zone: in.Zone, Shared: in.Shared,
			CreatedAt: now, UpdatedAt: now}
		old, err := tx.CheckIn(ctx, rd.ID, a.member.ID)
		switch {
		case err == nil:
			ci.CreatedAt = old.CreatedAt
		case ErrorCode(err) != ENOTFOUND:
			return err
		}
		if err := tx.SaveCheckIn(ctx, ci); err != nil {
			return err
		}
		return e.audit(ctx, tx, rd.GroupID, a.member.ID, "checkin.saved", "round", rd.ID)
	})
	if err != nil {
		return nil, err
	}
	return ci, nil
}

// MyCheckIn returns the actor's own check-in on a round; ENOTFOUND when
// they have not checked in.
func (e *Engine) MyCheckIn(ctx context.Context, actor Actor, roundID string) (*CheckIn, error) {
	rd, a, err := e.roundAccess(ctx, e.store, actor, roundID)
	if err != nil {
		return nil, err
	}
	ci, err := e.store.CheckIn(ctx, rd.ID, a.member.ID)
	if err != nil {
		return nil, notFoundAs(err, "You have not checked in to this round.")
	}
	return ci, nil
}

// WithdrawCheckIn removes the actor's own check-in on a round, at any
// time: it is theirs to take back.
func (e *Engine) WithdrawCheckIn(ctx context.Context, actor Actor, roundID string) error {
	return e.store.InTx(ctx, func(tx Tx) error {
		rd, a, err := e.roundAccess(ctx, tx, actor, roundID)
		if err != nil {
			return err
		}
		if err := tx.DeleteCheckIn(ctx, rd.ID, a.member.ID); err != nil {
			return notFoundAs(err, "You have not checked in to this round.")
		}
		return e.audit(ctx, tx, rd.GroupID, a.member.ID, "checkin.withdrawn", "round", rd.ID)
	})
}

// RoundCheckIns summarises a round's check-ins for its facilitators:
// counts per zone with small cells suppressed (see CheckInSummary), and
// the check-ins members chose to share.
func (e *Engine) RoundCheckIns(ctx context.Context, actor Actor, roundID string) (*CheckInSummary, error) {
	rd, a, err := e.authorizeRound(ctx, e.store, actor, roundID, PermViewCheckIns)
	if err != nil {
		return nil, err
	}
	cis, err := e.store.CheckIns(ctx, rd.ID)
	if err != nil {
		return nil, err
	}
	ms, err := e.store.Members(ctx, rd.GroupID)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(ms))
	for _, m := range ms {
		if m.ErasedAt == nil {
			names[m.ID] = m.DisplayName
		}
	}
	counts := map[string]int{}
	s := &CheckInSummary{RoundID: rd.ID, MinCellSize: a.group.Settings.MinCellSize, Shared: []SharedCheckIn{}}
	for _, ci := range cis {
		counts[ci.Zone]++
		if ci.Shared {
			s.Shared = append(s.Shared, SharedCheckIn{MemberID: ci.MemberID, DisplayName: names[ci.MemberID], Zone: ci.Zone})
		}
	}
	s.Zones, s.Total = suppressCounts(CheckInZones, counts, len(cis), s.MinCellSize)
	return s, nil
}

// suppressCounts applies CheckInSummary's suppression rule to counts per
// zone with the given total.
func suppressCounts(zones []string, counts map[string]int, total, minCell int) ([]ZoneCount, *int) {
	out := make([]ZoneCount, len(zones))
	suppressed := total < minCell
	for i, z := range zones {
		n := counts[z]
		out[i].Zone = z
		if total < minCell || (n > 0 && n < minCell) {
			out[i].Suppressed = true
			suppressed = true
			continue
		}
		out[i].Count = &n
	}
	if suppressed {
		return out, nil
	}
	return out, &total
}
