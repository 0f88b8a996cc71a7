package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/conditional"

	"github.com/allvoice/allvoice/engine"
)

// groupReportInput asks for a group's report, conditionally
// (If-None-Match).
type groupReportInput struct {
	GroupPath
	conditional.Params
}

func (a *API) registerReports() {
	huma.Register(a.huma, op("getRoundReport", http.MethodGet, "/rounds/{roundId}/report", "Reports",
		"The consensus report of a round (facilitators and evaluators): headline, a card per proposal with verdicts overall and by perspective, dissent, stability, opinion groups, bridging, under-heard voices, attrition and a suggested agenda"),
		func(ctx context.Context, in *reportInput) (*reportOutput[*engine.ConsensusReport], error) {
			r, err := a.eng.ConsensusReport(ctx, actorFrom(ctx), in.id())
			return report(in, r, err)
		})

	huma.Register(a.huma, op("getMethodsReport", http.MethodGet, "/groups/{groupId}/methods-report", "Reports",
		"The methods report of a group's whole process (facilitators and evaluators): panel, rounds, response and attrition, the consensus definition and its versions, and what changed between rounds"),
		func(ctx context.Context, in *groupReportInput) (*reportOutput[*engine.MethodsReport], error) {
			r, err := a.eng.MethodsReport(ctx, actorFrom(ctx), in.id())
			return report(&reportInput{Params: in.Params}, r, err)
		})

	huma.Register(a.huma, op("getRoundEasyRead", http.MethodGet, "/rounds/{roundId}/easy-read", "Reports",
		"The Easy Read summary of a closed round: how many took part, how many agreed with each idea and what was decided, as far as the reveal policy allows"),
		func(ctx context.Context, in *reportInput) (*reportOutput[*engine.EasyReadSummary], error) {
			r, err := a.eng.EasyReadSummary(ctx, actorFrom(ctx), in.id())
			return report(in, r, err)
		})

	huma.Register(a.huma, op("listMyPaths", http.MethodGet, "/groups/{groupId}/my-paths", "Ratings",
		"Your own rating path on each proposal you rated, across rounds, with your reasons"),
		func(ctx context.Context, in *struct{ GroupPath }) (*listOutput[engine.MyPath], error) {
			return listOf(a.eng.MyPaths(ctx, actorFrom(ctx), in.id()))
		})
}
