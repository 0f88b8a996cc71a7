package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/allvoice/allvoice/engine"
)

// pathUseSignInLink is rate-limited like joining: it turns a secret into a
// session (see ratelimit.go).
const pathUseSignInLink = "/sign-in-links/use"

type signInLinkRequest struct {
	Token string `json:"token" maxLength:"200" doc:"The token of the sign-in link."`
}

func (a *API) registerSignInLinks() {
	huma.Register(a.huma, with(op("createSignInLink", http.MethodPost, "/members/{memberId}/sign-in-links", "Members",
		"Make a single-use sign-in link for a member's other or new device (works for 24 hours); the token is returned once"),
		status(http.StatusCreated)),
		func(ctx context.Context, in *struct{ MemberPath }) (*out[*engine.SignInLink], error) {
			return bodyOf(a.eng.CreateSignInLink(ctx, actorFrom(ctx), in.id()))
		})

	huma.Register(a.huma, with(op("previewSignInLink", http.MethodPost, "/sign-in-links/preview", "Members",
		"Say whom a sign-in link signs in as, without using it"), func(o *huma.Operation) {
		o.Security = public
		o.DefaultStatus = http.StatusOK
	}),
		func(ctx context.Context, in *struct{ Body signInLinkRequest }) (*out[*engine.Member], error) {
			return bodyOf(a.eng.PreviewSignInLink(ctx, in.Body.Token))
		})

	huma.Register(a.huma, with(op("useSignInLink", http.MethodPost, pathUseSignInLink, "Members",
		"Use a sign-in link: it stops working, and the answer carries a new member session token"), func(o *huma.Operation) {
		o.Security = public
		o.DefaultStatus = http.StatusOK
	}),
		func(ctx context.Context, in *struct{ Body signInLinkRequest }) (*out[joinBody], error) {
			m, token, err := a.eng.UseSignInLink(ctx, in.Body.Token)
			return bodyOf(joinBody{Member: m, Token: token}, err)
		})
}
