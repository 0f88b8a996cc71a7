package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// serverBin is the allvoice binary built for this package's process tests
// (crash, outage, shutdown, several instances), which run the real thing.
var serverBin string

// binDirPrefix names the directories binaries are built in; a later run
// removes those of test binaries that are gone.
const binDirPrefix = "allvoice-bin-"

func TestMain(m *testing.M) {
	removeStaleBinDirs()
	dir, err := os.MkdirTemp("", fmt.Sprintf("%s%d-", binDirPrefix, os.Getpid()))
	if err != nil {
		fmt.Fprintln(os.Stderr, "cannot make a directory for the server binary:", err)
		os.Exit(1)
	}
	serverBin = filepath.Join(dir, "allvoice")
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	build := exec.Command(goTool, "build", "-o", serverBin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the server binary: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	bunstoretest.Main(m) // exits; the next run removes dir
}

// removeStaleBinDirs removes binary directories whose test binary (the
// pid in the name) no longer runs.
func removeStaleBinDirs() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), binDirPrefix+"*"))
	for _, d := range dirs {
		rest := strings.TrimPrefix(filepath.Base(d), binDirPrefix)
		pid, err := strconv.Atoi(rest[:max(strings.IndexByte(rest, '-'), 0)])
		if err != nil || pid == os.Getpid() {
			continue
		}
		if syscall.Kill(pid, 0) == syscall.ESRCH {
			os.RemoveAll(d)
		}
	}
}

// Bounds of the process tests. They bound waiting, so a broken server
// fails a test instead of hanging it; they are not performance targets.
const (
	startBound   = 90 * time.Second // building caches, migrations, a busy machine
	requestBound = 20 * time.Second // any one request
)

// process is a running allvoice serve.
type process struct {
	t    *testing.T
	cmd  *exec.Cmd
	base string // http://127.0.0.1:port
	out  *syncBuffer
	done chan struct{}
	code int // exit code, once done; -1 when killed by a signal
}

var runningAt = regexp.MustCompile(`running at (http://127\.0\.0\.1:\d+)`)

// startServer runs allvoice serve on a free loopback port over
// databaseURL and waits until it answers. Rate limits are off (the tests
// sign many members in from one address). The process is killed when the
// test ends if it is still running.
func startServer(t *testing.T, databaseURL string, extra ...string) *process {
	t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--rate-limit", "0", "--log-level", "warn",
		"--database-url", databaseURL}, extra...)
	p := &process{t: t, cmd: exec.Command(serverBin, args...), out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	p.cmd.Env = append(os.Environ(), "DATABASE_URL=", "ALLVOICE_DATA_DIR="+t.TempDir())
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := p.cmd.Wait()
		p.code = p.cmd.ProcessState.ExitCode()
		if err != nil && p.code == 0 {
			p.code = -1
		}
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	deadline := time.After(startBound)
	for {
		if m := runningAt.FindStringSubmatch(p.out.String()); m != nil {
			p.base = m[1]
			break
		}
		select {
		case <-p.done:
			t.Fatalf("allvoice serve exited with %d before answering:\n%s", p.code, p.out.String())
		case <-deadline:
			t.Fatalf("allvoice serve did not start within %s:\n%s", startBound, p.out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	return p
}

// signal sends sig to the server.
func (p *process) signal(sig syscall.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatalf("signal %v: %v", sig, err)
	}
}

// wait waits at most bound for the server to exit and returns its exit
// code.
func (p *process) wait(bound time.Duration) int {
	p.t.Helper()
	select {
	case <-p.done:
		return p.code
	case <-time.After(bound):
		p.t.Fatalf("allvoice serve did not exit within %s:\n%s", bound, p.out.String())
		return 0
	}
}

// client calls a server's JSON API.
type client struct {
	base string
	http *http.Client
}

func newClient(base string, conns int) *client {
	return &client{base: base, http: &http.Client{Timeout: requestBound,
		Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}}
}

// answer is one response.
type answer struct {
	status int
	body   []byte
}

// send performs a request; path is under /api/v1 unless it starts with
// "//" (then it is the site's own path, e.g. //readyz). It is safe in any
// goroutine; err is a failure to get an answer.
func (c *client) send(method, path, token string, body any, header map[string]string) (answer, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return answer{}, err
		}
		rd = bytes.NewReader(raw)
	}
	url := c.base + "/api/v1" + path
	if strings.HasPrefix(path, "//") {
		url = c.base + path[1:]
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return answer{}, err
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, body: raw}, err
}

// must performs a request and fails t unless it answers want; the body
// is decoded into out when out is not nil.
func (c *client) must(t testing.TB, method, path, token string, body any, want int, out any) {
	t.Helper()
	a, err := c.send(method, path, token, body, nil)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if a.status != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, a.status, want, a.body)
	}
	if out != nil {
		if err := json.Unmarshal(a.body, out); err != nil {
			t.Fatalf("%s %s: decoding %s: %v", method, path, a.body, err)
		}
	}
}

// fixture is a group with a round open for rating.
type fixture struct {
	fac       string // the facilitator's session token
	groupID   string
	roundID   string
	members   []string // member session tokens
	proposals []string
}

