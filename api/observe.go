package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/allvoice/allvoice/engine"
)

// RequestIDHeader carries the request id to and from clients.
const RequestIDHeader = "X-Request-Id"

// requestInfo travels in the request context so that any failure logged
// below the handlers carries the request id.
type requestInfo struct {
	id    string
	route string
	log   *slog.Logger
}

func (ri *requestInfo) logger() *slog.Logger {
	if ri.log == nil {
		return slog.Default()
	}
	return ri.log
}

type requestInfoKey struct{}

// observedKey marks a request already observed, so Observe can be mounted
// both globally by the server and on the API group without double counts.
type observedKey struct{}

func requestInfoFrom(ctx context.Context) *requestInfo {
	if ctx != nil {
		if ri, ok := ctx.Value(requestInfoKey{}).(*requestInfo); ok {
			return ri
		}
	}
	return &requestInfo{}
}

// requestID accepts a caller's id when it is short and plain, so ids can
// be followed across a proxy, and otherwise makes one.
func requestID(c *fiber.Ctx) string {
	if id := c.Get(RequestIDHeader); id != "" && len(id) <= 64 && plainID(id) {
		return strings.Clone(id) // fasthttp reuses the header buffer
	}
	if id, ok := c.Locals("requestid").(string); ok && id != "" && len(id) <= 64 && plainID(id) {
		return id
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func plainID(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// Observe is fiber middleware that gives each request an id (the
// X-Request-Id header), logs one line per request (method, route pattern,
// status, duration, request id — never the raw path, query, headers or
// bodies) and records http_request_duration_seconds. Register mounts it on
// the API's routes; the server may also mount it first with app.Use to
// observe every page, without counting API requests twice.
func (a *API) Observe(c *fiber.Ctx) error {
	if c.Locals(observedKey{}) != nil {
		return c.Next()
	}
	c.Locals(observedKey{}, true)
	start := time.Now()
	ri := &requestInfo{id: requestID(c), log: a.log}
	c.Set(RequestIDHeader, ri.id)
	c.SetUserContext(context.WithValue(c.UserContext(), requestInfoKey{}, ri))
	if err := nextRecovering(c); err != nil {
		// The error handler normally runs after middleware returns; run it
		// now so the status is known, as fiber's logger does.
		if herr := c.App().Config().ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	elapsed := time.Since(start)
	status := c.Response().StatusCode()
	route := c.Route().Path
	ri.route = route
	method := methodLabel(c.Method())
	a.duration.WithLabelValues(method, route, strconv.Itoa(status)).Observe(elapsed.Seconds())
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	if a.log.Enabled(c.UserContext(), level) {
		a.log.LogAttrs(c.UserContext(), level, "request",
			slog.String("method", method),
			slog.String("route", route),
			slog.Int("status", status),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			slog.String("request_id", ri.id))
	}
	return nil
}

// methodLabel returns a constant for the method: fiber's c.Method() points
// into a buffer fasthttp reuses, and a metric label outlives the request.
// Unknown methods share one label, which also bounds the series.
func methodLabel(m string) string {
	for _, known := range []string{fiber.MethodGet, fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch,
		fiber.MethodDelete, fiber.MethodHead, fiber.MethodOptions} {
		if m == known {
			return known
		}
	}
	return "OTHER"
}

// nextRecovering runs the rest of the chain, turning a panic into a
// generic 500 problem: the panic and its stack are logged here, once, and
// the client learns nothing of it. huma does not recover handler panics,
// and an unrecovered panic in fasthttp's worker would end the process.
func nextRecovering(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			logFailure(c.UserContext(), slog.LevelError, "panic", fmt.Errorf("%v\n%s", r, debug.Stack()))
			err = newProblem(fiber.StatusInternalServerError, engine.EINTERNAL, genericInternal)
		}
	}()
	return c.Next()
}
