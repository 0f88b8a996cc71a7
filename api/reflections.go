package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/allvoice/allvoice/engine"
)

type reflectionRequest struct {
	Text string `json:"text" maxLength:"10000" doc:"What worked, what didn't."`
}

func (a *API) registerReflections() {
	huma.Register(a.huma, op("addReflection", http.MethodPost, "/rounds/{roundId}/reflections", "Reflections",
		"Add a 'what worked / what didn't' note to a round"),
		func(ctx context.Context, in *struct {
			RoundPath
			Body reflectionRequest
		}) (*out[*engine.Reflection], error) {
			return bodyOf(a.eng.AddReflection(ctx, actorFrom(ctx), in.id(), in.Body.Text))
		})

	huma.Register(a.huma, op("listReflections", http.MethodGet, "/groups/{groupId}/reflections", "Reflections",
		"List the group's reflections (attributed to facilitators only)"),
		func(ctx context.Context, in *struct{ GroupPath }) (*listOutput[*engine.Reflection], error) {
			return listOf(a.eng.ListReflections(ctx, actorFrom(ctx), in.id()))
		})
}
