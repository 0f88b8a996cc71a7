package api

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/frontend"
)

// fullServer is Allvoice as cmd/allvoice serves it — the JSON API, the
// health endpoints and the web pages on one fiber app, with the same error
// handling and middleware — over a real store and a real listener, with
// every log line captured. The privacy and log tests read it as people
// and browsers do.
type fullServer struct {
	t    testing.TB
	db   *bunstore.DB
	eng  *engine.Engine
	api  *API
	fe   *frontend.Frontend
	app  *fiber.App
	logs *syncBuffer
	base string
}

func newFullServer(t testing.TB, db *bunstore.DB) *fullServer {
	t.Helper()
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	hub := engine.NewHub()
	eng := engine.New(engine.Config{Store: bunstore.NewStore(db), Events: hub})
	kv := bunstore.NewKVStore(db, time.Minute)
	fe, err := frontend.New(frontend.Config{Engine: eng, Logger: log, Storage: kv, Heartbeat: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	a := New(Config{Engine: eng, Logger: log})
	app := fiber.New(fiber.Config{
		DisableStartupMessage: true,
		BodyLimit:             BodyLimit,
		ErrorHandler: func(c *fiber.Ctx, err error) error {
			if strings.HasPrefix(c.Path(), "/api/") {
				return ErrorHandler(c, err)
			}
			code := fiber.StatusInternalServerError
			var fe *fiber.Error
			if errors.As(err, &fe) && fe.Code < 500 {
				code = fe.Code
			}
			return c.Status(code).SendString(http.StatusText(code))
		},
	})
	app.Use(recover.New())
	a.Register(app)
	fe.Register(app)
	app.Use(fe.NotFound)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() {
		a.Close()
		fe.Close()
		_ = app.ShutdownWithTimeout(5 * time.Second)
		_ = kv.Close()
	})
	return &fullServer{t: t, db: db, eng: eng, api: a, fe: fe, app: app, logs: logs, base: "http://" + ln.Addr().String()}
}

// webClient is an HTTP client as a browser is one: it keeps cookies, reads
// the CSRF token of the last webReply, and does not follow redirects.
type webClient struct {
	s    *fullServer
	http *http.Client
	csrf string
	// bearer, when set, is sent as the Authorization header of API calls.
	bearer string
}

func (s *fullServer) client(sessionToken string) *webClient {
	jar, _ := cookiejar.New(nil)
	b := &webClient{s: s, http: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if sessionToken != "" {
		u, _ := url.Parse(s.base)
		jar.SetCookies(u, []*http.Cookie{{Name: SessionCookie, Value: sessionToken, Path: "/"}})
	}
	return b
}

// webReply is a finished response.
type webReply struct {
	status int
	header http.Header
	body   string
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (b *webClient) send(req *http.Request) webReply {
	b.s.t.Helper()
	r, err := b.http.Do(req)
	if err != nil {
		b.s.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer r.Body.Close()
	raw, _ := io.ReadAll(r.Body)
	if m := csrfInput.FindSubmatch(raw); m != nil {
		b.csrf = string(m[1])
	}
	return webReply{status: r.StatusCode, header: r.Header, body: readable(r.Header.Get("Content-Type"), raw)}
}

// readable returns a response body as text to search: a zip is unpacked
// and its files joined, since names inside it would not show compressed.
func readable(contentType string, raw []byte) string {
	if !strings.HasPrefix(contentType, "application/zip") {
		return string(raw)
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return string(raw)
	}
	var sb strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		fmt.Fprintf(&sb, "== %s\n%s\n", f.Name, b)
	}
	return sb.String()
}

// get fetches a webReply or an API path.
func (b *webClient) get(path string) webReply {
	b.s.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.s.base+path, nil)
	if b.bearer != "" && strings.HasPrefix(path, Prefix) {
		req.Header.Set("Authorization", "Bearer "+b.bearer)
	}
	return b.send(req)
}

// post submits a form with the CSRF token of the last webReply.
func (b *webClient) post(path string, form url.Values) webReply {
	b.s.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" && b.csrf != "" {
		form.Set("_csrf", b.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, b.s.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.send(req)
}

// call sends a JSON API request with the webClient's bearer token.
func (b *webClient) call(method, path string, body any) webReply {
	b.s.t.Helper()
	var rd io.Reader
	switch x := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(x)
	default:
		raw, err := json.Marshal(x)
		if err != nil {
			b.s.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, b.s.base+Prefix+path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if b.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+b.bearer)
	}
	return b.send(req)
}

// firstEvent opens a Server-Sent Events stream, waits until it is open,
// runs trigger, and returns the stream's text up to and including the
// first event (comments and the event's data lines), or what arrived
// before timeout. With a nil trigger it returns once the stream is open.
func (b *webClient) firstEvent(path string, trigger func(), timeout time.Duration) (status int, text string) {
	b.s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.s.base+path, nil)
	if b.bearer != "" && strings.HasPrefix(path, Prefix) {
		req.Header.Set("Authorization", "Bearer "+b.bearer)
	}
	r, err := b.http.Do(req)
	if err != nil {
		b.s.t.Fatalf("GET %s: %v", path, err)
	}
	defer r.Body.Close()
	if r.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(raw)
	}
	var sb strings.Builder
	sc := bufio.NewScanner(r.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	triggered, inEvent := false, false
	for sc.Scan() {
		line := sc.Text()
		sb.WriteString(line + "\n")
		switch {
		case !triggered && strings.HasPrefix(line, ": connected"):
			if trigger == nil {
				return r.StatusCode, sb.String()
			}
			triggered = true
			go trigger()
		case strings.HasPrefix(line, "event: ") && !strings.HasPrefix(line, "event: ping"):
			inEvent = true
		case inEvent && line == "":
			return r.StatusCode, sb.String()
		}
	}
	return r.StatusCode, sb.String()
}
