package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// TestSecurityHeadersOnAPI checks every kind of response of the API and
// the health endpoints carries nosniff, a CSP that loads nothing and
// forbids framing, no referrer and no framing: documents, lists,
// problems of each kind, downloads, the live stream, health and metrics.
func TestSecurityHeadersOnAPI(t *testing.T) {
	s := newFullServer(t, bunstoretest.SQLite(t))
	st := newPrivacyStory(t, s.eng, engine.GroupSettings{}, "hd")
	member := s.client("")
	member.bearer = st.tokens[roleMember]
	anon := s.client("")
	want := map[string]string{"X-Content-Type-Options": "nosniff", "Content-Security-Policy": ContentSecurityPolicy,
		"X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}
	for _, c := range []struct {
		what   string
		c      *webClient
		method string
		path   string
		body   any
		status int
	}{
		{"the OpenAPI document", anon, http.MethodGet, "/openapi.json", nil, 200},
		{"a list", member, http.MethodGet, "/groups/" + st.group.ID + "/members", nil, 200},
		{"a download", member, http.MethodGet, "/groups/" + st.group.ID + "/my-data", nil, 200},
		{"a 401 problem", anon, http.MethodGet, "/groups/" + st.group.ID, nil, 401},
		{"a 403 problem", member, http.MethodGet, "/groups/" + st.group.ID + "/audit", nil, 403},
		{"a 404 problem", member, http.MethodGet, "/no/such/endpoint", nil, 404},
		{"a 400 problem", member, http.MethodPost, "/rounds/" + st.round2.ID + "/ratings", `{"value":`, 400},
		{"a 422 problem", member, http.MethodPost, "/rounds/" + st.round2.ID + "/ratings", ratingRequest{ProposalID: st.props[1].ID, Value: intp(42)}, 422},
		{"a write", member, http.MethodPost, "/rounds/" + st.round2.ID + "/reflections", reflectionRequest{Text: "Fine"}, 201},
	} {
		r := c.c.call(c.method, c.path, c.body)
		if r.status != c.status {
			t.Fatalf("%s: %d, want %d: %s", c.what, r.status, c.status, r.body)
		}
		for k, v := range want {
			if got := r.header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", c.what, k, got, v)
			}
		}
	}
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		r := anon.get(path)
		for k, v := range want {
			if got := r.header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", path, k, got, v)
			}
		}
	}
	req, _ := http.NewRequest(http.MethodGet, s.base+Prefix+"/rounds/"+st.round2.ID+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+st.tokens[roleMember])
	client := &http.Client{Timeout: 5 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		r, err := client.Do(req)
		if err != nil {
			t.Errorf("stream: %v", err)
			return
		}
		defer r.Body.Close()
		for k, v := range want {
			if got := r.Header.Get(k); got != v {
				t.Errorf("the live stream: %s = %q, want %q", k, got, v)
			}
		}
	}()
	<-done
}
