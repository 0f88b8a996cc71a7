package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/allvoice/allvoice/engine"
)

type roundRequest struct {
	Prompt     string     `json:"prompt" maxLength:"1000" doc:"The question the round asks."`
	Combined   bool       `json:"combined,omitempty" doc:"Allow proposing and rating at the same time."`
	OpensAt    *time.Time `json:"opens_at,omitempty" doc:"Open automatically at this time."`
	ClosesAt   *time.Time `json:"closes_at,omitempty" doc:"Close automatically at this time."`
	CarryRules []string   `json:"carry_rules,omitempty" maxItems:"3" enum:"carry_without_consensus,drop_consensus_against,carry_all" doc:"How the agenda is carried from the latest closed round (default carry_without_consensus). Revisit decisions and due reviews are always carried."`
}

type transitionRequest struct {
	To string `json:"to" enum:"open,rating,close,reopen" doc:"open: draft → proposing; rating: draft or proposing → rating; close: → closed; reopen: closed → rating."`
}

type revisitRequest struct {
	ProposalID string `json:"proposal_id" maxLength:"36" doc:"An earlier proposal of the group to put on this round's agenda."`
}

func (a *API) registerRounds() {
	huma.Register(a.huma, op("createRound", http.MethodPost, "/groups/{groupId}/rounds", "Rounds",
		"Create the group's next round as a draft, with the agenda carried forward"),
		func(ctx context.Context, in *struct {
			GroupPath
			Body roundRequest
		}) (*out[*engine.Round], error) {
			b := in.Body
			return bodyOf(a.eng.CreateRound(ctx, actorFrom(ctx), in.id(), engine.RoundInput{Prompt: b.Prompt, Combined: b.Combined,
				OpensAt: b.OpensAt, ClosesAt: b.ClosesAt, CarryRules: b.CarryRules}))
		})

	huma.Register(a.huma, op("listRounds", http.MethodGet, "/groups/{groupId}/rounds", "Rounds",
		"List the group's rounds in order"),
		func(ctx context.Context, in *struct{ GroupPath }) (*listOutput[*engine.Round], error) {
			return listOf(a.eng.ListRounds(ctx, actorFrom(ctx), in.id()))
		})

	huma.Register(a.huma, op("getRound", http.MethodGet, "/rounds/{roundId}", "Rounds",
		"Get a round with its agenda"),
		func(ctx context.Context, in *struct{ RoundPath }) (*out[*engine.RoundView], error) {
			return bodyOf(a.eng.GetRound(ctx, actorFrom(ctx), in.id()))
		})

	huma.Register(a.huma, with(op("transitionRound", http.MethodPost, "/rounds/{roundId}/transitions", "Rounds",
		"Move a round along its lifecycle: open, rating, close, reopen"), status(http.StatusOK)),
		func(ctx context.Context, in *struct {
			RoundPath
			Body transitionRequest
		}) (*out[*engine.Round], error) {
			return bodyOf(a.eng.TransitionRound(ctx, actorFrom(ctx), in.id(), engine.Transition(in.Body.To)))
		})

	huma.Register(a.huma, with(op("revisitProposal", http.MethodPost, "/rounds/{roundId}/agenda", "Rounds",
		"Put an earlier proposal on this round's agenda, with its last round as the baseline"), status(http.StatusNoContent)),
		func(ctx context.Context, in *struct {
			RoundPath
			Body revisitRequest
		}) (*noContent, error) {
			return none(a.eng.Revisit(ctx, actorFrom(ctx), in.id(), in.Body.ProposalID))
		})
}
