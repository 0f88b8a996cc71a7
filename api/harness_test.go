package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

func TestMain(m *testing.M) { bunstoretest.Main(m) }

// server is the API mounted on a fiber app the way cmd mounts it, over a
// real store.
type server struct {
	t   testing.TB
	app *fiber.App
	api *API
	eng *engine.Engine
	db  *bunstore.DB
}

// option changes the engine's or the API's configuration of a server.
type option func(*engine.Config, *Config)

func newServer(t testing.TB, db *bunstore.DB, opts ...option) *server {
	t.Helper()
	ecfg := engine.Config{Store: bunstore.NewStore(db), Events: engine.NewHub()}
	cfg := Config{Logger: slog.New(slog.DiscardHandler)}
	for _, fn := range opts {
		fn(&ecfg, &cfg)
	}
	eng := engine.New(ecfg)
	cfg.Engine = eng
	a := New(cfg)
	app := fiber.New(fiber.Config{ErrorHandler: ErrorHandler, BodyLimit: BodyLimit, DisableStartupMessage: true})
	a.Register(app)
	return &server{t: t, app: app, api: a, eng: eng, db: db}
}

// on returns s reporting to t, for use inside subtests.
func (s *server) on(t testing.TB) *server {
	c := *s
	c.t = t
	return &c
}

// call is one HTTP request. Body is sent as is when it is a string or
// []byte, and JSON-encoded otherwise.
type call struct {
	method string
	path   string
	body   any
	token  string
	header map[string]string
}

type reply struct {
	status int
	body   []byte
	header http.Header
}

func (s *server) do(c call) reply {
	s.t.Helper()
	r, err := s.send(c)
	if err != nil {
		s.t.Fatal(err)
	}
	return r
}

// send performs c; unlike do it is safe in any goroutine.
func (s *server) send(c call) (reply, error) {
	var body io.Reader
	switch b := c.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return reply{}, fmt.Errorf("encode body: %w", err)
		}
		body = bytes.NewReader(raw)
	}
	path := c.path
	if strings.HasPrefix(path, "/") && !strings.HasPrefix(path, Prefix) && !isOps(path) {
		path = Prefix + path
	}
	req := httptest.NewRequest(c.method, path, body)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	resp, err := s.app.Test(req, -1)
	if err != nil {
		return reply{}, fmt.Errorf("%s %s: %w", c.method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, fmt.Errorf("%s %s: read body: %w", c.method, path, err)
	}
	return reply{status: resp.StatusCode, body: raw, header: resp.Header}, nil
}

func isOps(p string) bool {
	return p == "/healthz" || p == "/readyz" || p == "/metrics" || p == "/boom"
}

// ok performs c and fails the test unless it answers want.
func (s *server) ok(c call, want int, into any) reply {
	s.t.Helper()
	r := s.do(c)
	if r.status != want {
		s.t.Fatalf("%s %s: status %d, want %d: %s", c.method, c.path, r.status, want, r.body)
	}
	if into != nil {
		if err := json.Unmarshal(r.body, into); err != nil {
			s.t.Fatalf("%s %s: decode %s: %v", c.method, c.path, r.body, err)
		}
	}
	return r
}

func (r reply) problem(t testing.TB) Problem {
	t.Helper()
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, problemContentType) {
		t.Fatalf("status %d: content type %q, want %s: %s", r.status, ct, problemContentType, r.body)
	}
	var p Problem
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("decode problem %s: %v", r.body, err)
	}
	if p.Status != r.status || p.Title == "" || p.Code == "" || !strings.HasSuffix(p.Type, ":"+p.Code) {
		t.Fatalf("malformed problem for status %d: %s", r.status, r.body)
	}
	return p
}

var seq atomic.Int64

// unique returns a name no other call of this test binary gets.
func unique(prefix string) string { return fmt.Sprintf("%s%d", prefix, seq.Add(1)) }

const testPassword = "correct horse battery staple"

// account signs up a new account and returns its session token.
func (s *server) account(name string) (token, email string) {
	s.t.Helper()
	email = unique(strings.ReplaceAll(strings.ToLower(name), " ", ".")) + "@example.org"
	var out sessionBody
	s.ok(call{method: http.MethodPost, path: "/auth/signup", body: signUpRequest{Email: email, Name: name, Password: testPassword}}, http.StatusCreated, &out)
	return out.Token, email
}

// group creates a group as the facilitator behind token.
func (s *server) group(token string, settings *settingsRequest) *engine.Group {
	s.t.Helper()
	var g engine.Group
	s.ok(call{method: http.MethodPost, path: "/groups", token: token, body: groupRequest{Name: unique("Group "), Settings: settings}}, http.StatusCreated, &g)
	return &g
}

// invite creates an invite in the group and returns its token.
func (s *server) invite(token, groupID string, in inviteRequest) string {
	s.t.Helper()
	var out inviteBody
	s.ok(call{method: http.MethodPost, path: "/groups/" + groupID + "/invites", token: token, body: in}, http.StatusCreated, &out)
	return out.Token
}

// join redeems an invite anonymously and returns the member and its session.
func (s *server) join(inviteToken, name, perspective string) (*engine.Member, string) {
	s.t.Helper()
	var out joinBody
	s.ok(call{method: http.MethodPost, path: "/join", body: joinRequest{Token: inviteToken, DisplayName: name, Perspective: perspective, ResearchConsent: true}}, http.StatusCreated, &out)
	return out.Member, out.Token
}

// round creates a round in the group.
func (s *server) round(token, groupID, prompt string) *engine.Round {
	s.t.Helper()
	var r engine.Round
	s.ok(call{method: http.MethodPost, path: "/groups/" + groupID + "/rounds", token: token, body: roundRequest{Prompt: prompt}}, http.StatusCreated, &r)
	return &r
}

// transition moves a round and fails unless it succeeds.
func (s *server) transition(token, roundID, to string) {
	s.t.Helper()
	s.ok(call{method: http.MethodPost, path: "/rounds/" + roundID + "/transitions", token: token, body: transitionRequest{To: to}}, http.StatusOK, nil)
}

// propose adds a proposal to a round.
func (s *server) propose(token, roundID, text string) *engine.Proposal {
	s.t.Helper()
	var p engine.Proposal
	s.ok(call{method: http.MethodPost, path: "/rounds/" + roundID + "/proposals", token: token, body: proposalRequest{Text: text}}, http.StatusCreated, &p)
	return &p
}

func intp(v int) *int { return &v }
