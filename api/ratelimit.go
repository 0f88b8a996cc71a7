package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
)

// RateLimit bounds requests to the entry points an anonymous client can
// hammer: sign up, log in, join and invite preview (password guessing and
// invite-token guessing). Each route counts separately per client IP
// (behind a proxy, set fiber.Config.ProxyHeader and trusted proxies).
type RateLimit struct {
	// Max is how many requests a client may make to one limited route per
	// Window; 0 disables rate limiting.
	Max int
	// Window is the counting window (default 1 minute).
	Window time.Duration
	// Storage, when set, shares the counts between instances; by default
	// each process counts on its own.
	Storage fiber.Storage
}

// limitedRoutes are the rate-limited operations, as method and path
// under the prefix (kept beside the operations they guard, see
// accounts.go and invites.go).
var limitedRoutes = []struct{ method, path string }{
	{http.MethodPost, pathSignUp},
	{http.MethodPost, pathLogIn},
	{http.MethodPost, pathJoin},
	{http.MethodPost, pathPreviewInvite},
	{http.MethodPost, pathUseSignInLink},
	{http.MethodPost, "/sign-in-links/preview"},
}

// mountRateLimits puts a limiter in front of each limited route. fiber
// runs same-path handlers in registration order, so these must be
// registered before the operations; each calls Next to reach them.
func (a *API) mountRateLimits(g fiber.Router) {
	if a.limit.Max <= 0 {
		return
	}
	window := a.limit.Window
	if window <= 0 {
		window = time.Minute
	}
	for _, r := range limitedRoutes {
		key := r.method + " " + r.path + " "
		g.Add(r.method, r.path, limiter.New(limiter.Config{
			Max:          a.limit.Max,
			Expiration:   window,
			Storage:      a.limit.Storage,
			KeyGenerator: func(c *fiber.Ctx) string { return key + c.IP() },
			LimitReached: func(c *fiber.Ctx) error {
				p := newProblem(http.StatusTooManyRequests, CodeRateLimited,
					"Too many attempts from this connection. Please wait a little and try again.")
				if ra := string(c.Response().Header.Peek(fiber.HeaderRetryAfter)); ra == "" {
					c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(window.Seconds())))
				}
				return writeProblem(c, p)
			},
		}))
	}
}
