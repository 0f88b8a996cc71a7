package api

import "github.com/gofiber/fiber/v2"

// ContentSecurityPolicy is sent with every response of the API and the
// health endpoints: JSON loads nothing and is never framed, so a response
// opened in a browser tab can run nothing.
const ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// securityHeaders sets the headers every API response carries: no content
// sniffing (a JSON body is never run as a script or page), the CSP above,
// no framing, and no referrer (an API URL names groups and rounds).
func securityHeaders(c *fiber.Ctx) error {
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentSecurityPolicy, ContentSecurityPolicy)
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	return c.Next()
}
