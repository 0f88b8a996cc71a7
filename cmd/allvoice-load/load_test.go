package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/allvoice/allvoice/api"
	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

func TestMain(m *testing.M) { bunstoretest.Main(m) }

func TestCheckTarget(t *testing.T) {
	resolve := func(_ context.Context, host string) ([]net.IPAddr, error) {
		switch host {
		case "localhost":
			return []net.IPAddr{{IP: net.ParseIP("127.0.0.1")}, {IP: net.ParseIP("::1")}}, nil
		case "split.example":
			return []net.IPAddr{{IP: net.ParseIP("127.0.0.1")}, {IP: net.ParseIP("192.0.2.7")}}, nil
		case "remote.example":
			return []net.IPAddr{{IP: net.ParseIP("192.0.2.7")}}, nil
		}
		return nil, errors.New("no such host")
	}
	for _, tc := range []struct {
		url         string
		allowRemote bool
		ok          bool
	}{
		{"http://127.0.0.1:8080", false, true},
		{"http://127.9.9.9:8080/", false, true},
		{"http://[::1]:8080", false, true},
		{"http://localhost:8080", false, true},
		{"https://localhost", false, true},
		{"http://192.0.2.7:8080", false, false},
		{"http://0.0.0.0:8080", false, false},
		{"http://remote.example", false, false},
		{"http://split.example", false, false}, // one address elsewhere is enough to refuse
		{"http://unknown.example", false, false},
		{"http://remote.example", true, true},
		{"ftp://127.0.0.1", false, false},
		{"127.0.0.1:8080", false, false},
		{"http://", false, false},
	} {
		u, err := checkTarget(context.Background(), tc.url, tc.allowRemote, resolve)
		if (err == nil) != tc.ok {
			t.Errorf("checkTarget(%q, allowRemote=%v) = %v, %v; want ok=%v", tc.url, tc.allowRemote, u, err, tc.ok)
		}
		if err == nil && strings.HasSuffix(u.String(), "/") {
			t.Errorf("checkTarget(%q) kept a trailing slash: %s", tc.url, u)
		}
	}
}

func TestParseConfig(t *testing.T) {
	for _, tc := range []struct {
		args []string
		ok   bool
		mix  mix
	}{
		{nil, true, mix{Change: 60, Results: 20, Mine: 10, Analysis: 5, Report: 5}},
		{[]string{"--mix", "change=1,report=0"}, true, mix{Change: 1, Results: 20, Mine: 10, Analysis: 5}},
		{[]string{"--mix", "change=0,results=0,mine=0,analysis=0,report=0"}, false, mix{}},
		{[]string{"--mix", "dance=3"}, false, mix{}},
		{[]string{"--mix", "change=-1"}, false, mix{}},
		{[]string{"--members", "0"}, false, mix{}},
		{[]string{"--members", "5", "--proposals", "6"}, false, mix{}},
		{[]string{"--email", "f@example.org"}, false, mix{}},
		{[]string{"--duration", "0s"}, false, mix{}},
		{[]string{"--concurrency", "0"}, false, mix{}},
		{[]string{"extra"}, false, mix{}},
	} {
		cfg, err := parseConfig(tc.args, io.Discard)
		if (err == nil) != tc.ok {
			t.Errorf("parseConfig(%q): %v, want ok=%v", tc.args, err, tc.ok)
			continue
		}
		if tc.ok && cfg.Mix != tc.mix {
			t.Errorf("parseConfig(%q): mix %+v, want %+v", tc.args, cfg.Mix, tc.mix)
		}
	}
}

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	for _, tc := range []struct {
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{nil, 0.5, 0},
		{ms(7), 0.99, 7 * time.Millisecond},
		{ms(1, 2, 3, 4), 0.5, 2 * time.Millisecond}, // nearest rank: ceil(0.5·4) = 2nd
		{ms(1, 2, 3, 4), 1, 4 * time.Millisecond},
		{ms(hundred...), 0.95, 95 * time.Millisecond},
		{ms(hundred...), 0.99, 99 * time.Millisecond},
		{ms(hundred...), 0.991, 100 * time.Millisecond},
	} {
		if got := percentile(tc.sorted, tc.p); got != tc.want {
			t.Errorf("percentile(%v, %v) = %v, want %v", tc.sorted, tc.p, got, tc.want)
		}
	}
}

