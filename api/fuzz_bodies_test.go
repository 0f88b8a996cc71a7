package api

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// FuzzOperationBodies sends arbitrary bodies to every operation of the
// OpenAPI document that takes one, as any role of the authorisation
// matrix: every answer is a success or a well-formed 4xx problem, never a
// 5xx. A new operation is fuzzed as soon as it is registered; the seeds
// are the matrix's own valid requests, so the fuzzer starts from bodies
// that reach the engine.
func FuzzOperationBodies(f *testing.F) {
	s := newServer(f, bunstoretest.SQLite(f))
	fx := newMatrixFixture(f, s)
	defaults := map[string]string{"groupId": fx.groupA, "roundId": fx.roundA, "proposalId": fx.proposal, "memberId": fx.target}
	type target struct {
		method, path, contentType string
	}
	var targets []target
	for _, o := range operations(s.api.OpenAPI()) {
		if o.op.RequestBody == nil || o.op.OperationID == "logOut" {
			continue
		}
		build, ok := requests[o.op.OperationID]
		if !ok {
			f.Fatalf("operation %s has no request in the matrix test", o.op.OperationID)
		}
		req := build(fx, roleFac)
		path := o.path
		for _, params := range []map[string]string{req.params, defaults} {
			for name, v := range params {
				path = strings.ReplaceAll(path, "{"+name+"}", v)
			}
		}
		i := uint8(len(targets))
		targets = append(targets, target{o.method, path, req.contentType})
		var seed []byte
		switch b := req.body.(type) {
		case []byte:
			seed = b
		case string:
			seed = []byte(b)
		default:
			seed, _ = json.Marshal(b)
		}
		f.Add(i, uint8(0), seed)
		f.Add(i, uint8(1), []byte(`{}`))
		f.Add(i, uint8(2), []byte(`{"text":"\u0000","value":1e309,"id":["x"]}`))
	}
	if len(targets) == 0 {
		f.Fatal("no operation takes a body")
	}
	f.Fuzz(func(t *testing.T, op, role uint8, body []byte) {
		s := s.on(t)
		tg := targets[int(op)%len(targets)]
		c := call{method: tg.method, path: tg.path, body: body, token: fx.tokens[matrixRoles[int(role)%len(matrixRoles)]]}
		if tg.contentType != "" {
			c.header = map[string]string{"Content-Type": tg.contentType}
		}
		type answer struct {
			r   reply
			err error
		}
		done := make(chan answer, 1)
		go func() {
			r, err := s.send(c)
			done <- answer{r, err}
		}()
		var r reply
		var err error
		select {
		case a := <-done:
			r, err = a.r, a.err
		case <-time.After(10 * time.Second):
			t.Fatalf("%s %s as role %d hung with body %q", tg.method, tg.path, role, body)
		}
		if err != nil && strings.HasPrefix(tg.contentType, "multipart/") && strings.Contains(err.Error(), "multipart") {
			// fasthttp parses multipart bodies before the app sees them and
			// answers a malformed one with 400 itself, which app.Test reports
			// as an error (TestMalformedMultipartIs400 checks the 4xx on a
			// real connection).
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		checkAnswer(t, r)
	})
}

// TestMalformedMultipartIs400 sends a broken multipart body to the Polis
// import over a real connection: the answer is a 4xx, not a 5xx or a hang.
func TestMalformedMultipartIs400(t *testing.T) {
	s := newServer(t, bunstoretest.SQLite(t))
	tok, _ := s.account("Importer")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.app.Listener(ln) }()
	t.Cleanup(func() { _ = s.app.Shutdown() })
	for _, body := range []string{`{}`, "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb", ""} {
		req, _ := http.NewRequest(http.MethodPost, "http://"+ln.Addr().String()+Prefix+"/imports/polis", strings.NewReader(body))
		req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
		if err != nil {
			t.Fatalf("body %q: %v", body, err)
		}
		resp.Body.Close()
		if resp.StatusCode < 400 || resp.StatusCode > 499 {
			t.Errorf("body %q: status %d, want 4xx", body, resp.StatusCode)
		}
	}
}
