package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// TestOpenAPIDocument checks the served document is OpenAPI 3.1, names
// the /api/v1 server, gives every operation an id and security, and
// describes errors with the Problem schema.
func TestOpenAPIDocument(t *testing.T) {
	s := newServer(t, bunstoretest.SQLite(t))
	r := s.ok(call{method: http.MethodGet, path: "/openapi.json"}, http.StatusOK, nil)
	var doc struct {
		OpenAPI string `json:"openapi"`
		Servers []struct {
			URL string `json:"url"`
		} `json:"servers"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != Prefix {
		t.Errorf("servers = %+v, want %s", doc.Servers, Prefix)
	}
	if _, ok := doc.Components.Schemas["Problem"]; !ok {
		t.Errorf("no Problem schema among %d schemas", len(doc.Components.Schemas))
	}
	n := 0
	for path, ops := range doc.Paths {
		for method, raw := range ops {
			var o struct {
				OperationID string                     `json:"operationId"`
				Security    []map[string][]string      `json:"security"`
				Responses   map[string]json.RawMessage `json:"responses"`
			}
			if err := json.Unmarshal(raw, &o); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			n++
			if o.OperationID == "" || o.Security == nil {
				t.Errorf("%s %s: operationId %q, security %v", method, path, o.OperationID, o.Security)
			}
			failures := 0
			for code, resp := range o.Responses {
				if code[0] == '4' || code[0] == '5' || code == "default" {
					failures++
					if !strings.Contains(string(resp), `"application/problem+json"`) || !strings.Contains(string(resp), "#/components/schemas/Problem") {
						t.Errorf("%s %s: response %s is not a Problem: %s", method, path, code, resp)
					}
				}
			}
			if failures == 0 {
				t.Errorf("%s %s: documents no failure responses", method, path)
			}
		}
	}
	if n < 35 {
		t.Errorf("%d operations, want every engine use case (≥ 35)", n)
	}
	t.Logf("%d operations, %d schemas", n, len(doc.Components.Schemas))
}