func TestRecorderCountsErrorsByStatus(t *testing.T) {
	a, b := newRecorder(), newRecorder()
	a.record("submitRating", 201, time.Millisecond, true)
	a.record("submitRating", 503, 2*time.Millisecond, false)
	b.record("submitRating", 0, 3*time.Millisecond, false)
	b.record("submitRating", 503, 4*time.Millisecond, false)
	a.merge(b)
	lines := summarise(a, time.Second)
	if len(lines) != 1 {
		t.Fatalf("lines: %+v", lines)
	}
	l := lines[0]
	if l.Count != 4 || l.Errors != 3 || l.ByStatus["503"] != 2 || l.ByStatus["transport"] != 1 || l.PerSecond != 4 || l.MaxMs != 4 {
		t.Fatalf("summary %+v", l)
	}
}

// TestLoadRun runs the whole scenario for a moment against an API server
// on a loopback port over SQLite: every step succeeds, ratings are
// acknowledged and counted, and the live streams receive events.
func TestLoadRun(t *testing.T) {
	db := bunstoretest.SQLite(t)
	eng := engine.New(engine.Config{Store: bunstore.NewStore(db), Events: engine.NewHub()})
	a := api.New(api.Config{Engine: eng, Logger: slog.New(slog.DiscardHandler)})
	app := fiber.New(fiber.Config{ErrorHandler: api.ErrorHandler, BodyLimit: api.BodyLimit, DisableStartupMessage: true})
	a.Register(app)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	defer func() {
		a.Close()
		_ = app.ShutdownWithTimeout(5 * time.Second)
	}()

	var out, errOut bytes.Buffer
	err = runLoad(context.Background(), []string{"--url", "http://" + ln.Addr().String(), "--duration", "1500ms",
		"--members", "6", "--proposals", "4", "--concurrency", "4", "--sse", "2", "--json"}, &out, &errOut)
	if err != nil {
		t.Fatalf("runLoad: %v\n%s", err, errOut.String())
	}
	var rep report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, out.String())
	}
	ops := map[string]opReport{}
	for _, l := range append(rep.Setup, rep.Run...) {
		if l.Errors > 0 {
			t.Errorf("%s: %d errors %v", l.Operation, l.Errors, l.ByStatus)
		}
		ops[l.Operation] = l
	}
	for op, want := range map[string]int{"signUp": 1, "createGroup": 1, "createInvite": 1, "createRound": 1, "join": 6, "addProposal": 4} {
		if ops[op].Count != want {
			t.Errorf("%s ran %d times, want %d", op, ops[op].Count, want)
		}
	}
	// Six members rate four ideas each before anything else.
	if n := ops["submitRating"].Count; n != 24 {
		t.Errorf("submitRating ran %d times, want 24 (every member rates every idea once)", n)
	}
	if rep.Ratings != ops["submitRating"].Count+ops["changeRating"].Count || rep.Ratings < 24 {
		t.Errorf("%d ratings acknowledged; submitted %d + changed %d", rep.Ratings, ops["submitRating"].Count, ops["changeRating"].Count)
	}
	if rep.SSEStreams != 2 || rep.SSEEvents == 0 {
		t.Errorf("live streams: %d open, %d events", rep.SSEStreams, rep.SSEEvents)
	}
	// The events stored are the ratings acknowledged.
	evs, err := bunstore.NewStore(db).RatingEvents(context.Background(), groupOf(t, db))
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != rep.Ratings {
		t.Errorf("%d rating events stored, %d acknowledged", len(evs), rep.Ratings)
	}
}

// groupOf returns the id of the only group in db.
func groupOf(t *testing.T, db *bunstore.DB) string {
	t.Helper()
	var id string
	if err := db.Bun().NewRaw("SELECT id FROM groups").Scan(context.Background(), &id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestRefusesRemoteTarget(t *testing.T) {
	err := runLoad(context.Background(), []string{"--url", "http://192.0.2.7:8080", "--duration", "1s"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("runLoad against 192.0.2.7: %v, want a refusal naming loopback", err)
	}
}
