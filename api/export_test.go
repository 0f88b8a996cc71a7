package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
	"github.com/allvoice/allvoice/engine/export/exporttest"
)

// TestExportDownload downloads a group's data package through the API as
// its evaluator: a zip attachment that is a valid Data Package, holding
// the member who consented; a member of the group gets a problem, and
// nothing of the zip.
func TestExportDownload(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		s := newServer(t, db)
		fac, _ := s.account("Export facilitator")
		g := s.group(fac, &settingsRequest{Perspectives: []string{"carer"}})
		_, member := s.join(s.invite(fac, g.ID, inviteRequest{}), "Consenting member", "carer")
		_, evaluator := s.join(s.invite(fac, g.ID, inviteRequest{Role: engine.RoleEvaluator}), "Evaluator", "")
		r := s.round(fac, g.ID, "What next?")
		s.transition(fac, r.ID, "open")
		p := s.propose(member, r.ID, "An idea for the export")
		s.transition(fac, r.ID, "rating")
		s.ok(call{method: http.MethodPost, path: "/rounds/" + r.ID + "/ratings", token: member, body: ratingRequest{ProposalID: p.ID, Value: intp(4)}}, http.StatusCreated, nil)

		got := s.do(call{method: http.MethodGet, path: "/groups/" + g.ID + "/export", token: evaluator})
		if got.status != http.StatusOK || got.header.Get("Content-Type") != "application/zip" ||
			!strings.HasPrefix(got.header.Get("Content-Disposition"), "attachment; filename=") {
			t.Fatalf("export: %d %v", got.status, got.header)
		}
		fs := exporttest.Open(t, got.body)
		d := fs.Descriptor(t)
		for _, err := range exporttest.ValidateDescriptor(d) {
			t.Error(err)
		}
		for _, err := range exporttest.ValidateData(fs, d) {
			t.Error(err)
		}
		if rows := fs.Rows(t, "data/rating_events.csv"); len(rows) != 1 || rows[0]["value"] != "4" {
			t.Errorf("rating_events.csv = %v, want the one rating", rows)
		}

		denied := s.do(call{method: http.MethodGet, path: "/groups/" + g.ID + "/export", token: member})
		if denied.status != http.StatusForbidden || !strings.HasPrefix(denied.header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("a member's export: %d %s %s", denied.status, denied.header.Get("Content-Type"), denied.body)
		}
	})
}
