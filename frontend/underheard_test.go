package frontend

import (
	"context"
	"html"
	"strings"
	"testing"
)

// TestDashboardShowsUnderHeardWarnings checks that the facilitator's live
// dashboard carries every equity warning the round's analysis raises, in
// its own words, and that the public projector view never does.
func TestDashboardShowsUnderHeardWarnings(t *testing.T) {
	ctx := context.Background()
	d := newReportDemo(t)
	eng, h, fac, actor, seeded := d.eng, d.h, d.fac, d.actor, d.seeded
	// Round 2 is closed with decisions, so uptake and representation have
	// something to measure; round 3 is still being rated.
	flags := 0
	for _, roundID := range seeded.RoundIDs[1:] {
		res, err := eng.RoundAnalysis(ctx, actor, roundID)
		if err != nil {
			t.Fatal(err)
		}
		flags += len(res.UnderHeard.Flags)
		c := h.client().signedIn(fac)
		dash := c.get("/rounds/" + roundID + "/dashboard")
		mustStatus(t, dash, 200)
		body := html.UnescapeString(dash.Body)
		if !strings.Contains(body, "Voices that may be under-heard") {
			t.Fatalf("round %s: dashboard has no under-heard panel", roundID)
		}
		for _, fl := range res.UnderHeard.Flags {
			if !strings.Contains(body, fl.Sentence) {
				t.Errorf("round %s: dashboard lacks the warning %q", roundID, fl.Sentence)
			}
		}
		if len(res.UnderHeard.Flags) == 0 && !strings.Contains(body, "No warnings so far") {
			t.Errorf("round %s: no flags, yet the panel does not say so", roundID)
		}
		proj := c.get("/rounds/" + roundID + "/projector")
		mustStatus(t, proj, 200)
		pbody := html.UnescapeString(proj.Body)
		if strings.Contains(pbody, "under-heard") {
			t.Errorf("round %s: the projector shows the under-heard panel", roundID)
		}
		for _, fl := range res.UnderHeard.Flags {
			if strings.Contains(pbody, fl.Sentence) {
				t.Errorf("round %s: the projector shows a warning: %q", roundID, fl.Sentence)
			}
		}
	}
	if flags == 0 {
		t.Error("the demo raises no under-heard warning, so this test shows nothing")
	}
}
