package api

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
	"github.com/allvoice/allvoice/engine/polis"
)

// TestImportPolis imports a real Polis conversation through the API on
// both databases and reads it back: one closed round whose agenda holds
// every comment a moderator did not reject, analysable at once.
func TestImportPolis(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(polisDir(), "comments.csv"))
	if err != nil {
		t.Fatal(err)
	}
	comments, err := polis.ParseComments(bytes.NewReader(raw), polis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, c := range comments {
		if c.Moderated != polis.ModeratedRejected {
			kept++
		}
	}
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		s := newServer(t, db)
		fac, _ := s.account("Importer")
		body, ct := polisExport(t, "London youth policing")
		var res engine.PolisImportResult
		s.ok(call{method: http.MethodPost, path: "/imports/polis", token: fac, body: body, header: map[string]string{"Content-Type": ct}}, http.StatusCreated, &res)
		if res.Proposals != kept || res.Rejected != len(comments)-kept || res.Members == 0 || res.Ratings == 0 {
			t.Fatalf("import = %+v; the export has %d comments, %d not rejected", res, len(comments), kept)
		}
		var rounds listBody[*engine.Round]
		s.ok(call{method: http.MethodGet, path: "/groups/" + res.Group.ID + "/rounds", token: fac}, http.StatusOK, &rounds)
		if len(rounds.Items) != 1 || rounds.Items[0].State != engine.RoundClosed || rounds.Items[0].ID != res.RoundID {
			t.Fatalf("rounds = %+v", rounds.Items)
		}
		var results listBody[engine.ProposalResults]
		s.ok(call{method: http.MethodGet, path: "/rounds/" + res.RoundID + "/results", token: fac}, http.StatusOK, &results)
		rated := 0
		for _, r := range results.Items {
			rated += r.NRated + r.NPassed
		}
		if len(results.Items) != kept || rated != res.Ratings {
			t.Fatalf("%d results with %d ratings; import reported %d proposals, %d ratings", len(results.Items), rated, res.Proposals, res.Ratings)
		}
	})
}

// TestImportPolisBadFiles checks a broken or incomplete export is refused
// with the file named, and creates nothing.
func TestImportPolisBadFiles(t *testing.T) {
	s := newServer(t, bunstoretest.SQLite(t))
	fac, _ := s.account("Importer")
	form := func(files map[string]string) (string, []byte) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		_ = w.WriteField("name", "Broken")
		for name, content := range files {
			part, _ := w.CreateFormFile(name, name+".csv")
			_, _ = part.Write([]byte(content))
		}
		_ = w.Close()
		return w.FormDataContentType(), buf.Bytes()
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
		field string
	}{
		{"votes missing", map[string]string{"comments": "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n1,x,1,1,0,0,1,hello\n"}, "votes"},
		{"not a Polis file", map[string]string{"comments": "name,age\nbob,3\n", "votes": "a,b\n1,2\n"}, "comments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := s.on(t)
			ct, body := form(tc.files)
			r := s.do(call{method: http.MethodPost, path: "/imports/polis", token: fac, body: body, header: map[string]string{"Content-Type": ct}})
			if r.status != http.StatusUnprocessableEntity || !hasField(r.problem(t), tc.field) {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
		})
	}
	var groups pageBody[*engine.Group]
	s.ok(call{method: http.MethodGet, path: "/groups", token: fac}, http.StatusOK, &groups)
	if len(groups.Items) != 0 {
		t.Fatalf("failed imports left %d groups", len(groups.Items))
	}
}
