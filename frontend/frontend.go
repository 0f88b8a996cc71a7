package frontend

import (
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/allvoice/allvoice/engine"
)

// Cookie names. With SecureCookies the __Host- prefix makes the browser
// insist on Secure, Path=/ and no Domain, so no subdomain can plant them.
const (
	SessionCookie       = "allvoice_session"
	SecureSessionCookie = "__Host-allvoice_session"
	csrfCookie          = "allvoice_csrf"
	secureCSRFCookie    = "__Host-allvoice_csrf"
)

// ContentSecurityPolicy is sent with every page. It allows nothing from
// other origins and no inline script or style, which is why charts use SVG
// presentation attributes and htmx is configured not to inject styles.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"

// Config configures the web pages.
type Config struct {
	// Engine runs every use case; required.
	Engine *engine.Engine
	// Logger receives request failures (never form bodies, ratings or
	// reasons); defaults to slog.Default().
	Logger *slog.Logger
	// Storage keeps CSRF tokens; the server passes a database-backed store
	// so tokens survive restarts and are shared between instances. Required.
	Storage fiber.Storage
	// SecureCookies marks cookies Secure and gives them the __Host- prefix;
	// set it whenever the site is served over HTTPS.
	SecureCookies bool
	// CSRFExpiration bounds an unused form token (default 24 h), so a member
	// who leaves a rating page open for an afternoon can still submit it.
	CSRFExpiration time.Duration
	// Heartbeat is the interval of keep-alive comments on live streams
	// (default 15 s); a failed write is how a gone client is noticed.
	Heartbeat time.Duration
	// PublicURL is the site's address as people reach it, such as
	// https://allvoice.example.org, used in invite links. Empty means the
	// address of the request, which behind a proxy may be an internal one.
	PublicURL string
	// RequestTimeout bounds the database work of each page (default 30 s),
	// so a database that stops answering gives people an error page, not a
	// page that never loads. Live streams and downloads, which outlive
	// their request, are not bound by it.
	RequestTimeout time.Duration
}

// Frontend serves Allvoice's web pages. Create it with New, add its routes
// with Register, and call Close when the server shuts down so that live
// streams end and graceful shutdown is not held up.
type Frontend struct {
	eng       *engine.Engine
	log       *slog.Logger
	secure    bool
	heartbeat time.Duration
	publicURL string
	cats      Catalogues
	views     *views
	assets    *assets
	chain     []fiber.Handler
	done      chan struct{}
	closeOnce sync.Once
	live      liveRenders
}

// New checks cfg, parses the embedded templates and catalogues, and returns
// the pages ready to Register.
func New(cfg Config) (*Frontend, error) {
	if cfg.Engine == nil {
		return nil, errors.New("frontend: Config.Engine is required")
	}
	if cfg.Storage == nil {
		return nil, errors.New("frontend: Config.Storage is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.CSRFExpiration <= 0 {
		cfg.CSRFExpiration = 24 * time.Hour
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = 15 * time.Second
	}
	cats, err := LoadCatalogues()
	if err != nil {
		return nil, err
	}
	as, err := loadAssets()
	if err != nil {
		return nil, err
	}
	vs, err := loadViews(cats, as)
	if err != nil {
		return nil, err
	}
	f := &Frontend{eng: cfg.Engine, log: cfg.Logger, secure: cfg.SecureCookies, heartbeat: cfg.Heartbeat,
		publicURL: strings.TrimRight(cfg.PublicURL, "/"), cats: cats, views: vs, assets: as, done: make(chan struct{})}
	timeout := cfg.RequestTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	f.chain = []fiber.Handler{securityHeaders(), bounded(timeout), f.csrfMiddleware(cfg.Storage, cfg.CSRFExpiration), f.loadActor}
	return f, nil
}

// Close ends every live stream. Call it before shutting the fiber app down;
// it is safe to call more than once.
func (f *Frontend) Close() {
	f.closeOnce.Do(func() { close(f.done) })
}

// SkipStreaming reports whether a request is for a live event stream. Pass
// it as the Next function of the etag and compress middleware: etag buffers
// a whole response, so an endless stream would never reach the browser.
func SkipStreaming(c *fiber.Ctx) bool {
	return strings.HasSuffix(c.Path(), "/events")
}

// baseURL is the site's address for links people take elsewhere.
func (f *Frontend) baseURL(c *fiber.Ctx) string {
	if f.publicURL != "" {
		return f.publicURL
	}
	return c.BaseURL()
}

// sessionCookieName returns the session cookie's name for this deployment.
func (f *Frontend) sessionCookieName() string {
	if f.secure {
		return SecureSessionCookie
	}
	return SessionCookie
}
