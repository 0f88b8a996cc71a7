package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/allvoice/allvoice/api"
	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/demo"
	"github.com/allvoice/allvoice/frontend"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("serve", &cfg, stderr)
	serveFlags(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)
	srv, err := newServer(ctx, &cfg, log)
	if err != nil {
		return err
	}
	defer srv.close()
	if cfg.Demo {
		if err := seedDemo(ctx, srv.store, cfg.Addr, stdout); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	fmt.Fprintf(stdout, "Allvoice %s is running at http://%s (database: %s). Press Ctrl+C to stop.\n", version, ln.Addr(), srv.db)
	return srv.serve(ctx, ln, cfg.ShutdownGrace)
}

// server is a running Allvoice: database, engine, live-update hub and the
// fiber app with the JSON API and the web pages.
type server struct {
	db     *bunstore.DB
	store  *bunstore.Store
	kv     *bunstore.KVStore
	hub    *engine.Hub
	engine *engine.Engine
	app    *fiber.App
	api    *api.API
	pages  *frontend.Frontend
	log    *slog.Logger
	stop   context.CancelFunc
	done   chan struct{}
}

// newServer opens the database, applies migrations when asked, and builds
// the engine and the fiber app.
func newServer(ctx context.Context, cfg *config, log *slog.Logger) (*server, error) {
	dbcfg := bunstore.Config{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir}
	db, err := bunstore.Open(ctx, dbcfg)
	if err != nil {
		return nil, err
	}
	if cfg.Migrate {
		applied, err := db.MigrateUp(ctx)
		if err != nil {
			db.Close()
			return nil, err
		}
		for _, m := range applied {
			log.Info("migration applied", "name", m)
		}
	}
	bg, stop := context.WithCancel(context.WithoutCancel(ctx))
	s := &server{db: db, store: bunstore.NewStore(db), kv: bunstore.NewKVStore(db, time.Minute), hub: engine.NewHub(),
		log: log, stop: stop, done: make(chan struct{})}
	relay, err := bunstore.NewRelay(db, dbcfg, s.hub, log)
	if err != nil {
		stop()
		db.Close()
		return nil, err
	}
	if relay != nil {
		s.hub.SetRelay(relay)
		go relay.Listen(bg)
	}
	s.engine = engine.New(engine.Config{Store: s.store, Events: s.hub})
	s.pages, err = frontend.New(frontend.Config{Engine: s.engine, Logger: log, Storage: s.kv, SecureCookies: cfg.SecureCookies})
	if err != nil {
		stop()
		db.Close()
		return nil, err
	}
	s.app = s.newApp(cfg)
	go s.schedule(bg)
	return s, nil
}

// newApp builds the fiber app: the JSON API and health endpoints first,
// then the web pages, which own every other path.
func (s *server) newApp(cfg *config) *fiber.App {
	s.api = api.New(api.Config{Engine: s.engine, Logger: s.log, SecureCookies: cfg.SecureCookies, Version: version,
		RateLimit: api.RateLimit{Max: cfg.RateLimit, Window: time.Minute, Storage: s.kv}})
	app := fiber.New(fiber.Config{
		DisableStartupMessage: true,
		BodyLimit:             api.BodyLimit,
		ReadTimeout:           30 * time.Second,
		IdleTimeout:           2 * time.Minute,
		ErrorHandler: func(c *fiber.Ctx, err error) error {
			if strings.HasPrefix(c.Path(), "/api/") {
				return api.ErrorHandler(c, err)
			}
			return pageError(c, err)
		},
	})
	app.Use(recover.New())
	s.api.Register(app)
	if cfg.RateLimit > 0 {
		app.Use(pageRateLimit(cfg.RateLimit, s.kv))
	}
	s.pages.Register(app)
	app.Use(s.pages.NotFound)
	return app
}

// pageRateLimit bounds the pages' sign-in, sign-up and join forms per
// address, like the API's limits on the same use cases, with the counts
// kept in the database so every instance shares them.
func pageRateLimit(max int, store fiber.Storage) fiber.Handler {
	return limiter.New(limiter.Config{
		Max:        max,
		Expiration: time.Minute,
		Storage:    store,
		Next: func(c *fiber.Ctx) bool {
			p := c.Path()
			return c.Method() != fiber.MethodPost || !(p == "/login" || p == "/signup" || p == "/join" || strings.HasPrefix(p, "/join/"))
		},
		KeyGenerator: func(c *fiber.Ctx) string { return "pages-limit:" + c.IP() },
		LimitReached: func(c *fiber.Ctx) error {
			c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
			return c.Status(fiber.StatusTooManyRequests).SendString("Too many attempts. Please wait a minute and try again.")
		},
	})
}

// pageError answers a failure fiber itself raised outside the JSON API (a
// body over the limit, a method not allowed, a recovered panic) in plain
// words; the pages render their own errors.
func pageError(c *fiber.Ctx, err error) error {
	code := fiber.StatusInternalServerError
	msg := "Something went wrong on our side. Please try again."
	var fe *fiber.Error
	if errors.As(err, &fe) && fe.Code < 500 {
		code, msg = fe.Code, fe.Message
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	return c.Status(code).SendString(msg)
}

// schedule opens and closes rounds at their scheduled times.
func (s *server) schedule(ctx context.Context) {
	defer close(s.done)
	t := time.NewTicker(15 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := s.engine.RunSchedule(ctx); err != nil {
				s.log.Warn("scheduled round changes failed", "code", engine.ErrorCode(err))
			} else if n > 0 {
				s.log.Info("scheduled round changes", "rounds", n)
			}
		}
	}
}

// serve answers requests on ln until ctx ends, then drains in-flight
// requests for at most grace.
func (s *server) serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- s.app.Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", grace.String())
	s.stop() // ends background work and live streams first, so they do not hold the drain
	s.api.Close()
	s.pages.Close()
	if err := s.app.ShutdownWithTimeout(grace); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func (s *server) close() {
	s.stop()
	<-s.done
	_ = s.kv.Close()
	_ = s.db.Close()
}

// seedDemo adds the demo group when the database has none and prints how
// to explore it.
func seedDemo(ctx context.Context, store engine.Store, addr string, out io.Writer) error {
	res, err := demo.Seed(ctx, store)
	switch {
	case engine.ErrorCode(errors.Unwrap(err)) == engine.ECONFLICT || engine.ErrorCode(err) == engine.ECONFLICT:
		fmt.Fprintf(out, "The demo group is already in this database.\n")
	case err != nil:
		return err
	default:
		fmt.Fprintf(out, "Added the demo group %q.\n  Join it as a new member: http://%s/join/%s\n", demo.GroupName, addr, res.InviteToken)
	}
	fmt.Fprintf(out, "  Sign in as its facilitator at http://%s/login with %s and password %s\n", addr, demo.FacilitatorEmail, demo.FacilitatorPassword)
	return nil
}
