package api

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humafiber"
	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/allvoice/allvoice/engine"
)

// Prefix is where the JSON API lives.
const Prefix = "/api/v1"

// Body size limits. BodyLimit is what the server should set as
// fiber.Config.BodyLimit: the largest body any operation accepts (a Polis
// import), so fiber refuses anything bigger before reading it all.
const (
	maxBodyBytes     = 256 << 10 // ordinary operations: the longest text fields fit many times over
	maxBulkBodyBytes = 4 << 20   // bulk ratings: 500 ratings with long reasons
	maxImportBytes   = 64 << 20  // Polis exports: the largest open conversation's votes.csv is ~60 MB
	// BodyLimit is the fiber.Config.BodyLimit the server should use.
	BodyLimit = maxImportBytes + 1<<20
)

// Config configures the API.
type Config struct {
	// Engine runs every use case. Required.
	Engine *engine.Engine
	// Logger receives one line per request and the causes of failures;
	// defaults to slog.Default().
	Logger *slog.Logger
	// Registry receives http_request_duration_seconds and is what /metrics
	// serves. When nil, New makes one with the Go and process collectors.
	Registry *prometheus.Registry
	// RateLimit bounds sign-up, log-in, join and invite preview per client.
	RateLimit RateLimit
	// SecureCookies says the site is served over HTTPS, which puts the
	// __Host- prefix on the session cookie's name.
	SecureCookies bool
	// Version is the API version shown in the OpenAPI document.
	Version string
	// RequestTimeout bounds each operation (default 30 s), so requests do
	// not pile up behind a database that stopped answering. Live event
	// streams are not bounded by it.
	RequestTimeout time.Duration
}

// API is Allvoice's JSON API. Create it with New and mount it with Register.
type API struct {
	eng        *engine.Engine
	log        *slog.Logger
	reg        *prometheus.Registry
	duration   *prometheus.HistogramVec
	limit      RateLimit
	cookieName string
	version    string
	timeout    time.Duration
	huma       huma.API
	streams    streams
}

// New returns an API over cfg.Engine.
func New(cfg Config) *API {
	a := &API{eng: cfg.Engine, log: cfg.Logger, reg: cfg.Registry, limit: cfg.RateLimit,
		cookieName: SessionCookieName(cfg.SecureCookies), version: cfg.Version, timeout: cfg.RequestTimeout}
	if a.timeout <= 0 {
		a.timeout = 30 * time.Second
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.reg == nil {
		a.reg = newRegistry()
	}
	if a.version == "" {
		a.version = "1.0.0"
	}
	a.duration = newDuration(a.reg)
	return a
}

// Registry returns the Prometheus registry /metrics serves, so the server
// can add its own collectors (database pool statistics).
func (a *API) Registry() *prometheus.Registry { return a.reg }

// OpenAPI returns the OpenAPI 3.1 document of the operations, once
// Register has run; nil before.
func (a *API) OpenAPI() *huma.OpenAPI {
	if a.huma == nil {
		return nil
	}
	return a.huma.OpenAPI()
}

// Register mounts on app: /healthz, /readyz, /metrics, and the JSON API
// under /api/v1 with its OpenAPI document at /api/v1/openapi.json. It
// should be called once, before any catch-all route of the server. The
// server should build app with ErrorHandler (for paths under /api/) and
// BodyLimit from this package.
func (a *API) Register(app *fiber.App) {
	app.Get("/healthz", a.Observe, securityHeaders, a.healthz)
	app.Get("/readyz", a.Observe, securityHeaders, a.readyz)
	app.Get("/metrics", a.Observe, securityHeaders, a.metricsHandler())

	g := app.Group(Prefix, a.Observe, securityHeaders)
	a.mountRateLimits(g)
	a.huma = humafiber.NewV2WithGroup(app, g, a.humaConfig())
	a.huma.UseMiddleware(a.authenticate)
	a.registerOperations()
	// Anything else under the prefix is a problem, not fiber's text page.
	g.Use(func(c *fiber.Ctx) error {
		return writeProblem(c, newProblem(http.StatusNotFound, engine.ENOTFOUND, "There is no such endpoint in this API."))
	})
}

// humaConfig is huma's configuration: OpenAPI 3.1 at /openapi.json (huma
// also serves /openapi.yaml and a 3.0 downgrade), no documentation page
// (it would load a renderer from a CDN), no $schema links in responses,
// unknown query parameters refused, and the two ways to authenticate.
func (a *API) humaConfig() huma.Config {
	cfg := huma.DefaultConfig("Allvoice API", a.version)
	cfg.Info.Description = "The JSON API of Allvoice, a survey and deliberation engine for co-design groups. " +
		"Every error is application/problem+json (RFC 9457) with a list of the fields that failed and the rule each broke."
	cfg.Servers = []*huma.Server{{URL: Prefix}}
	cfg.DocsPath = ""
	cfg.SchemasPath = ""
	cfg.CreateHooks = nil
	cfg.RejectUnknownQueryParameters = true
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		schemeBearer: {Type: "http", Scheme: "bearer",
			Description: "An API token, the session token returned by log in, or the member session token returned by join."},
		schemeCookie: {Type: "apiKey", In: "cookie", Name: a.cookieName,
			Description: "The session cookie the web pages set. Unsafe methods must then come from the same origin."},
	}
	return cfg
}

// Security scheme names in the OpenAPI document.
const (
	schemeBearer = "bearer"
	schemeCookie = "cookie"
)
