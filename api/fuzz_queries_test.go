package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// FuzzOperationQueries sends arbitrary query strings to every GET
// operation of the OpenAPI document as any role of the authorisation
// matrix: every answer is a success or a well-formed 4xx problem within
// 10 s, never a 5xx. Event streams are left out: they never finish.
func FuzzOperationQueries(f *testing.F) {
	s := newServer(f, bunstoretest.SQLite(f))
	fx := newMatrixFixture(f, s)
	defaults := map[string]string{"groupId": fx.groupA, "roundId": fx.roundA, "proposalId": fx.proposal, "memberId": fx.target}
	var paths []string
	for _, o := range operations(s.api.OpenAPI()) {
		build, ok := requests[o.op.OperationID]
		if o.method != http.MethodGet || !ok || build(fx, roleFac).streams {
			continue
		}
		path := o.path
		for name, v := range defaults {
			path = strings.ReplaceAll(path, "{"+name+"}", v)
		}
		if strings.Contains(path, "{") {
			continue
		}
		i := uint8(len(paths))
		paths = append(paths, path)
		var names []string
		for _, p := range o.op.Parameters {
			if p.In == "query" {
				names = append(names, p.Name)
			}
		}
		f.Add(i, uint8(0), "")
		for _, n := range names {
			for _, v := range []string{"1", "-1", "x", "99999999999999999999", "%00", fx.proposal} {
				f.Add(i, uint8(0), n+"="+v)
			}
		}
	}
	f.Add(uint8(0), uint8(3), "limit=10&after=%27%20OR%201=1&limit=2")
	f.Fuzz(func(t *testing.T, op, role uint8, query string) {
		if len(query) > 512 {
			t.Skip("fasthttp refuses request lines over its read buffer before the API sees them")
		}
		s := s.on(t)
		path := paths[int(op)%len(paths)]
		query = escapeQuery(query)
		c := call{method: http.MethodGet, path: path + "?" + query, token: fx.tokens[matrixRoles[int(role)%len(matrixRoles)]]}
		done := make(chan reply, 1)
		go func() {
			r, err := s.send(c)
			if err != nil {
				r = reply{status: -1, body: []byte(err.Error())}
			}
			done <- r
		}()
		select {
		case r := <-done:
			if r.status == -1 && strings.Contains(string(r.body), "malformed HTTP request") {
				return // refused by the HTTP parser before the API, as a server would with 400
			}
			if r.status == -1 {
				t.Fatalf("GET %s?%s: %s", path, query, r.body)
			}
			if r.status < 400 && !strings.Contains(r.header.Get("Content-Type"), "json") {
				return // a download (the export zip, a report in Markdown)
			}
			checkAnswer(t, r)
		case <-time.After(10 * time.Second):
			t.Fatalf("GET %s?%q hung", path, query)
		}
	})
}

// escapeQuery percent-encodes the bytes no client may put in a request
// line (controls, spaces, non-ASCII, '#'), keeping the fuzzed structure of
// '&', '=' and existing escapes.
func escapeQuery(q string) string {
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c <= ' ' || c >= 0x7f || c == '#' {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
