package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/allvoice/allvoice/engine"
)

// healthz answers as long as the process serves requests: a liveness
// probe that never touches the database, so a slow database does not get
// healthy instances restarted.
func (a *API) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyTimeout bounds the readiness probe's database check.
const readyTimeout = 2 * time.Second

// readyz answers 503 while the database is unreachable, so a load
// balancer sends traffic elsewhere.
func (a *API) readyz(c *fiber.Ctx) error {
	// A database that accepts connections but never answers must read as
	// not ready within a probe's patience, not hang the probe.
	ctx, cancel := context.WithTimeout(c.UserContext(), readyTimeout)
	defer cancel()
	if err := a.eng.Ready(ctx); err != nil {
		if engine.ErrorCode(err) != engine.EUNAVAILABLE {
			err = &engine.Error{Code: engine.EUNAVAILABLE, Message: "The database is not reachable.", Err: err}
		}
		return writeProblem(c, problemFor(c.UserContext(), fiber.StatusServiceUnavailable, "not ready", err))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"status": "ready"})
}
