package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/allvoice/allvoice/engine"
)

// Paths of the rate-limited entry points (see ratelimit.go).
const (
	pathSignUp = "/auth/signup"
	pathLogIn  = "/auth/login"
)

type signUpRequest struct {
	Email    string `json:"email" maxLength:"254" doc:"The account's email address; it is how the account signs in."`
	Name     string `json:"name" maxLength:"80" doc:"How the account is named to others."`
	Password string `json:"password" minLength:"12" maxLength:"256" doc:"At least 12 characters."`
}

type logInRequest struct {
	Email    string `json:"email" maxLength:"254"`
	Password string `json:"password" maxLength:"1024"`
}

// sessionBody answers sign-up and log-in with the new session's secret.
type sessionBody struct {
	Account *engine.Account `json:"account"`
	Token   string          `json:"token" doc:"The session token, shown once: send it as 'Authorization: Bearer <token>'."`
}

type apiTokenRequest struct {
	Name string `json:"name" maxLength:"80" doc:"What the token is for, e.g. 'survey import script'."`
}

type apiTokenBody struct {
	Token string `json:"token" doc:"The API token, shown once: send it as 'Authorization: Bearer <token>'."`
}

func (a *API) registerAccounts() {
	huma.Register(a.huma, with(op("signUp", http.MethodPost, pathSignUp, "Accounts",
		"Create an account (facilitators, evaluators, safeguarding leads) and sign it in"), func(o *huma.Operation) { o.Security = public }),
		func(ctx context.Context, in *struct{ Body signUpRequest }) (*out[sessionBody], error) {
			acct, token, err := a.eng.SignUp(ctx, engine.SignUpInput{Email: in.Body.Email, Name: in.Body.Name, Password: in.Body.Password})
			return bodyOf(sessionBody{Account: acct, Token: token}, err)
		})

	huma.Register(a.huma, with(op("logIn", http.MethodPost, pathLogIn, "Accounts",
		"Sign in with email and password; returns a new session token"), func(o *huma.Operation) {
		o.Security = public
		o.DefaultStatus = http.StatusOK
	}),
		func(ctx context.Context, in *struct{ Body logInRequest }) (*out[sessionBody], error) {
			acct, token, err := a.eng.LogIn(ctx, in.Body.Email, in.Body.Password)
			return bodyOf(sessionBody{Account: acct, Token: token}, err)
		})

	huma.Register(a.huma, with(op("logOut", http.MethodPost, "/auth/logout", "Accounts",
		"End the session or revoke the token used for this request"), status(http.StatusNoContent)),
		func(ctx context.Context, _ *struct{}) (*noContent, error) {
			return none(a.eng.LogOut(ctx, actorFrom(ctx)))
		})

	huma.Register(a.huma, op("whoAmI", http.MethodGet, "/auth/me", "Accounts",
		"Who is signed in: the account, or the member who joined by invite"),
		func(ctx context.Context, _ *struct{}) (*out[*engine.Me], error) {
			return bodyOf(a.eng.WhoAmI(ctx, actorFrom(ctx)))
		})

	huma.Register(a.huma, op("createApiToken", http.MethodPost, "/auth/tokens", "Accounts",
		"Issue a named API token for the signed-in account"),
		func(ctx context.Context, in *struct{ Body apiTokenRequest }) (*out[apiTokenBody], error) {
			token, err := a.eng.CreateAPIToken(ctx, actorFrom(ctx), in.Body.Name)
			return bodyOf(apiTokenBody{Token: token}, err)
		})
}
