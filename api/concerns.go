package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/allvoice/allvoice/engine"
)

// ConcernPath is the concernId path parameter.
type ConcernPath struct {
	ConcernID string `path:"concernId" pattern:"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$" patternDescription:"an id" doc:"The concern's id."`
}

func (p ConcernPath) id() string { return own(p.ConcernID) }

type concernRequest struct {
	Text        string `json:"text,omitempty" maxLength:"10000" doc:"What worries you, in your own words. Required, except with from_checkin."`
	RoundID     string `json:"round_id,omitempty" maxLength:"36" doc:"The round it is about, if any."`
	ProposalID  string `json:"proposal_id,omitempty" maxLength:"36" doc:"The proposal it is about, if any."`
	MemberID    string `json:"member_id,omitempty" maxLength:"36" doc:"The member it is about, if any."`
	FromCheckIn bool   `json:"from_checkin,omitempty" doc:"Raise it from your own check-in on round_id ('tell the safeguarding lead'); the check-in's zone goes with it."`
}

type concernActionRequest struct {
	Action   string `json:"action" maxLength:"10000" doc:"What was done."`
	Outcome  string `json:"outcome,omitempty" maxLength:"10000" doc:"What came of it."`
	Learning string `json:"learning,omitempty" maxLength:"10000" doc:"What was learned."`
	Status   string `json:"status" enum:"open,in_progress,closed" doc:"The status the concern is in after this action."`
}

// private answers an operation on safeguarding data, which no cache may
// keep.
type private[T any] struct {
	CacheControl string `header:"Cache-Control"`
	Body         T
}

func privateOf[T any](v T, err error) (*private[T], error) {
	if err != nil {
		return nil, err
	}
	return &private[T]{CacheControl: "no-store", Body: v}, nil
}

func (a *API) registerConcerns() {
	huma.Register(a.huma, op("raiseConcern", http.MethodPost, "/groups/{groupId}/concerns", "Safeguarding",
		"Raise a safeguarding concern: only the group's safeguarding leads and you can read it"),
		func(ctx context.Context, in *struct {
			GroupPath
			Body concernRequest
		}) (*private[*engine.ConcernView], error) {
			b := in.Body
			return privateOf(a.eng.RaiseConcern(ctx, actorFrom(ctx), in.id(), engine.ConcernInput{Text: b.Text,
				RoundID: b.RoundID, ProposalID: b.ProposalID, MemberID: b.MemberID, FromCheckIn: b.FromCheckIn}))
		})

	huma.Register(a.huma, op("listConcerns", http.MethodGet, "/groups/{groupId}/concerns", "Safeguarding",
		"List the group's concerns (safeguarding leads) or the ones you raised (everyone else)"),
		func(ctx context.Context, in *struct{ GroupPath }) (*private[listBody[*engine.ConcernView]], error) {
			cs, err := a.eng.ListConcerns(ctx, actorFrom(ctx), in.id())
			return privateOf(newList(cs), err)
		})

	huma.Register(a.huma, op("getConcern", http.MethodGet, "/concerns/{concernId}", "Safeguarding",
		"Read a concern: its safeguarding leads see every action, the person who raised it its status"),
		func(ctx context.Context, in *struct{ ConcernPath }) (*private[*engine.ConcernView], error) {
			return privateOf(a.eng.GetConcern(ctx, actorFrom(ctx), in.id()))
		})

	huma.Register(a.huma, op("recordConcernAction", http.MethodPost, "/concerns/{concernId}/actions", "Safeguarding",
		"Record a safeguarding lead's action on a concern, its outcome and what was learned"),
		func(ctx context.Context, in *struct {
			ConcernPath
			Body concernActionRequest
		}) (*private[*engine.ConcernAction], error) {
			b := in.Body
			return privateOf(a.eng.RecordConcernAction(ctx, actorFrom(ctx), in.id(), engine.ConcernActionInput{
				Action: b.Action, Outcome: b.Outcome, Learning: b.Learning, Status: b.Status}))
		})
}
