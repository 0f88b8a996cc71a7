package engine_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// zoneCounts renders a summary as "comfort=6 stretch=- panic=0 total=-",
// "-" marking a suppressed or absent number.
func zoneCounts(s *engine.CheckInSummary) string {
	var parts []string
	for _, z := range s.Zones {
		if z.Suppressed != (z.Count == nil) {
			return fmt.Sprintf("zone %s: suppressed=%v with count %v", z.Zone, z.Suppressed, z.Count)
		}
		if z.Count == nil {
			parts = append(parts, z.Zone+"=-")
		} else {
			parts = append(parts, fmt.Sprintf("%s=%d", z.Zone, *z.Count))
		}
	}
	if s.Total == nil {
		parts = append(parts, "total=-")
	} else {
		parts = append(parts, fmt.Sprintf("total=%d", *s.Total))
	}
	return strings.Join(parts, " ")
}

// TestCheckInPrivacy checks what a facilitator sees of check-ins: counts
// per zone with small cells suppressed so that no count can be worked out
// from the others, and a member's own check-in only when they share it.
// Members see only their own; nobody else can read a member's check-in.
func TestCheckInPrivacy(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		w := newSafeguardingWorld(t, db, engine.GroupSettings{MinCellSize: 3})
		for _, name := range []string{"Dee", "Fin", "Gus", "Hal", "Ivy", "Jo"} {
			w.join(name, "")
		}
		rd, _ := w.openRound("An idea")
		m := w.members // Ada Bo Cy Dee Fin Gus Hal Ivy Jo
		steps := []struct {
			who    []int
			zone   string
			shared bool
			want   string
		}{
			// Fewer check-ins than the minimum cell size: nothing at all.
			{[]int{0, 1}, engine.CheckInComfort, false, "comfort=- stretch=- panic=- total=-"},
			// Three comfortable: the total is safe to show, zeros too.
			{[]int{2}, engine.CheckInComfort, false, "comfort=3 stretch=0 panic=0 total=3"},
			// One in panic: that cell is suppressed, and so is the total,
			// which would give it away.
			{[]int{3}, engine.CheckInPanic, true, "comfort=3 stretch=0 panic=- total=-"},
			{[]int{4, 5}, engine.CheckInStretch, false, "comfort=3 stretch=- panic=- total=-"},
			{[]int{6}, engine.CheckInStretch, false, "comfort=3 stretch=3 panic=- total=-"},
			{[]int{7, 8}, engine.CheckInPanic, false, "comfort=3 stretch=3 panic=3 total=9"},
		}
		for i, st := range steps {
			for _, k := range st.who {
				_, err := w.e.SaveCheckIn(w.ctx, m[k], rd.ID, engine.CheckInInput{Zone: st.zone, Shared: st.shared})
				must(t, err)
			}
			s, err := w.e.RoundCheckIns(w.ctx, w.fac, rd.ID)
			must(t, err)
			if got := zoneCounts(s); got != st.want {
				t.Errorf("step %d: %s, want %s", i, got, st.want)
			}
		}
		s, err := w.e.RoundCheckIns(w.ctx, w.fac, rd.ID)
		must(t, err)
		if len(s.Shared) != 1 || s.Shared[0].DisplayName != "Dee" || s.Shared[0].Zone != engine.CheckInPanic || s.MinCellSize != 3 {
			t.Errorf("shared check-ins = %+v", s.Shared)
		}
		// Unsharing takes the name away again.
		_, err = w.e.SaveCheckIn(w.ctx, m[3], rd.ID, engine.CheckInInput{Zone: engine.CheckInPanic})
		must(t, err)
		s, err = w.e.RoundCheckIns(w.ctx, w.fac, rd.ID)
		must(t, err)
		if len(s.Shared) != 0 {
			t.Errorf("after unsharing, shared = %+v", s.Shared)
		}
		raw, _ := json.Marshal(s)
		for _, id := range []string{m[0].MemberID, m[3].MemberID} {
			if strings.Contains(string(raw), id) {
				t.Errorf("the summary names member %s, who did not share", id)
			}
		}

		// Only facilitators see the counts.
		for name, actor := range map[string]engine.Actor{"member": m[0], "lead": w.lead, "evaluator": w.evaluator, "observer": w.observer} {
			_, err := w.e.RoundCheckIns(w.ctx, actor, rd.ID)
			if engine.ErrorCode(err) != engine.EFORBIDDEN {
				t.Errorf("%s reads the check-in counts: %v", name, err)
			}
		}
		_, err = w.e.RoundCheckIns(w.ctx, w.outsider, rd.ID)
		wantErr(t, err, engine.ENOTFOUND, "")
		// Each member reads only their own; a facilitator has none.
		mine, err := w.e.MyCheckIn(w.ctx, m[7], rd.ID)
		must(t, err)
		if mine.Zone != engine.CheckInPanic || mine.MemberID != m[7].MemberID {
			t.Errorf("own check-in = %+v", mine)
		}
		_, err = w.e.MyCheckIn(w.ctx, w.fac, rd.ID)
		wantErr(t, err, engine.ENOTFOUND, "")
		_, err = w.e.MyCheckIn(w.ctx, w.outsider, rd.ID)
		wantErr(t, err, engine.ENOTFOUND, "")

		// The audit log records that check-ins changed, never a zone, and
		// the facilitator's copy does not say whose.
		evs, err := w.e.ListAudit(w.ctx, w.fac, w.group.ID, engine.Page{Limit: 1000})
		must(t, err)
		n := 0
		for _, ev := range evs {
			if strings.HasPrefix(ev.Action, "checkin.") {
				n++
				if ev.ActorID != "" || ev.SubjectID != rd.ID {
					t.Errorf("check-in audit event as the facilitator sees it: %+v", ev)
				}
			}
			for _, z := range engine.CheckInZones {
				if strings.Contains(ev.Action, z) {
					t.Errorf("audit action %q names a zone", ev.Action)
				}
			}
		}
		if n != 10 {
			t.Errorf("%d check-in audit events, want 10", n)
		}
	})
}

