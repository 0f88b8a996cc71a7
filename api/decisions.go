package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/allvoice/allvoice/engine"
)

type decisionRequest struct {
	ProposalID string     `json:"proposal_id" maxLength:"36" doc:"A proposal on this round's agenda."`
	Outcome    string     `json:"outcome" enum:"adopted,not_adopted,revisit,parked"`
	Rationale  string     `json:"rationale" maxLength:"10000" doc:"Why, in words members will read ('you said, we did')."`
	ReviewDate *time.Time `json:"review_date,omitempty" doc:"When the decision is due for review; it then returns to a later round's agenda."`
}

func (a *API) registerDecisions() {
	huma.Register(a.huma, op("recordDecision", http.MethodPost, "/rounds/{roundId}/decisions", "Decisions",
		"Record a decision on a proposal, with the rule verdict and dissent frozen as evidence"),
		func(ctx context.Context, in *struct {
			RoundPath
			Body decisionRequest
		}) (*out[*engine.Decision], error) {
			b := in.Body
			return bodyOf(a.eng.RecordDecision(ctx, actorFrom(ctx), engine.DecisionInput{RoundID: in.id(),
				ProposalID: b.ProposalID, Outcome: b.Outcome, Rationale: b.Rationale, ReviewDate: b.ReviewDate}))
		})

	huma.Register(a.huma, op("listDecisions", http.MethodGet, "/groups/{groupId}/decisions", "Decisions",
		"List the group's decisions in the order taken"),
		func(ctx context.Context, in *struct{ GroupPath }) (*listOutput[*engine.Decision], error) {
			return listOf(a.eng.ListDecisions(ctx, actorFrom(ctx), in.id()))
		})
}
