package frontend

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// TestMain closes the browser the browser tests share. The tests use only
// SQLite, so there is no PostgreSQL cluster to stop.
func TestMain(m *testing.M) {
	code := m.Run()
	stopBrowser()
	os.Exit(code)
}

// memStorage is a fiber.Storage in memory, for tests.
type memStorage struct {
	mu sync.Mutex
	m  map[string]memEntry
}

type memEntry struct {
	v   []byte
	exp time.Time
}

func newMemStorage() *memStorage { return &memStorage{m: map[string]memEntry{}} }

func (s *memStorage) Get(k string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[k]
	if !ok || (!e.exp.IsZero() && time.Now().After(e.exp)) {
		return nil, nil
	}
	return e.v, nil
}

func (s *memStorage) Set(k string, v []byte, exp time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := memEntry{v: append([]byte(nil), v...)}
	if exp > 0 {
		e.exp = time.Now().Add(exp)
	}
	s.m[strings.Clone(k)] = e // keys may point into fasthttp's reused buffers
	return nil
}

func (s *memStorage) Delete(k string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, k)
	return nil
}

func (s *memStorage) Reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m = map[string]memEntry{}
	return nil
}

func (s *memStorage) Close() error { return nil }

// harness is a running Allvoice web server over a fresh SQLite database.
type harness struct {
	t    testing.TB
	eng  *engine.Engine
	hub  *engine.Hub
	fe   *Frontend
	app  *fiber.App
	base string
}

// newHarness serves the pages on 127.0.0.1 on a free port.
func newHarness(t testing.TB, opts ...func(*Config)) *harness {
	t.Helper()
	db := bunstoretest.SQLite(t)
	hub := engine.NewHub()
	eng := engine.New(engine.Config{Store: bunstore.NewStore(db), Events: hub})
	cfg := Config{Engine: eng, Storage: newMemStorage(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Heartbeat: 500 * time.Millisecond}
	for _, o := range opts {
		o(&cfg)
	}
	fe, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	if os.Getenv("ALLVOICE_TRACE_REQUESTS") == "1" {
		app.Use(func(c *fiber.Ctx) error {
			if !strings.HasPrefix(c.Path(), "/static/") {
				t.Logf("request %s %s hx=%q", c.Method(), c.Path(), c.Get("HX-Request"))
			}
			return c.Next()
		})
	}
	fe.Register(app)
	app.Use(fe.NotFound)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() {
		fe.Close()
		_ = app.ShutdownWithTimeout(5 * time.Second)
	})
	return &harness{t: t, eng: eng, hub: hub, fe: fe, app: app, base: "http://" + ln.Addr().String()}
}

// client is a browser-like HTTP client: it keeps cookies and the CSRF
// token of the last page, and does not follow redirects by itself.
type client struct {
	t    testing.TB
	h    *harness
	http *http.Client
	csrf string
}

func (h *harness) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: h.t, h: h, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// resp is a finished response with its body read.
type resp struct {
	*http.Response
	Body string
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (c *client) do(req *http.Request) *resp {
	c.t.Helper()
	r, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if m := csrfField.FindStringSubmatch(string(b)); m != nil {
		c.csrf = m[1]
	}
	return &resp{Response: r, Body: string(b)}
}

// get fetches a path without following redirects.
func (c *client) get(path string) *resp {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.h.base+path, nil)
	return c.do(req)
}

// post submits a form with the current CSRF token, without following
// the redirect.
func (c *client) post(path string, form url.Values) *resp {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" && c.csrf != "" {
		form.Set("_csrf", c.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, c.h.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// follow fetches the page a redirect points to.
func (c *client) follow(r *resp) *resp {
	c.t.Helper()
	if r.StatusCode != http.StatusSeeOther && r.StatusCode != http.StatusFound {
		c.t.Fatalf("want a redirect, got %d: %s", r.StatusCode, excerpt(r.Body))
	}
	return c.get(r.Header.Get("Location"))
}

// mustStatus fails the test unless r has the status.
func mustStatus(t testing.TB, r *resp, status int) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, status, excerpt(r.Body))
	}
}

// excerpt is the main part of a page, for failure messages.
func excerpt(body string) string {
	if i := strings.Index(body, `<main`); i >= 0 {
		body = body[i:]
	}
	if len(body) > 3000 {
		body = body[:3000]
	}
	return body
}

// world is a group with a facilitator, an open round and a member.
type world struct {
	facilitator    engine.Actor
	facilitatorTok string
	group          *engine.Group
	round          *engine.Round
	inviteToken    string
}

// newWorld creates a facilitator account, a group with perspectives and a
// round in the given state, and a reusable member invite.
func (h *harness) newWorld(state engine.Transition, settings engine.GroupSettings) *world {
	h.t.Helper()
	ctx := context.Background()
	_, tok, err := h.eng.SignUp(ctx, engine.SignUpInput{Email: "fac@example.org", Name: "Fran Facilitator", Password: "correct horse battery"})
	if err != nil {
		h.t.Fatal(err)
	}
	actor, err := h.eng.Authenticate(ctx, tok)
	if err != nil {
		h.t.Fatal(err)
	}
	if settings.Perspectives == nil {
		settings.Perspectives = []string{"Lived experience", "Carer", "Practitioner"}
	}
	g, err := h.eng.CreateGroup(ctx, actor, engine.GroupInput{Name: "Day centre redesign",
		Description: "Designing the new day centre together.", Settings: settings})
	if err != nil {
		h.t.Fatal(err)
	}
	rd, err := h.eng.CreateRound(ctx, actor, g.ID, engine.RoundInput{Prompt: "What should the new day centre offer?"})
	if err != nil {
		h.t.Fatal(err)
	}
	if state != "" {
		if _, err := h.eng.TransitionRound(ctx, actor, rd.ID, state); err != nil {
			h.t.Fatal(err)
		}
	}
	_, inv, err := h.eng.CreateInvite(ctx, actor, g.ID, engine.InviteInput{Kind: engine.InviteReusable, Label: "Workshop"})
	if err != nil {
		h.t.Fatal(err)
	}
	return &world{facilitator: actor, facilitatorTok: tok, group: g, round: rd, inviteToken: inv}
}

// signedIn returns a client carrying the session token as its cookie.
func (c *client) signedIn(token string) *client {
	u, _ := url.Parse(c.h.base)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: SessionCookie, Value: token, Path: "/"}})
	return c
}
