package frontend

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
)

//go:embed static
var staticFS embed.FS

// Vendored script files, with their versions in their names. They are
// copied from npm (htmx.org, htmx-ext-sse; see package.json) and committed
// so that the binary builds without Node.
const (
	htmxScript   = "vendor/htmx-2.0.11.min.js"
	htmxSSE      = "vendor/htmx-ext-sse-2.2.4.min.js"
	appScript    = "js/allvoice.js"
	appStyle     = "css/allvoice.css"
	staticPrefix = "/static/"
)

// assets knows each embedded file's content hash, so URLs change whenever
// a file does and the files can be cached for a year.
type assets struct {
	version map[string]string
}

func loadAssets() (*assets, error) {
	a := &assets{version: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.version[p[len("static/"):]] = hex.EncodeToString(sum[:6])
		return nil
	})
	return a, err
}

// URL returns the versioned URL of an embedded static file.
func (a *assets) URL(name string) string {
	v, ok := a.version[name]
	if !ok {
		panic("frontend: no static file " + name) // a template names a file that is not embedded
	}
	return staticPrefix + name + "?v=" + v
}

// staticHandler serves the embedded files with a year's cache: every URL
// carries the file's hash.
func staticHandler() fiber.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	return filesystem.New(filesystem.Config{Root: http.FS(sub), MaxAge: 365 * 24 * 3600})
}
