package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/allvoice/allvoice/engine"
)

// Paths of the rate-limited invite entry points (see ratelimit.go). The
// invite token travels in the body, never in a URL that proxies log.
const (
	pathJoin          = "/join"
	pathPreviewInvite = "/invites/preview"
)

type inviteRequest struct {
	Kind           string `json:"kind,omitempty" enum:"single_use,reusable" doc:"Single-use (default) or reusable."`
	Role           string `json:"role,omitempty" enum:"member,facilitator,observer,evaluator,safeguarding_lead" doc:"The role of whoever joins (default member)."`
	Perspective    string `json:"perspective,omitempty" maxLength:"80" doc:"Given to everyone who joins by this link; one of the group's perspectives."`
	Label          string `json:"label,omitempty" maxLength:"80" doc:"A note for facilitators, e.g. 'carers' evening'."`
	MaxUses        int    `json:"max_uses,omitempty" minimum:"1" maximum:"10000" doc:"How many people a reusable invite admits (default 100)."`
	ExpiresInHours int    `json:"expires_in_hours,omitempty" minimum:"1" maximum:"2160" doc:"How long the link works (default 14 days, at most 90)."`
}

// inviteBody answers the creation of an invite with its secret token.
type inviteBody struct {
	Invite *engine.Invite `json:"invite"`
	Token  string         `json:"token" doc:"The invite token, shown once: it goes into the link members follow."`
}

type inviteTokenRequest struct {
	Token string `json:"token" maxLength:"200" doc:"The token from the invite link."`
}

type joinRequest struct {
	Token           string `json:"token" maxLength:"200" doc:"The token from the invite link."`
	DisplayName     string `json:"display_name" maxLength:"80" doc:"How you appear in the group; any name you like."`
	Perspective     string `json:"perspective,omitempty" maxLength:"80" doc:"Optional: the perspective you bring, one of the group's."`
	ResearchConsent bool   `json:"research_consent,omitempty" doc:"Your ratings may appear, pseudonymised, in research exports."`
	ReasonsConsent  bool   `json:"reasons_consent,omitempty" doc:"Your reasons may appear in research exports."`
	AccessNeeds     string `json:"access_needs,omitempty" maxLength:"2000" doc:"Optional: anything that helps you take part, e.g. 'large text'."`
	IdempotencyKey  string `json:"idempotency_key,omitempty" maxLength:"100" doc:"Makes a retried join find the member the first attempt made (within an hour), with a new session, instead of making a second member."`
}

// joinBody answers a join with the new member and, for people without an
// account, their member session.
type joinBody struct {
	Member *engine.Member `json:"member"`
	Token  string         `json:"token,omitempty" doc:"The member session token, shown once; absent when a signed-in account joined."`
}

func (a *API) registerInvites() {
	huma.Register(a.huma, op("createInvite", http.MethodPost, "/groups/{groupId}/invites", "Invites",
		"Create an invite link; the token is returned once"),
		func(ctx context.Context, in *struct {
			GroupPath
			Body inviteRequest
		}) (*out[inviteBody], error) {
			b := in.Body
			inv, token, err := a.eng.CreateInvite(ctx, actorFrom(ctx), in.id(), engine.InviteInput{Kind: b.Kind, Role: b.Role,
				Perspective: b.Perspective, Label: b.Label, MaxUses: b.MaxUses, ExpiresIn: time.Duration(b.ExpiresInHours) * time.Hour})
			return bodyOf(inviteBody{Invite: inv, Token: token}, err)
		})

	huma.Register(a.huma, op("listInvites", http.MethodGet, "/groups/{groupId}/invites", "Invites",
		"List the group's invites"),
		func(ctx context.Context, in *struct{ GroupPath }) (*listOutput[*engine.Invite], error) {
			return listOf(a.eng.ListInvites(ctx, actorFrom(ctx), in.id()))
		})

	huma.Register(a.huma, op("revokeInvite", http.MethodDelete, "/invites/{inviteId}", "Invites",
		"Stop an invite link from working"),
		func(ctx context.Context, in *struct{ InvitePath }) (*noContent, error) {
			return none(a.eng.RevokeInvite(ctx, actorFrom(ctx), in.id()))
		})

	huma.Register(a.huma, with(op("previewInvite", http.MethodPost, pathPreviewInvite, "Invites",
		"Describe the group an invite token leads to, before joining"), func(o *huma.Operation) {
		o.Security = public
		o.DefaultStatus = http.StatusOK
	}),
		func(ctx context.Context, in *struct{ Body inviteTokenRequest }) (*out[*engine.InvitePreview], error) {
			return bodyOf(a.eng.PreviewInvite(ctx, in.Body.Token))
		})

	huma.Register(a.huma, with(op("join", http.MethodPost, pathJoin, "Invites",
		"Join a group by invite token; returns the member and a member session token"), func(o *huma.Operation) { o.Security = optional }),
		func(ctx context.Context, in *struct{ Body joinRequest }) (*out[joinBody], error) {
			b := in.Body
			m, token, err := a.eng.Join(ctx, actorFrom(ctx), engine.JoinInput{Token: b.Token, DisplayName: b.DisplayName,
				Perspective: b.Perspective, ResearchConsent: b.ResearchConsent, ReasonsConsent: b.ReasonsConsent, AccessNeeds: b.AccessNeeds, JoinKey: b.IdempotencyKey})
			return bodyOf(joinBody{Member: m, Token: token}, err)
		})
}
