package frontend

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestVendoredScriptsMatchNPM checks the committed htmx files are the ones
// npm installs from package-lock.json (when node_modules is present).
func TestVendoredScriptsMatchNPM(t *testing.T) {
	for npmFile, vendored := range map[string]string{
		"htmx.org/dist/htmx.min.js":    htmxScript,
		"htmx-ext-sse/dist/sse.min.js": htmxSSE,
	} {
		want, err := os.ReadFile(filepath.Join("node_modules", npmFile))
		if err != nil {
			t.Skipf("node_modules not installed (npm ci): %v", err)
		}
		got, err := staticFS.ReadFile("static/" + vendored)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("static/%s differs from node_modules/%s", vendored, npmFile)
		}
	}
	lock, err := os.ReadFile("package-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{`"node_modules/htmx.org": {\s*"version": "2.0.11"`, `"node_modules/htmx-ext-sse": {\s*"version": "2.2.4"`, `"node_modules/axe-core": {\s*"version": "4.14.1"`} {
		if !regexp.MustCompile(v).Match(lock) {
			t.Errorf("package-lock.json does not pin %s", v)
		}
	}
}

// TestStaticAssets checks every asset a page links to is served, with a
// version in its URL, a year's cache and the right type.
func TestStaticAssets(t *testing.T) {
	h := newHarness(t)
	r := h.client().get("/login")
	links := regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`).FindAllStringSubmatch(r.Body, -1)
	if len(links) != 4 {
		t.Fatalf("want 4 assets (css, htmx, sse, own script), got %v", links)
	}
	for _, l := range links {
		if !regexp.MustCompile(`\?v=[0-9a-f]{12}$`).MatchString(l[1]) {
			t.Errorf("%s has no content version", l[1])
		}
		resp, err := http.Get(h.base + l[1])
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || len(body) == 0 {
			t.Errorf("%s: %d, %d bytes", l[1], resp.StatusCode, len(body))
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") {
			t.Errorf("%s: Cache-Control %q", l[1], cc)
		}
		ct := resp.Header.Get("Content-Type")
		if strings.Contains(l[1], ".css") && !strings.HasPrefix(ct, "text/css") || strings.Contains(l[1], ".js") && !strings.Contains(ct, "javascript") {
			t.Errorf("%s: Content-Type %q", l[1], ct)
		}
	}
	resp, _ := http.Get(h.base + "/static/nope.css")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("missing asset: %d", resp.StatusCode)
	}
	resp.Body.Close()
}
