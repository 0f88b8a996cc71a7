package frontend

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/csrf"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/utils"
)

// csrfKey is where the CSRF middleware leaves the request's token for the
// templates (a hidden _csrf field in every form, and a header for htmx).
const csrfKey = "allvoice.csrf"

// securityHeaders sets helmet's headers with Allvoice's CSP. The referrer
// policy is same-origin, not helmet's no-referrer: over HTTPS the CSRF
// middleware rejects a form post that carries no same-origin Referer.
func securityHeaders() fiber.Handler {
	return helmet.New(helmet.Config{
		ContentSecurityPolicy: ContentSecurityPolicy,
		ReferrerPolicy:        "same-origin",
		PermissionPolicy:      "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
		XFrameOptions:         "DENY",
	})
}

// csrfMiddleware protects every form with a double-submit token kept in
// storage. The token comes from the _csrf form field (forms without
// JavaScript) or the X-Csrf-Token header (htmx requests).
func (f *Frontend) csrfMiddleware(storage fiber.Storage, exp time.Duration) fiber.Handler {
	name := csrfCookie
	if f.secure {
		name = secureCSRFCookie
	}
	return csrf.New(csrf.Config{
		Storage:        storage,
		CookieName:     name,
		CookiePath:     "/",
		CookieSecure:   f.secure,
		CookieHTTPOnly: true,
		CookieSameSite: "Lax",
		Expiration:     exp,
		ContextKey:     csrfKey,
		Extractor: func(c *fiber.Ctx) (string, error) {
			// The token becomes a storage key; fasthttp reuses the
			// request's memory, so it is copied.
			if tok := c.FormValue("_csrf"); tok != "" {
				return utils.CopyString(tok), nil
			}
			if tok := c.Get(csrf.HeaderName); tok != "" {
				return utils.CopyString(tok), nil
			}
			return "", csrf.ErrTokenNotFound
		},
		ErrorHandler: func(c *fiber.Ctx, err error) error {
			return f.renderStatus(c, fiber.StatusForbidden, "error.csrf")
		},
	})
}

// csrfToken returns the request's CSRF token.
func csrfToken(c *fiber.Ctx) string {
	tok, _ := c.Locals(csrfKey).(string)
	return tok
}

// staticHeaders marks the embedded files nosniff, so that a browser runs
// only what is served as a script and never takes a stylesheet or an
// image for one.
func staticHeaders(c *fiber.Ctx) error {
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	return c.Next()
}

// bounded gives each page's work a deadline (see Config.RequestTimeout).
func bounded(timeout time.Duration) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx, cancel := context.WithTimeout(c.UserContext(), timeout)
		defer cancel()
		c.SetUserContext(ctx)
		return c.Next()
	}
}
