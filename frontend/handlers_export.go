package frontend

import (
	"bufio"
	"context"
	"errors"
	"io"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/allvoice/allvoice/engine"
)

// errDownloadEnded ends an export whose download went away.
var errDownloadEnded = errors.New("the export's download ended")

// exportStart passes writes on and says, once, that the first byte came:
// until then a failure can still be shown as an error page.
type exportStart struct {
	w    io.Writer
	once sync.Once
	c    chan struct{}
}

func (s *exportStart) Write(b []byte) (int, error) {
	s.once.Do(func() { close(s.c) })
	return s.w.Write(b)
}

// exportDownload streams the group's evaluator data package (the link on
// the evaluation page). The engine decides who may export; an error
// before the zip starts is an ordinary error page.
func (f *Frontend) exportDownload(c *fiber.Ctx) error {
	if c.Method() == fiber.MethodHead {
		// No body follows a HEAD request, so no export is started.
		if g, err := f.managedGroup(c, engine.PermExport); g == nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "application/zip")
		return nil
	}
	ctx, actor := c.UserContext(), actorOf(c)
	gid := utils.CopyString(c.Params("gid"))
	// The download outlives the handler: fasthttp streams the body after
	// it returns.
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	pr, pw := io.Pipe()
	start := &exportStart{w: pw, c: make(chan struct{})}
	done := make(chan error, 1)
	go func() {
		err := f.eng.ExportGroup(sctx, actor, gid, start, nil)
		pw.CloseWithError(err)
		done <- err
	}()
	select {
	case <-start.c:
	case err := <-done:
		cancel()
		pr.CloseWithError(errDownloadEnded)
		if err == nil {
			err = errors.New("the export wrote nothing")
		}
		return f.renderError(c, err)
	}
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="allvoice-export-`+gid+`.zip"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer cancel()
		if _, err := io.Copy(w, pr); err != nil {
			pr.CloseWithError(errDownloadEnded)
			return
		}
		_ = w.Flush()
	})
	return nil
}
