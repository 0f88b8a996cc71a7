package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/allvoice/allvoice/engine"
)

type proposalRequest struct {
	Text     string `json:"text" maxLength:"1000" doc:"The idea, in plain words."`
	EasyRead string `json:"easy_read,omitempty" maxLength:"1000" doc:"An Easy Read version."`
}

func (p proposalRequest) input() engine.ProposalInput {
	return engine.ProposalInput{Text: p.Text, EasyRead: p.EasyRead}
}

type moderationRequest struct {
	Action string `json:"action" enum:"hide,restore"`
	Reason string `json:"reason,omitempty" maxLength:"2000" doc:"Why; the author sees it. Required to hide."`
}

type rewriteRequest struct {
	Kind        string            `json:"kind" enum:"reword,merge,split"`
	ProposalIDs []string          `json:"proposal_ids" minItems:"1" maxItems:"20" maxLength:"36" doc:"One proposal to reword or split, 2–20 to merge."`
	Texts       []proposalRequest `json:"texts" minItems:"1" maxItems:"10" doc:"One text for reword and merge, 2–10 for split."`
}

// proposalsBody answers a rewrite with the new proposals.
type proposalsBody struct {
	Proposals []*engine.Proposal `json:"proposals"`
}

func (a *API) registerProposals() {
	huma.Register(a.huma, op("addProposal", http.MethodPost, "/rounds/{roundId}/proposals", "Proposals",
		"Add a proposal to a round that is open for proposals"),
		func(ctx context.Context, in *struct {
			RoundPath
			Body proposalRequest
		}) (*out[*engine.Proposal], error) {
			return bodyOf(a.eng.AddProposal(ctx, actorFrom(ctx), in.id(), in.Body.input()))
		})

	huma.Register(a.huma, op("listProposals", http.MethodGet, "/groups/{groupId}/proposals", "Proposals",
		"List the group's proposals you may see, with their lineage"),
		func(ctx context.Context, in *struct{ GroupPath }) (*listOutput[*engine.ProposalView], error) {
			return listOf(a.eng.ListProposals(ctx, actorFrom(ctx), in.id()))
		})

	huma.Register(a.huma, with(op("moderateProposal", http.MethodPost, "/proposals/{proposalId}/moderation", "Proposals",
		"Hide a harmful proposal with a reason its author sees, or restore it"), status(http.StatusOK)),
		func(ctx context.Context, in *struct {
			ProposalPath
			Body moderationRequest
		}) (*out[*engine.Proposal], error) {
			return bodyOf(a.eng.ModerateProposal(ctx, actorFrom(ctx), in.id(), in.Body.Action, in.Body.Reason))
		})

	huma.Register(a.huma, op("rewriteProposals", http.MethodPost, "/rounds/{roundId}/rewrites", "Proposals",
		"Reword, merge or split proposals; the new ones supersede the old and keep their lineage"),
		func(ctx context.Context, in *struct {
			RoundPath
			Body rewriteRequest
		}) (*out[proposalsBody], error) {
			texts := make([]engine.ProposalInput, len(in.Body.Texts))
			for i, t := range in.Body.Texts {
				texts[i] = t.input()
			}
			ps, err := a.eng.RewriteProposals(ctx, actorFrom(ctx), engine.LineageInput{Kind: in.Body.Kind,
				ProposalIDs: in.Body.ProposalIDs, Texts: texts, RoundID: in.id()})
			return bodyOf(proposalsBody{Proposals: ps}, err)
		})
}