// TestCheckInRules checks when and by whom a check-in can be made,
// changed and withdrawn.
func TestCheckInRules(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		w := newSafeguardingWorld(t, db, engine.GroupSettings{})
		ada := w.members[0]
		draft, err := w.e.CreateRound(w.ctx, w.fac, w.group.ID, engine.RoundInput{Prompt: "Later"})
		must(t, err)
		_, err = w.e.SaveCheckIn(w.ctx, ada, draft.ID, engine.CheckInInput{Zone: engine.CheckInComfort})
		wantErr(t, err, engine.ECONFLICT, "round_id")
		rd, _ := w.openRound("An idea")
		tests := []struct {
			name  string
			actor engine.Actor
			zone  string
			code  string
			field string
		}{
			{"no zone", ada, "", engine.EINVALID, "zone"},
			{"unknown zone", ada, "green", engine.EINVALID, "zone"},
			{"facilitator", w.fac, engine.CheckInComfort, engine.EFORBIDDEN, ""},
			{"safeguarding lead", w.lead, engine.CheckInComfort, engine.EFORBIDDEN, ""},
			{"evaluator", w.evaluator, engine.CheckInComfort, engine.EFORBIDDEN, ""},
			{"outsider", w.outsider, engine.CheckInComfort, engine.ENOTFOUND, ""},
			{"anonymous", engine.Actor{}, engine.CheckInComfort, engine.EUNAUTHORIZED, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := w.e.SaveCheckIn(w.ctx, tt.actor, rd.ID, engine.CheckInInput{Zone: tt.zone})
				wantErr(t, err, tt.code, tt.field)
			})
		}
		first, err := w.e.SaveCheckIn(w.ctx, ada, rd.ID, engine.CheckInInput{Zone: engine.CheckInStretch})
		must(t, err)
		changed, err := w.e.SaveCheckIn(w.ctx, ada, rd.ID, engine.CheckInInput{Zone: engine.CheckInComfort, Shared: true})
		must(t, err)
		got, err := w.e.MyCheckIn(w.ctx, ada, rd.ID)
		must(t, err)
		if got.Zone != engine.CheckInComfort || !got.Shared || !got.CreatedAt.Equal(first.CreatedAt) ||
			!got.UpdatedAt.Equal(changed.UpdatedAt) || !got.UpdatedAt.After(first.CreatedAt) {
			t.Errorf("changed check-in = %+v (first %+v)", got, first)
		}
		must(t, w.e.WithdrawCheckIn(w.ctx, ada, rd.ID))
		_, err = w.e.MyCheckIn(w.ctx, ada, rd.ID)
		wantErr(t, err, engine.ENOTFOUND, "")
		wantErr(t, w.e.WithdrawCheckIn(w.ctx, ada, rd.ID), engine.ENOTFOUND, "")
		// A closed round takes no new check-ins, but one can still be withdrawn.
		_, err = w.e.SaveCheckIn(w.ctx, ada, rd.ID, engine.CheckInInput{Zone: engine.CheckInPanic})
		must(t, err)
		_, err = w.e.TransitionRound(w.ctx, w.fac, rd.ID, engine.TransitionClose)
		must(t, err)
		_, err = w.e.SaveCheckIn(w.ctx, ada, rd.ID, engine.CheckInInput{Zone: engine.CheckInComfort})
		wantErr(t, err, engine.ECONFLICT, "round_id")
		must(t, w.e.WithdrawCheckIn(w.ctx, ada, rd.ID))
	})
}

