package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/conditional"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/analysis"
)

// reportInput asks for a round's report, conditionally (If-None-Match).
type reportInput struct {
	RoundPath
	conditional.Params
}

// reportOutput carries a report with its ETag. Reports depend on who asks
// (identities, reveal policy), so caches must keep them private and
// revalidate.
type reportOutput[T any] struct {
	ETag         string `header:"ETag"`
	CacheControl string `header:"Cache-Control"`
	Vary         string `header:"Vary"`
	Body         T
}

// report answers with v and its ETag, or 304 when the client holds it.
func report[T any](in *reportInput, v T, err error) (*reportOutput[T], error) {
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, &engine.Error{Code: engine.EINTERNAL, Message: "internal", Err: err}
	}
	sum := sha256.Sum256(raw)
	etag := hex.EncodeToString(sum[:16])
	quoted := `"` + etag + `"`
	if in.HasConditionalParams() {
		if err := in.PreconditionFailed(etag, time.Time{}); err != nil {
			return nil, huma.ErrorWithHeaders(err, http.Header{"ETag": {quoted}})
		}
	}
	return &reportOutput[T]{ETag: quoted, CacheControl: "private, no-cache", Vary: "Authorization, Cookie", Body: v}, nil
}

func (a *API) registerAnalysis() {
	huma.Register(a.huma, op("getRoundAnalysis", http.MethodGet, "/rounds/{roundId}/analysis", "Analysis",
		"The full analysis of a round (facilitators and evaluators): statistics, verdicts, opinion groups, bridging, under-heard voices"),
		func(ctx context.Context, in *reportInput) (*reportOutput[*analysis.Result], error) {
			res, err := a.eng.RoundAnalysis(ctx, actorFrom(ctx), in.id())
			return report(in, res, err)
		})

	huma.Register(a.huma, op("getRoundResults", http.MethodGet, "/rounds/{roundId}/results", "Analysis",
		"The group's distribution on each agenda proposal, as far as the reveal policy lets you see it"),
		func(ctx context.Context, in *reportInput) (*reportOutput[listBody[engine.ProposalResults]], error) {
			res, err := a.eng.RoundResults(ctx, actorFrom(ctx), in.id())
			return report(in, newList(res), err)
		})

	huma.Register(a.huma, op("listMyRatings", http.MethodGet, "/rounds/{roundId}/my-ratings", "Ratings",
		"Your ratings on the round's agenda and, for carried and revisited items, your previous rating next to the group's previous distribution"),
		func(ctx context.Context, in *struct{ RoundPath }) (*listOutput[engine.MyRating], error) {
			return listOf(a.eng.MyRatings(ctx, actorFrom(ctx), in.id()))
		})

	// analysis.Result encodes its seed as a JSON string (",string": a
	// uint64 does not survive JavaScript numbers); huma's schema does not
	// know that option.
	if s := a.huma.OpenAPI().Components.Schemas.Map()["Result"]; s != nil {
		if seed := s.Properties["seed"]; seed != nil {
			seed.Type, seed.Format = huma.TypeString, ""
		}
	}
}
