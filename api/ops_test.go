package api

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func withLog(w *syncBuffer) option {
	return func(_ *engine.Config, c *Config) {
		c.Logger = slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
}

func TestHealthAndReadiness(t *testing.T) {
	db := bunstoretest.SQLite(t)
	s := newServer(t, db)
	s.ok(call{method: http.MethodGet, path: "/healthz"}, http.StatusOK, nil)
	s.ok(call{method: http.MethodGet, path: "/readyz"}, http.StatusOK, nil)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// The database is gone: still alive, no longer ready.
	s.ok(call{method: http.MethodGet, path: "/healthz"}, http.StatusOK, nil)
	r := s.do(call{method: http.MethodGet, path: "/readyz"})
	if r.status != http.StatusServiceUnavailable || r.problem(t).Code != engine.EUNAVAILABLE || r.header.Get("Retry-After") == "" {
		t.Fatalf("readyz without a database: %d %s", r.status, r.body)
	}
}

// hungStore is a database that accepts connections and never answers.
type hungStore struct{ engine.Store }

func (hungStore) Ping(ctx context.Context) error {
	<-ctx.Done()
	return ctx.Err()
}

// TestReadinessGivesUpOnAHungDatabase: /readyz answers 503 within its
// own deadline when the database never answers, instead of holding the
// probe (the request has no other deadline).
func TestReadinessGivesUpOnAHungDatabase(t *testing.T) {
	s := newServer(t, bunstoretest.SQLite(t), func(ec *engine.Config, _ *Config) { ec.Store = hungStore{ec.Store} })
	done := make(chan reply, 1)
	go func() {
		r, err := s.send(call{method: http.MethodGet, path: "/readyz"})
		if err != nil {
			r = reply{status: -1, body: []byte(err.Error())}
		}
		done <- r
	}()
	select {
	case r := <-done:
		if r.status != http.StatusServiceUnavailable || r.problem(t).Code != engine.EUNAVAILABLE {
			t.Fatalf("readyz on a hung database: %d %s", r.status, r.body)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("readyz hung with the database")
	}
}

func TestMetrics(t *testing.T) {
	s := newServer(t, bunstoretest.SQLite(t))
	fac, _ := s.account("Metrics")
	g := s.group(fac, nil)
	s.ok(call{method: http.MethodGet, path: "/groups/" + g.ID, token: fac}, http.StatusOK, nil)
	s.do(call{method: http.MethodGet, path: "/groups/01900000-0000-7000-8000-000000000000", token: fac})
	r := s.ok(call{method: http.MethodGet, path: "/metrics"}, http.StatusOK, nil)
	text := string(r.body)
	for _, want := range []string{
		`http_request_duration_seconds_count{method="GET",route="/api/v1/groups/:groupId",status="200"} 1`,
		`http_request_duration_seconds_count{method="GET",route="/api/v1/groups/:groupId",status="404"} 1`,
		`http_request_duration_seconds_count{method="POST",route="/api/v1/auth/signup",status="201"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(text, g.ID) {
		t.Error("metrics are labelled by raw path")
	}
}

// TestLogsHoldNoSecrets runs requests carrying a password, tokens, a
// rating value and a reason, and checks the log names the route pattern,
// status and request id, and none of the secrets or content.
func TestLogsHoldNoSecrets(t *testing.T) {
	var logs syncBuffer
	s := newServer(t, bunstoretest.SQLite(t), withLog(&logs))
	fac, _ := s.account("Logger")
	g := s.group(fac, &settingsRequest{Scale: engine.ScaleLikert9})
	inv := s.invite(fac, g.ID, inviteRequest{})
	_, member := s.join(inv, "Secret Name", "")
	r := s.round(fac, g.ID, "Prompt")
	s.transition(fac, r.ID, "open")
	p := s.propose(member, r.ID, "A proposal text that must not be logged")
	s.transition(fac, r.ID, "rating")
	reply := s.ok(call{method: http.MethodPost, path: "/rounds/" + r.ID + "/ratings", token: member, header: map[string]string{RequestIDHeader: "trace-me-123"},
		body: ratingRequest{ProposalID: p.ID, Value: intp(8), Reason: "my private reason"}}, http.StatusCreated, nil)
	if reply.header.Get(RequestIDHeader) != "trace-me-123" {
		t.Errorf("request id not echoed: %q", reply.header.Get(RequestIDHeader))
	}
	out := logs.String()
	for _, secret := range []string{testPassword, fac, member, inv, "my private reason", "A proposal text", "Secret Name", `"value":8`} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q", secret)
		}
	}
	for _, want := range []string{`"route":"/api/v1/rounds/:roundId/ratings"`, `"status":201`, `"request_id":"trace-me-123"`, `"method":"POST"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s", want)
		}
	}
}

// failingStore fails session lookups with a driver error whose text
// must be logged and never sent.
type failingStore struct{ engine.Store }

var errDriver = errors.New("driver: connection reset by peer at 10.0.0.7")

func (failingStore) SessionByHash(context.Context, string) (*engine.Session, error) {
	return nil, errDriver
}

// TestInternalErrorsAreGeneric checks an unexpected failure is answered
// with a generic 500 problem while its cause is logged with the request id.
func TestInternalErrorsAreGeneric(t *testing.T) {
	var logs syncBuffer
	db := bunstoretest.SQLite(t)
	s := newServer(t, db, withLog(&logs), func(e *engine.Config, _ *Config) {
		e.Store = failingStore{Store: bunstore.NewStore(db)}
	})
	r := s.do(call{method: http.MethodGet, path: "/auth/me", token: "avs_whatever", header: map[string]string{RequestIDHeader: "req-500"}})
	p := r.problem(t)
	if r.status != http.StatusInternalServerError || p.Code != engine.EINTERNAL || strings.Contains(string(r.body), "10.0.0.7") {
		t.Fatalf("internal failure answered %d %s", r.status, r.body)
	}
	out := logs.String()
	if !strings.Contains(out, "10.0.0.7") || !strings.Contains(out, `"request_id":"req-500"`) || !strings.Contains(out, `"level":"ERROR"`) {
		t.Fatalf("cause not logged at error level with the request id: %s", out)
	}
}

func TestRateLimits(t *testing.T) {
	s := newServer(t, bunstoretest.SQLite(t), func(_ *engine.Config, c *Config) {
		c.RateLimit = RateLimit{Max: 3, Window: time.Minute}
	})
	for _, c := range []call{
		{method: http.MethodPost, path: "/auth/login", body: logInRequest{Email: "a@example.org", Password: "guess"}},
		{method: http.MethodPost, path: "/auth/signup", body: signUpRequest{Email: "bad", Name: "x", Password: "short"}},
		{method: http.MethodPost, path: "/join", body: joinRequest{Token: "avi_guess", DisplayName: "x"}},
		{method: http.MethodPost, path: "/invites/preview", body: inviteTokenRequest{Token: "avi_guess"}},
	} {
		for i := range 3 {
			if r := s.do(c); r.status == http.StatusTooManyRequests {
				t.Fatalf("%s: limited after %d requests", c.path, i)
			}
		}
		r := s.do(c)
		if r.status != http.StatusTooManyRequests || r.problem(t).Code != CodeRateLimited || r.header.Get("Retry-After") == "" {
			t.Fatalf("%s: 4th request: %d %s", c.path, r.status, r.body)
		}
	}
	// Other operations are not limited.
	for range 10 {
		if r := s.do(call{method: http.MethodGet, path: "/auth/me"}); r.status != http.StatusUnauthorized {
			t.Fatalf("whoami: %d", r.status)
		}
	}
}

func TestSessionCookieName(t *testing.T) {
	for _, tc := range []struct {
		secure bool
		want   string
	}{{false, "allvoice_session"}, {true, "__Host-allvoice_session"}} {
		if got := SessionCookieName(tc.secure); got != tc.want {
			t.Errorf("SessionCookieName(%v) = %q, want %q", tc.secure, got, tc.want)
		}
	}
	// With secure cookies only the __Host- cookie authenticates.
	s := newServer(t, bunstoretest.SQLite(t), func(_ *engine.Config, c *Config) { c.SecureCookies = true })
	fac, _ := s.account("Cookie")
	s.ok(call{method: http.MethodGet, path: "/auth/me", header: map[string]string{"Cookie": "__Host-allvoice_session=" + fac}}, http.StatusOK, nil)
	s.ok(call{method: http.MethodGet, path: "/auth/me", header: map[string]string{"Cookie": "allvoice_session=" + fac}}, http.StatusUnauthorized, nil)
}

func TestErrorMapper(t *testing.T) {
	ctx := context.WithValue(context.Background(), requestInfoKey{}, &requestInfo{log: slog.New(slog.DiscardHandler)})
	for _, tc := range []struct {
		err    error
		status int
		code   string
	}{
		{engine.Errorf(engine.EINVALID, "x"), 422, engine.EINVALID},
		{engine.Errorf(engine.ENOTFOUND, "x"), 404, engine.ENOTFOUND},
		{engine.Errorf(engine.ECONFLICT, "x"), 409, engine.ECONFLICT},
		{engine.Errorf(engine.EFORBIDDEN, "x"), 403, engine.EFORBIDDEN},
		{engine.Errorf(engine.EUNAUTHORIZED, "x"), 401, engine.EUNAUTHORIZED},
		{&engine.Error{Code: engine.EUNAVAILABLE, Message: "x", Err: errDriver}, 503, engine.EUNAVAILABLE},
		{&engine.Error{Code: engine.EINTERNAL, Message: "secret detail", Err: errDriver}, 500, engine.EINTERNAL},
		{&engine.Error{Code: "made_up", Message: "secret detail"}, 500, engine.EINTERNAL},
		{errDriver, 500, engine.EINTERNAL},
	} {
		p := problemFor(ctx, http.StatusInternalServerError, "handler failed", tc.err)
		if p.Status != tc.status || p.Code != tc.code {
			t.Errorf("%v → %d %s, want %d %s", tc.err, p.Status, p.Code, tc.status, tc.code)
		}
		if p.Status == 500 && (p.Detail != genericInternal || strings.Contains(p.Detail, "secret")) {
			t.Errorf("%v → detail %q, want the generic message", tc.err, p.Detail)
		}
	}
	fe := &engine.Error{Code: engine.EINVALID, Message: "bad", Fields: []engine.FieldError{{Field: "ratings[1].value", Rule: "must be 1–5"}}}
	if p := problemFor(ctx, 500, "", fe); len(p.Errors) != 1 || p.Errors[0].Field != "ratings[1].value" || p.Errors[0].Rule != "must be 1–5" {
		t.Errorf("field errors = %+v", p.Errors)
	}
}

// TestPanicsAndBodyLimit checks a handler panic and a body over fiber's
// BodyLimit both come out as problems, and the panic is logged.
func TestPanicsAndBodyLimit(t *testing.T) {
	var logs syncBuffer
	s := newServer(t, bunstoretest.SQLite(t), withLog(&logs))
	s.app.Get("/boom", s.api.Observe, func(c *fiber.Ctx) error { panic("kaboom") })
	r := s.do(call{method: http.MethodGet, path: "/boom"})
	if p := r.problem(t); r.status != http.StatusInternalServerError || p.Detail != genericInternal {
		t.Fatalf("panic answered %d %s", r.status, r.body)
	}
	if out := logs.String(); !strings.Contains(out, "kaboom") || !strings.Contains(out, "goroutine") {
		t.Fatalf("panic not logged with its stack: %s", out)
	}

	// fiber refuses a body over BodyLimit before any handler runs, through
	// the app's ErrorHandler; app.Test cannot see that answer, a listener can.
	small := fiber.New(fiber.Config{ErrorHandler: ErrorHandler, BodyLimit: 1024, DisableStartupMessage: true})
	s.api.Register(small)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = small.Listener(ln) }()
	defer small.Shutdown()
	resp, err := http.Post("http://"+ln.Addr().String()+Prefix+"/auth/login", "application/json", strings.NewReader(strings.Repeat("x", 4096)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r = reply{status: resp.StatusCode, body: raw, header: resp.Header}
	if p := r.problem(t); r.status != http.StatusRequestEntityTooLarge || p.Code != CodeTooLarge {
		t.Fatalf("body over BodyLimit answered %d %s", r.status, r.body)
	}
}

// stuckStore never answers a session lookup until the caller gives up.
type stuckStore struct{ engine.Store }

func (stuckStore) SessionByHash(ctx context.Context, _ string) (*engine.Session, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestRequestTimeout checks an operation stuck on the database ends with
// a problem once RequestTimeout passes, instead of hanging.
func TestRequestTimeout(t *testing.T) {
	db := bunstoretest.SQLite(t)
	s := newServer(t, db, func(e *engine.Config, c *Config) {
		e.Store = stuckStore{Store: bunstore.NewStore(db)}
		c.RequestTimeout = 20 * time.Millisecond
	})
	r := s.do(call{method: http.MethodGet, path: "/auth/me", token: "avs_stuck"})
	if p := r.problem(t); r.status < 500 || p.Detail == "" {
		t.Fatalf("stuck request answered %d %s", r.status, r.body)
	}
}
