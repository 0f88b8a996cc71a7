package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// syncBuffer is a bytes.Buffer safe to read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestServeDemoAndShutdown runs the README's run command against a fresh
// SQLite directory: the demo is seeded, pages, API and health answer, and
// cancelling (as SIGTERM does) shuts the server down cleanly.
func TestServeDemoAndShutdown(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0", "--data-dir", dir, "--log-level", "error"}, &out, &errOut)
	}()
	addr := regexp.MustCompile(`running at http://(127\.0\.0\.1:\d+)`)
	var base string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m := addr.FindStringSubmatch(out.String()); m != nil {
			base = "http://" + m[1]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended early: %v\n%s\n%s", err, out.String(), errOut.String())
		default:
		}
	}
	if base == "" {
		t.Fatalf("server did not start:\n%s\n%s", out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "/join/avi_") {
		t.Fatalf("demo join link not printed:\n%s", out.String())
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/api/v1/openapi.json": 200, "/login": 200, "/": 200} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("GET %s = %d, want %d", path, resp.StatusCode, want)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v on shutdown", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not shut down within 30 s")
	}

	// A second start on the same data finds the demo already there.
	out2 := &syncBuffer{}
	if err := run(context.Background(), []string{"demo", "--data-dir", dir}, out2, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out2.String(), "already in this database") {
		t.Fatalf("second demo run: %s", out2.String())
	}
}

func TestCommands(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args    []string
		wantErr bool
		want    string
	}{
		{[]string{"version"}, false, "allvoice"},
		{[]string{"--help"}, false, "Usage:"},
		{[]string{"migrate", "status", "--data-dir", dir}, false, "pending"},
		{[]string{"migrate", "up", "--data-dir", dir}, false, "applied"},
		{[]string{"migrate", "status", "--data-dir", dir}, false, "applied"},
		{[]string{"migrate", "unlock", "--data-dir", dir}, false, "lock is free"},
		{[]string{"migrate", "up", "--data-dir", dir}, false, "up to date"},
		{[]string{"migrate", "sideways", "--data-dir", dir}, true, ""},
		{[]string{"frobnicate"}, true, ""},
		{[]string{"import", "polis", dir, "--data-dir", dir}, true, ""},
	}
	for _, c := range cases {
		var out bytes.Buffer
		err := run(context.Background(), c.args, &out, io.Discard)
		if (err != nil) != c.wantErr {
			t.Fatalf("%v: err = %v", c.args, err)
		}
		if !strings.Contains(out.String(), c.want) {
			t.Fatalf("%v printed %q, want it to contain %q", c.args, out.String(), c.want)
		}
	}
}

// TestPageRateLimit: the sign-in form answers 429 once an address has used
// its attempts for the minute; other pages are not limited.
func TestPageRateLimit(t *testing.T) {
	app := fiber.New()
	app.Use(pageRateLimit(2, nil))
	app.Post("/login", func(c *fiber.Ctx) error { return c.SendStatus(fiber.StatusSeeOther) })
	app.Post("/groups/x", func(c *fiber.Ctx) error { return c.SendStatus(fiber.StatusOK) })
	codes := []int{}
	for range 3 {
		resp, err := app.Test(httptest.NewRequest(fiber.MethodPost, "/login", nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, resp.StatusCode)
	}
	if codes[0] != fiber.StatusSeeOther || codes[1] != fiber.StatusSeeOther || codes[2] != fiber.StatusTooManyRequests {
		t.Fatalf("POST /login codes %v, want 303 303 429", codes)
	}
	for range 3 {
		resp, err := app.Test(httptest.NewRequest(fiber.MethodPost, "/groups/x", nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != fiber.StatusOK {
			t.Fatalf("an unlimited page answered %d", resp.StatusCode)
		}
	}
}
