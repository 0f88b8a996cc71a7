package api

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humafiber"

	"github.com/allvoice/allvoice/engine"
)

// SessionCookie is the name of the session cookie the web pages set. With
// secure cookies it carries the __Host- prefix, which browsers accept only
// with Secure, Path=/ and no Domain, so a sibling subdomain cannot plant
// or overwrite it.
const SessionCookie = "allvoice_session"

// SessionCookieName returns the session cookie's name for the setting.
func SessionCookieName(secure bool) string {
	if secure {
		return "__Host-" + SessionCookie
	}
	return SessionCookie
}

type actorKey struct{}

// actorFrom returns the actor the authentication middleware established;
// the zero Actor (anonymous) when there is none.
func actorFrom(ctx context.Context) engine.Actor {
	a, _ := ctx.Value(actorKey{}).(engine.Actor)
	return a
}

// authenticate is huma middleware that turns the request's credential
// into an engine.Actor for the handlers. It decides only who is asking;
// what they may do is the engine's decision.
//
// A bearer token (API token, member session from joining, account session
// from logging in) that does not authenticate is refused with 401. The
// session cookie authenticates the same way, but an invalid cookie leaves
// the request anonymous (a stale cookie must not stop someone joining),
// and a cookie-authenticated unsafe request must come from this origin:
// browsers attach cookies to cross-site requests, bearer headers they
// never add by themselves.
func (a *API) authenticate(ctx huma.Context, next func(huma.Context)) {
	requestInfoFrom(ctx.Context()).route = humafiber.UnwrapV2(ctx).Route().Path
	tctx, cancel := context.WithTimeout(ctx.Context(), a.timeout)
	defer cancel()
	ctx = huma.WithContext(ctx, tctx)
	var actor engine.Actor
	if h := ctx.Header("Authorization"); h != "" {
		token, ok := bearerToken(h)
		if !ok {
			a.refuse(ctx, http.StatusUnauthorized, engine.EUNAUTHORIZED, "Send credentials as 'Authorization: Bearer <token>'.",
				ProblemField{Field: "Authorization", Location: "header.Authorization", Rule: "must be 'Bearer' followed by a token"})
			return
		}
		act, err := a.eng.Authenticate(ctx.Context(), token)
		if err != nil {
			_ = huma.WriteErr(a.huma, ctx, http.StatusInternalServerError, "authenticate", err)
			return
		}
		actor = act
	} else if ck, err := huma.ReadCookie(ctx, a.cookieName); err == nil && ck.Value != "" {
		act, err := a.eng.Authenticate(ctx.Context(), ck.Value)
		switch {
		case err == nil:
			if unsafeMethod(ctx.Method()) && !sameOrigin(ctx) {
				a.refuse(ctx, http.StatusForbidden, CodeCrossOrigin, "This request came from another site and was refused.",
					ProblemField{Field: "Origin", Location: "header.Origin", Rule: "must be this site for requests signed in with a cookie"})
				return
			}
			actor = act
		case engine.ErrorCode(err) != engine.EUNAUTHORIZED:
			_ = huma.WriteErr(a.huma, ctx, http.StatusInternalServerError, "authenticate", err)
			return
		}
	}
	next(huma.WithValue(ctx, actorKey{}, actor))
}

// refuse writes a problem from middleware.
func (a *API) refuse(ctx huma.Context, status int, code, detail string, fields ...ProblemField) {
	p := newProblem(status, code, detail)
	p.Errors = fields
	_ = huma.WriteErr(a.huma, ctx, status, detail, p)
}

// bearerToken extracts the token of an "Authorization: Bearer" header.
func bearerToken(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

func unsafeMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// sameOrigin is the check of Go's net/http.CrossOriginProtection: browsers
// that send Sec-Fetch-Site say where a request came from; otherwise the
// Origin header must name this host. A request with neither header is not
// from a browser that would attach cookies on its own.
func sameOrigin(ctx huma.Context) bool {
	if site := ctx.Header("Sec-Fetch-Site"); site != "" {
		return site == "same-origin" || site == "none"
	}
	origin := ctx.Header("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	return strings.EqualFold(u.Host, ctx.Host())
}
