package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/allvoice/allvoice/engine"
)

type checkInRequest struct {
	Zone   string `json:"zone" enum:"comfort,stretch,panic" doc:"How you feel about the round: comfortable, stretched, or in the panic zone."`
	Shared bool   `json:"shared,omitempty" doc:"Let the facilitators see your own check-in; otherwise they see only counts."`
}

func (a *API) registerCheckIns() {
	huma.Register(a.huma, op("saveCheckIn", http.MethodPut, "/rounds/{roundId}/checkin", "Check-ins",
		"Check in to a round, or change your check-in (optional and private)"),
		func(ctx context.Context, in *struct {
			RoundPath
			Body checkInRequest
		}) (*private[*engine.CheckIn], error) {
			return privateOf(a.eng.SaveCheckIn(ctx, actorFrom(ctx), in.id(), engine.CheckInInput{Zone: in.Body.Zone, Shared: in.Body.Shared}))
		})

	huma.Register(a.huma, op("getMyCheckIn", http.MethodGet, "/rounds/{roundId}/checkin", "Check-ins",
		"Read your own check-in on a round (404 when you have not checked in)"),
		func(ctx context.Context, in *struct{ RoundPath }) (*private[*engine.CheckIn], error) {
			return privateOf(a.eng.MyCheckIn(ctx, actorFrom(ctx), in.id()))
		})

	huma.Register(a.huma, op("withdrawCheckIn", http.MethodDelete, "/rounds/{roundId}/checkin", "Check-ins",
		"Take back your check-in on a round"),
		func(ctx context.Context, in *struct{ RoundPath }) (*noContent, error) {
			return none(a.eng.WithdrawCheckIn(ctx, actorFrom(ctx), in.id()))
		})

	huma.Register(a.huma, op("getRoundCheckIns", http.MethodGet, "/rounds/{roundId}/checkins", "Check-ins",
		"Check-in counts per zone for facilitators, small cells suppressed, and the check-ins members chose to share"),
		func(ctx context.Context, in *struct{ RoundPath }) (*private[*engine.CheckInSummary], error) {
			return privateOf(a.eng.RoundCheckIns(ctx, actorFrom(ctx), in.id()))
		})
}