// TestTellLeadFromCheckIn checks the member's choice on the check-in page
// to tell the safeguarding lead: it raises a concern on their behalf with
// the zone, which only the lead and the member can read. Checking in alone
// alerts nobody.
func TestTellLeadFromCheckIn(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		w := newSafeguardingWorld(t, db, engine.GroupSettings{})
		ada := w.members[0]
		rd, _ := w.openRound("An idea")
		_, err := w.e.SaveCheckIn(w.ctx, ada, rd.ID, engine.CheckInInput{Zone: engine.CheckInPanic})
		must(t, err)
		none, err := w.e.ListConcerns(w.ctx, w.lead, w.group.ID)
		must(t, err)
		if len(none) != 0 {
			t.Fatalf("a check-in alone raised %d concerns", len(none))
		}
		c, err := w.e.RaiseConcern(w.ctx, ada, w.group.ID, engine.ConcernInput{FromCheckIn: true, RoundID: rd.ID})
		must(t, err)
		v, err := w.e.GetConcern(w.ctx, w.lead, c.ID)
		must(t, err)
		if v.Source != engine.ConcernFromCheckIn || v.CheckInZone != engine.CheckInPanic || v.RaisedByName != "Ada" ||
			v.RoundNumber != 1 || v.Text != "" {
			t.Errorf("concern from a check-in = %+v", v)
		}
		_, err = w.e.GetConcern(w.ctx, w.fac, c.ID)
		wantErr(t, err, engine.ENOTFOUND, "")
	})
}

// TestPassCountsAsParticipation checks that pass is never counted against
// anyone: a member who passes on every proposal has responded and taken
// part exactly like one who rates every proposal, overall and in their
// perspective, and gets the same participation rate in the under-heard
// panel.
func TestPassCountsAsParticipation(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		w := newWorld(t, db, engine.GroupSettings{Scale: engine.ScaleLikert5, MinCellSize: 1,
			Perspectives: []string{"proposer", "rater", "passer"}})
		rd, ps := w.openRound("One", "Two", "Three") // Ada proposes, and neither rates nor passes
		rater, passer := w.members[1], w.members[2]
		for _, p := range ps {
			w.rate(rater, rd.ID, p.ID, 4)
			_, err := w.e.SubmitRating(w.ctx, passer, engine.RatingInput{RoundID: rd.ID, ProposalID: p.ID, Pass: true})
			must(t, err)
		}
		res, err := w.e.RoundAnalysis(w.ctx, w.fac, rd.ID)
		must(t, err)
		part := res.Round.Participation
		if part.Invited != 3 || part.Responded != 2 || part.Active != 3 {
			t.Errorf("participation = invited %d, responded %d, active %d; want 3, 2, 3 (the passer counts)",
				part.Invited, part.Responded, part.Active)
		}
		by := map[string]int{}
		for _, pp := range part.ByPerspective {
			if pp.Suppressed || pp.Responded == nil || pp.Active == nil {
				t.Fatalf("perspective %s suppressed with a minimum cell size of 1", pp.Perspective)
			}
			by[pp.Perspective] = *pp.Responded + 10**pp.Active
		}
		if by["rater"] != 11 || by["passer"] != 11 || by["proposer"] != 10 {
			t.Errorf("responded + 10×active by perspective = %v; the passer's perspective must count like the rater's", by)
		}
		rates := map[string]string{}
		for _, mr := range res.UnderHeard.Participation.Members {
			raw, _ := json.Marshal(mr.RateAssessment)
			rates[mr.Member] = string(raw)
		}
		if rates[rater.MemberID] == "" || rates[rater.MemberID] != rates[passer.MemberID] {
			t.Errorf("participation rate of the rater %s, of the passer %s: must be the same",
				rates[rater.MemberID], rates[passer.MemberID])
		}
		// The results count the passes as passes, not as missing answers.
		results, err := w.e.RoundResults(w.ctx, w.fac, rd.ID)
		must(t, err)
		for _, pr := range results {
			if pr.NPassed != 1 || pr.NRated != 1 {
				t.Errorf("results of %s: %d rated, %d passed; want 1 and 1", pr.ProposalID, pr.NRated, pr.NPassed)
			}
		}
	})
}
