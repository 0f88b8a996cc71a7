package main

import (
	"net/http"
	"testing"

	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// TestInstancesShareLiveUpdates runs two server processes on one
// PostgreSQL database (as behind a load balancer): a rating submitted to
// instance A reaches live streams connected to instance B — the API's
// event stream and the facilitator dashboard's — through LISTEN/NOTIFY,
// and the other way round.
func TestInstancesShareLiveUpdates(t *testing.T) {
	url := bunstoretest.PostgresURL(t)
	a := startServer(t, url)
	b := startServer(t, url)
	ca, cb := newClient(a.base, 4), newClient(b.base, 4)
	fx := setUpRound(t, ca, 4, 3)

	// Both instances serve the same data.
	var round struct {
		State string `json:"state"`
	}
	cb.must(t, http.MethodGet, "/rounds/"+fx.roundID, fx.fac, nil, http.StatusOK, &round)
	if round.State != "rating" {
		t.Fatalf("instance B sees the round %q, want rating", round.State)
	}

	streams := func(p *process) (api, dashboard *stream) {
		return openStream(t, p.base+"/api/v1/rounds/"+fx.roundID+"/events", map[string]string{"Authorization": "Bearer " + fx.fac}),
			openStream(t, p.base+"/rounds/"+fx.roundID+"/events", map[string]string{"Cookie": "allvoice_session=" + fx.fac})
	}
	apiB, dashB := streams(b)
	apiA, dashA := streams(a)

	// Each rating reaches both instances' streams, the other instance's
	// through the database; every stream is read before the next rating,
	// so no event is counted twice.
	for i, tc := range []struct {
		name string
		to   *client
	}{{"submitted to A", ca}, {"submitted to B", cb}} {
		t.Run(tc.name, func(t *testing.T) {
			if ans, err := tc.to.rate(fx, i, "multi-"+tc.name, ratingBody{ProposalID: fx.proposals[i], Value: 4}); err != nil || ans.status != http.StatusCreated {
				t.Fatalf("rating: %d %s %v", ans.status, ans.body, err)
			}
			apiA.next(t, "rating", requestBound)
			apiB.next(t, "rating", requestBound)
			dashA.next(t, "update", requestBound)
			dashB.next(t, "update", requestBound)
		})
	}
}
