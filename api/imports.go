package api

import (
	"context"
	"io"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/allvoice/allvoice/engine"
)

// importForm is a Polis open-data export as a multipart form.
type importForm struct {
	Name     string        `form:"name" maxLength:"200" doc:"The new group's name."`
	Comments huma.FormFile `form:"comments" contentType:"text/csv,text/plain,application/octet-stream" doc:"comments.csv of the export."`
	Votes    huma.FormFile `form:"votes" contentType:"text/csv,text/plain,application/octet-stream" doc:"votes.csv of the export."`
}

func (a *API) registerImport() {
	huma.Register(a.huma, with(op("importPolis", http.MethodPost, "/imports/polis", "Import",
		"Import a Polis open-data export (comments.csv, votes.csv) as a group with one closed round"), func(o *huma.Operation) {
		o.MaxBodyBytes = maxImportBytes
	}),
		func(ctx context.Context, in *struct {
			RawBody huma.MultipartFormFiles[importForm]
		}) (*out[*engine.PolisImportResult], error) {
			f := in.RawBody.Data()
			var comments, votes io.Reader
			if f.Comments.IsSet {
				defer f.Comments.Close()
				comments = f.Comments
			}
			if f.Votes.IsSet {
				defer f.Votes.Close()
				votes = f.Votes
			}
			return bodyOf(a.eng.ImportPolis(ctx, actorFrom(ctx), engine.PolisImport{Name: own(f.Name), Comments: comments, Votes: votes}))
		})
}