// setUpRound signs a facilitator up and prepares a round in rating with
// nMembers members and nProposals proposals, through the API.
func setUpRound(t testing.TB, c *client, nMembers, nProposals int) *fixture {
	t.Helper()
	var fx fixture
	var s struct {
		Token string `json:"token"`
	}
	c.must(t, http.MethodPost, "/auth/signup", "", map[string]string{"email": fmt.Sprintf("fac%d@example.org", time.Now().UnixNano()),
		"name": "Fac", "password": "correct horse battery staple"}, http.StatusCreated, &s)
	fx.fac = s.Token
	var id struct {
		ID string `json:"id"`
	}
	c.must(t, http.MethodPost, "/groups", fx.fac, map[string]any{"name": "Process test", "settings": map[string]any{"scale": "likert5"}},
		http.StatusCreated, &id)
	fx.groupID = id.ID
	var inv struct {
		Token string `json:"token"`
	}
	c.must(t, http.MethodPost, "/groups/"+fx.groupID+"/invites", fx.fac, map[string]any{"kind": "reusable", "max_uses": nMembers},
		http.StatusCreated, &inv)
	c.must(t, http.MethodPost, "/groups/"+fx.groupID+"/rounds", fx.fac, map[string]string{"prompt": "What should change?"},
		http.StatusCreated, &id)
	fx.roundID = id.ID
	c.must(t, http.MethodPost, "/rounds/"+fx.roundID+"/transitions", fx.fac, map[string]string{"to": "open"}, http.StatusOK, nil)
	for i := range nMembers {
		var j struct {
			Token string `json:"token"`
		}
		c.must(t, http.MethodPost, "/join", "", map[string]any{"token": inv.Token, "display_name": fmt.Sprintf("M%d", i)},
			http.StatusCreated, &j)
		fx.members = append(fx.members, j.Token)
	}
	for i := range nProposals {
		c.must(t, http.MethodPost, "/rounds/"+fx.roundID+"/proposals", fx.members[i%nMembers],
			map[string]string{"text": fmt.Sprintf("Idea %d", i)}, http.StatusCreated, &id)
		fx.proposals = append(fx.proposals, id.ID)
	}
	c.must(t, http.MethodPost, "/rounds/"+fx.roundID+"/transitions", fx.fac, map[string]string{"to": "rating"}, http.StatusOK, nil)
	return &fx
}

// ratingBody is a rating submission.
type ratingBody struct {
	ProposalID string `json:"proposal_id"`
	Value      int    `json:"value"`
	Reason     string `json:"reason,omitempty"`
}

// ratingAnswer is the part of a submission's answer the tests read.
type ratingAnswer struct {
	Event struct {
		ID string `json:"id"`
	} `json:"event"`
	Replayed bool `json:"replayed"`
}

// rate submits one rating with an idempotency key.
func (c *client) rate(fx *fixture, member int, key string, b ratingBody) (answer, error) {
	return c.send(http.MethodPost, "/rounds/"+fx.roundID+"/ratings", fx.members[member], b, map[string]string{"Idempotency-Key": key})
}

// stream is an open Server-Sent Events response.
type stream struct {
	resp   *http.Response
	events chan string // event names, closed when the stream ends
	err    error       // why it ended; nil for a clean end; read after events closes
}

// openStream opens an SSE stream at url (a full URL) with the given
// headers and waits for the server's first comment, so the stream is
// subscribed when it returns.
func openStream(t *testing.T, url string, header map[string]string) *stream {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		raw, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %d %s: %s", url, resp.StatusCode, resp.Header.Get("Content-Type"), raw)
	}
	s := &stream{resp: resp, events: make(chan string, 64)}
	br := bufio.NewReader(resp.Body)
	first, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("GET %s: first line: %v", url, err)
	}
	if !strings.HasPrefix(first, ":") && !strings.HasPrefix(first, "retry:") {
		t.Fatalf("GET %s: first line %q, want a comment or retry", url, first)
	}
	go func() {
		defer close(s.events)
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				if err != io.EOF {
					s.err = err
				}
				return
			}
			if name, ok := strings.CutPrefix(strings.TrimRight(line, "\r\n"), "event: "); ok {
				s.events <- name
			}
		}
	}()
	return s
}

// next waits at most bound for the stream's next event named name,
// skipping others.
func (s *stream) next(t *testing.T, name string, bound time.Duration) {
	t.Helper()
	deadline := time.After(bound)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				t.Fatalf("the stream ended (%v) before a %q event", s.err, name)
			}
			if ev == name {
				return
			}
		case <-deadline:
			t.Fatalf("no %q event within %s", name, bound)
		}
	}
}

// waitReady polls /readyz until it answers want, at most bound.
func waitReady(t *testing.T, c *client, want int, bound time.Duration) {
	t.Helper()
	deadline := time.Now().Add(bound)
	last := "no answer"
	for time.Now().Before(deadline) {
		a, err := c.send(http.MethodGet, "//readyz", "", nil, nil)
		if err == nil && a.status == want {
			return
		}
		if err != nil {
			last = err.Error()
		} else {
			last = fmt.Sprintf("%d %s", a.status, a.body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("/readyz did not answer %d within %s; last: %s", want, bound, last)
}
