package api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"

	"github.com/danielgtaylor/huma/v2"

	"github.com/allvoice/allvoice/engine"
)

// errExportAbandoned ends an export whose download went away.
var errExportAbandoned = errors.New("the export's download ended")

// firstWrite passes writes on and says, once, that the first byte came:
// until then the export can still fail with a problem response.
type firstWrite struct {
	w    io.Writer
	once sync.Once
	c    chan struct{}
}

func (f *firstWrite) Write(b []byte) (int, error) {
	f.once.Do(func() { close(f.c) })
	return f.w.Write(b)
}

func (a *API) registerExport() {
	o := op("exportGroup", http.MethodGet, "/groups/{groupId}/export", "Export",
		"The group's evaluator data package (zip): pseudonymised tidy CSV tables with a Data Package v2 descriptor, a codebook, the consensus rules, SPSS syntax and a Polis-compatible view")
	o.Description = "For the group's evaluators and facilitators. Only members who consented to research use appear in row-level tables, " +
		"under stable pseudonyms; aggregates by perspective over fewer members than the group's minimum cell size are suppressed. " +
		"codebook.md inside the zip describes every variable. The zip is streamed: a failure after the first byte ends the download early."
	o.Responses = map[string]*huma.Response{"200": {Description: "The data package as a zip file.",
		Headers: map[string]*huma.Param{"Content-Disposition": {Description: "attachment; filename=\"allvoice-export-….zip\"",
			Schema: &huma.Schema{Type: huma.TypeString}}},
		Content: map[string]*huma.MediaType{"application/zip": {Schema: &huma.Schema{Type: huma.TypeString, Format: "binary"}}}}}
	huma.Register(a.huma, o, func(ctx context.Context, in *struct{ GroupPath }) (*huma.StreamResponse, error) {
		actor, groupID := actorFrom(ctx), in.id()
		// The export outlives the handler (and the request timeout: a
		// large group takes longer); it ends with the download, a failed
		// write, or Close.
		sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		pr, pw := io.Pipe()
		stop := func() {
			cancel()
			pr.CloseWithError(errExportAbandoned)
		}
		fw := &firstWrite{w: pw, c: make(chan struct{})}
		done := make(chan error, 1)
		go func() {
			err := a.eng.ExportGroup(sctx, actor, groupID, fw, nil)
			pw.CloseWithError(err)
			done <- err
		}()
		select {
		case <-fw.c:
		case err := <-done:
			stop()
			if err == nil {
				err = &engine.Error{Code: engine.EINTERNAL, Message: "internal", Err: errors.New("export wrote nothing")}
			}
			return nil, err
		}
		id, ok := a.streams.add(stop)
		if !ok {
			stop()
			return nil, engine.Errorf(engine.EUNAVAILABLE, "The server is shutting down; try again in a moment.")
		}
		return &huma.StreamResponse{Body: func(hctx huma.Context) {
			hctx.SetHeader("Content-Type", "application/zip")
			hctx.SetHeader("Content-Disposition", `attachment; filename="allvoice-export-`+groupID+`.zip"`)
			hctx.SetHeader("Cache-Control", "no-store")
			hctx.SetStatus(http.StatusOK)
			sb, ok := hctx.(streamBody)
			if !ok {
				defer a.streams.done(id)
				_, _ = io.Copy(hctx.BodyWriter(), pr)
				return
			}
			sb.StreamBody(func(w io.Writer) {
				defer a.streams.done(id)
				if _, err := io.Copy(w, pr); err != nil {
					pr.CloseWithError(err)
					return
				}
				if f, ok := w.(interface{ Flush() error }); ok {
					_ = f.Flush()
				}
			})
		}}, nil
	})
}
