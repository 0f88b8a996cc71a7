package frontend

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/export/exporttest"
)

// TestExportDownload: the evaluation page links to the research export,
// which downloads as a zip data package for an evaluator; a member gets
// the forbidden page and no zip.
func TestExportDownload(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld(engine.TransitionRating, engine.GroupSettings{})
	ctx := context.Background()
	_, evalTok, err := h.eng.SignUp(ctx, engine.SignUpInput{Email: "eval@example.org", Name: "Eve", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	eval, _ := h.eng.Authenticate(ctx, evalTok)
	_, inv, err := h.eng.CreateInvite(ctx, w.facilitator, w.group.ID, engine.InviteInput{Role: engine.RoleEvaluator})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.eng.Join(ctx, eval, engine.JoinInput{Token: inv, DisplayName: "Eve"}); err != nil {
		t.Fatal(err)
	}
	_, memberTok, err := h.eng.Join(ctx, engine.Actor{}, engine.JoinInput{Token: w.inviteToken, DisplayName: "Mo"})
	if err != nil {
		t.Fatal(err)
	}

	g := "/groups/" + w.group.ID
	c := h.client().signedIn(evalTok)
	page := c.get(g + "/evaluation")
	if !strings.Contains(page.Body, `href="`+g+`/export"`) {
		t.Fatalf("the evaluation page has no export link:\n%s", excerpt(page.Body))
	}
	zip := c.get(g + "/export")
	if zip.StatusCode != http.StatusOK || zip.Header.Get("Content-Type") != "application/zip" ||
		!strings.HasPrefix(zip.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("export: %d %v", zip.StatusCode, zip.Header)
	}
	fs := exporttest.Open(t, []byte(zip.Body))
	for _, err := range exporttest.ValidateDescriptor(fs.Descriptor(t)) {
		t.Error(err)
	}
	denied := h.client().signedIn(memberTok).get(g + "/export")
	if denied.StatusCode != http.StatusForbidden || strings.HasPrefix(denied.Body, "PK") {
		t.Errorf("a member's export: %d %q", denied.StatusCode, excerpt(denied.Body))
	}
	head, _ := http.NewRequest(http.MethodHead, h.base+g+"/export", nil)
	if r := c.do(head); r.StatusCode != http.StatusOK || r.Body != "" {
		t.Errorf("HEAD export: %d %q", r.StatusCode, r.Body)
	}
}
