package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/allvoice/allvoice/engine"
)

// ratingRequest is one rating. Value ranges over every scale's values
// (−1…9); the engine checks it against the group's scale.
type ratingRequest struct {
	ProposalID     string `json:"proposal_id" maxLength:"36"`
	MemberID       string `json:"member_id,omitempty" maxLength:"36" doc:"The member rated for, when a facilitator enters ratings (modes assisted, in_room, paper)."`
	Value          *int   `json:"value,omitempty" minimum:"-1" maximum:"9" doc:"A point on the group's scale; omit when passing."`
	Pass           bool   `json:"pass,omitempty" doc:"Can't say / not for me. Always allowed, never counted against anyone."`
	Reason         string `json:"reason,omitempty" maxLength:"2000" doc:"Optional: why."`
	Mode           string `json:"mode,omitempty" enum:"self,assisted,in_room,paper" doc:"How the rating reached Allvoice (default self)."`
	ChangeCategory string `json:"change_category,omitempty" enum:"new_information,discussion,others_views,lived_experience,other" doc:"What changed your mind, when changing an earlier rating."`
}

func (r ratingRequest) input(roundID, key string) engine.RatingInput {
	return engine.RatingInput{RoundID: roundID, ProposalID: r.ProposalID, MemberID: r.MemberID, Value: r.Value, Pass: r.Pass,
		Reason: r.Reason, Mode: r.Mode, ChangeCategory: r.ChangeCategory, IdempotencyKey: key}
}

// bulkRatingRequest is one rating of a bulk submission, with its own key.
// (It repeats ratingRequest's fields: huma does not see the fields of an
// unexported embedded struct.)
type bulkRatingRequest struct {
	ProposalID     string `json:"proposal_id" maxLength:"36"`
	MemberID       string `json:"member_id,omitempty" maxLength:"36" doc:"The member rated for (modes assisted, in_room, paper)."`
	Value          *int   `json:"value,omitempty" minimum:"-1" maximum:"9" doc:"A point on the group's scale; omit when passing."`
	Pass           bool   `json:"pass,omitempty"`
	Reason         string `json:"reason,omitempty" maxLength:"2000"`
	Mode           string `json:"mode,omitempty" enum:"self,assisted,in_room,paper"`
	ChangeCategory string `json:"change_category,omitempty" enum:"new_information,discussion,others_views,lived_experience,other"`
	IdempotencyKey string `json:"idempotency_key,omitempty" maxLength:"100" doc:"Makes a retried submission store one event."`
}

func (r bulkRatingRequest) input(roundID string) engine.RatingInput {
	return ratingRequest{ProposalID: r.ProposalID, MemberID: r.MemberID, Value: r.Value, Pass: r.Pass, Reason: r.Reason,
		Mode: r.Mode, ChangeCategory: r.ChangeCategory}.input(roundID, r.IdempotencyKey)
}

type bulkRatingsRequest struct {
	Ratings []bulkRatingRequest `json:"ratings" minItems:"1" maxItems:"500"`
}

type ratingInput struct {
	RoundPath
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"100" doc:"Makes a retried submission store one event: the same key and body replay the first answer (200); the same key with another body is a conflict (409)."`
	Body           ratingRequest
}

// ratingOutput is 201 for a new rating event, 200 for a replay.
type ratingOutput struct {
	Status int
	Body   *engine.RatingResult
}

type ratingResultsBody struct {
	Results []*engine.RatingResult `json:"results"`
}

func (a *API) registerRatings() {
	huma.Register(a.huma, with(op("submitRating", http.MethodPost, "/rounds/{roundId}/ratings", "Ratings",
		"Rate a proposal, or pass; changeable while the round is open (history kept)"), func(o *huma.Operation) {
		o.Responses = map[string]*huma.Response{"200": {Description: "A replay: the idempotency key and body were seen before, or the rating repeats the current one; nothing new was stored."}}
	}),
		func(ctx context.Context, in *ratingInput) (*ratingOutput, error) {
			res, err := a.eng.SubmitRating(ctx, actorFrom(ctx), in.Body.input(in.id(), own(in.IdempotencyKey)))
			if err != nil {
				return nil, err
			}
			code := http.StatusCreated
			if res.Replayed {
				code = http.StatusOK
			}
			return &ratingOutput{Status: code, Body: res}, nil
		})

	huma.Register(a.huma, with(op("submitRatings", http.MethodPost, "/rounds/{roundId}/ratings/bulk", "Ratings",
		"Submit many ratings at once (in the room, from paper): all are stored or none"), func(o *huma.Operation) {
		o.MaxBodyBytes = maxBulkBodyBytes
	}),
		func(ctx context.Context, in *struct {
			RoundPath
			Body bulkRatingsRequest
		}) (*out[ratingResultsBody], error) {
			roundID := in.id()
			ins := make([]engine.RatingInput, len(in.Body.Ratings))
			for i, r := range in.Body.Ratings {
				ins[i] = r.input(roundID)
			}
			res, err := a.eng.SubmitRatings(ctx, actorFrom(ctx), ins)
			return bodyOf(ratingResultsBody{Results: res}, err)
		})
}
