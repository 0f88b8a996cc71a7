package frontend

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/allvoice/allvoice/engine"
)

const actorKey = "allvoice.actor"

// memberCookieLife matches the engine's default member session: members
// join once by link and stay signed in on their device.
const memberCookieLife = 180 * 24 * time.Hour

// loadActor turns the session cookie into an engine.Actor for the
// handlers. A cookie the engine no longer accepts is removed, so the
// person is treated as signed out rather than shown errors.
func (f *Frontend) loadActor(c *fiber.Ctx) error {
	tok := c.Cookies(f.sessionCookieName())
	if tok == "" {
		return c.Next()
	}
	actor, err := f.eng.Authenticate(c.UserContext(), tok)
	switch engine.ErrorCode(err) {
	case "":
		c.Locals(actorKey, actor)
	case engine.EUNAUTHORIZED:
		f.clearSession(c)
	default:
		return f.renderError(c, err)
	}
	return c.Next()
}

// actorOf returns the request's actor; the zero Actor when signed out.
func actorOf(c *fiber.Ctx) engine.Actor {
	a, _ := c.Locals(actorKey).(engine.Actor)
	return a
}

// setSession stores a new session secret in the cookie. Members keep the
// cookie for months; accounts get a browser-session cookie.
func (f *Frontend) setSession(c *fiber.Ctx, token string, member bool) {
	ck := &fiber.Cookie{Name: f.sessionCookieName(), Value: token, Path: "/", Secure: f.secure,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode}
	if member {
		ck.Expires = time.Now().Add(memberCookieLife)
	} else {
		ck.SessionOnly = true
	}
	c.Cookie(ck)
}

// clearSession removes the session cookie.
func (f *Frontend) clearSession(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: f.sessionCookieName(), Value: "", Path: "/", Secure: f.secure, HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Unix(1, 0)})
	c.Locals(actorKey, engine.Actor{})
}
