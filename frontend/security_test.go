package frontend

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
)

// TestSecurityHeaders checks every kind of page carries the CSP and the
// other headers, including error pages rendered outside the middleware.
func TestSecurityHeaders(t *testing.T) {
	h := newHarness(t)
	c := h.client()
	for _, p := range []string{"/", "/login", "/no-such-page", "/join/avi_nonsense"} {
		r := c.get(p)
		if got := r.Header.Get("Content-Security-Policy"); got != ContentSecurityPolicy {
			t.Errorf("%s: CSP %q", p, got)
		}
		for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
			"Referrer-Policy": "same-origin", "Cache-Control": "no-store"} {
			if got := r.Header.Get(h); got != want {
				t.Errorf("%s: %s = %q, want %q", p, h, got, want)
			}
		}
	}
	r := c.get("/no-such-page")
	mustStatus(t, r, http.StatusNotFound)
	if !strings.Contains(r.Body, "Page not found") {
		t.Error("404 page lacks its heading")
	}
}

// TestCSRF checks that a form post without the token, or with a token
// from another browser, is refused, and that the htmx header works.
func TestCSRF(t *testing.T) {
	h := newHarness(t)
	c := h.client()
	c.get("/login")
	form := url.Values{"email": {"x@example.org"}, "password": {"whatever password"}, "_csrf": {"forged"}}
	req, _ := http.NewRequest(http.MethodPost, h.base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r := c.do(req)
	mustStatus(t, r, http.StatusForbidden)
	if !strings.Contains(r.Body, "This form has expired") {
		t.Errorf("CSRF refusal page:\n%s", excerpt(r.Body))
	}
	// Another browser's token does not work with this browser's cookie.
	other := h.client()
	other.get("/login")
	form.Set("_csrf", other.csrf)
	req, _ = http.NewRequest(http.MethodPost, h.base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	mustStatus(t, c.do(req), http.StatusForbidden)
	// The right token in the htmx header is accepted.
	form.Del("_csrf")
	req, _ = http.NewRequest(http.MethodPost, h.base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Csrf-Token", c.csrf)
	mustStatus(t, c.do(req), http.StatusUnprocessableEntity) // past CSRF: wrong password
	// And in the form field.
	mustStatus(t, c.post("/login", url.Values{"email": {"x@example.org"}, "password": {"whatever password"}}), http.StatusUnprocessableEntity)
}

// TestSecureCookies checks cookie names and attributes when served over
// HTTPS.
func TestSecureCookies(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.SecureCookies = true })
	r, err := http.Get(h.base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	var csrfCk *http.Cookie
	for _, ck := range r.Cookies() {
		if ck.Name == "__Host-allvoice_csrf" {
			csrfCk = ck
		}
	}
	if csrfCk == nil || !csrfCk.Secure || !csrfCk.HttpOnly || csrfCk.Path != "/" || csrfCk.Domain != "" || csrfCk.SameSite != http.SameSiteLaxMode {
		t.Fatalf("CSRF cookie %+v", csrfCk)
	}
	if h.fe.sessionCookieName() != "__Host-allvoice_session" {
		t.Fatalf("session cookie name %q", h.fe.sessionCookieName())
	}
}

// TestInviteLinksUsePublicURL checks invite links use the configured public
// address rather than the address the request reached.
func TestInviteLinksUsePublicURL(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.PublicURL = "https://allvoice.example.org/" })
	w := h.newWorld("", engine.GroupSettings{})
	c := h.client().signedIn(w.facilitatorTok)
	c.get("/groups/" + w.group.ID + "/invites/new")
	r := c.post("/groups/"+w.group.ID+"/invites/new", url.Values{"kind": {"single_use"}, "role": {"member"}, "perspective": {""}})
	mustStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, `id="invite-link">https://allvoice.example.org/join/avi_`) || !strings.Contains(r.Body, "go to https://allvoice.example.org/join and") {
		t.Errorf("invite link should use the public address:\n%s", excerpt(r.Body))
	}
}

// TestAuthorisationByRole checks the pages refuse what the engine refuses:
// members cannot run rounds, people outside a group cannot see it, the
// signed-out are sent to sign in, and role pages open only for their role.
func TestAuthorisationByRole(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld(engine.TransitionRating, engine.GroupSettings{})
	ctx := context.Background()
	m, memberTok, err := h.eng.Join(ctx, engine.Actor{}, engine.JoinInput{Token: w.inviteToken, DisplayName: "Mo"})
	if err != nil {
		t.Fatal(err)
	}
	_ = m
	// A second facilitator with a group of their own.
	_, otherTok, err := h.eng.SignUp(ctx, engine.SignUpInput{Email: "other@example.org", Name: "Other", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	// An evaluator and a safeguarding lead join by invite with accounts.
	role := func(email, role string) string {
		_, tok, err := h.eng.SignUp(ctx, engine.SignUpInput{Email: email, Name: role, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := h.eng.Authenticate(ctx, tok)
		_, inv, err := h.eng.CreateInvite(ctx, w.facilitator, w.group.ID, engine.InviteInput{Role: role})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := h.eng.Join(ctx, a, engine.JoinInput{Token: inv, DisplayName: role}); err != nil {
			t.Fatal(err)
		}
		return tok
	}
	evalTok := role("eval@example.org", engine.RoleEvaluator)
	leadTok := role("lead@example.org", engine.RoleSafeguardingLead)

	g, r := "/groups/"+w.group.ID, "/rounds/"+w.round.ID
	tests := []struct {
		who    string
		token  string
		path   string
		status int
	}{
		{"facilitator", w.facilitatorTok, r + "/manage", http.StatusOK},
		{"facilitator", w.facilitatorTok, r + "/dashboard", http.StatusOK},
		{"facilitator", w.facilitatorTok, g + "/settings", http.StatusOK},
		{"facilitator", w.facilitatorTok, g + "/evaluation", http.StatusOK},
		{"facilitator", w.facilitatorTok, g + "/safeguarding", http.StatusForbidden},
		{"member", memberTok, r, http.StatusOK},
		{"member", memberTok, g + "/my-input", http.StatusOK},
		{"member", memberTok, r + "/manage", http.StatusForbidden},
		{"member", memberTok, r + "/dashboard", http.StatusForbidden},
		{"member", memberTok, r + "/projector", http.StatusForbidden},
		{"member", memberTok, r + "/events", http.StatusForbidden},
		{"member", memberTok, r + "/assist", http.StatusForbidden},
		{"member", memberTok, g + "/settings", http.StatusForbidden},
		{"member", memberTok, g + "/invites", http.StatusForbidden},
		{"member", memberTok, g + "/members", http.StatusForbidden},
		{"member", memberTok, g + "/evaluation", http.StatusForbidden},
		{"member", memberTok, g + "/safeguarding", http.StatusForbidden},
		{"other facilitator", otherTok, g, http.StatusNotFound},
		{"other facilitator", otherTok, r, http.StatusNotFound},
		{"other facilitator", otherTok, r + "/manage", http.StatusNotFound},
		{"other facilitator", otherTok, r + "/events", http.StatusNotFound},
		{"evaluator", evalTok, g + "/evaluation", http.StatusOK},
		{"evaluator", evalTok, g + "/safeguarding", http.StatusForbidden},
		{"evaluator", evalTok, r + "/manage", http.StatusForbidden},
		{"safeguarding lead", leadTok, g + "/safeguarding", http.StatusOK},
		{"safeguarding lead", leadTok, g + "/evaluation", http.StatusForbidden},
		{"safeguarding lead", leadTok, r + "/manage", http.StatusForbidden},
		{"signed out", "", r, http.StatusSeeOther},
		{"signed out", "", g + "/evaluation", http.StatusSeeOther},
		{"signed out", "", r + "/events", http.StatusSeeOther},
		{"bad cookie", "avm_not-a-real-session", r, http.StatusSeeOther},
	}
	for _, tt := range tests {
		c := h.client()
		if tt.token != "" {
			c.signedIn(tt.token)
		}
		got := c.get(tt.path)
		if got.StatusCode != tt.status {
			t.Errorf("%s GET %s: %d, want %d", tt.who, tt.path, got.StatusCode, tt.status)
		}
	}
	// The evaluator sees pseudonyms, never names.
	c := h.client().signedIn(evalTok)
	page := c.get(g + "/evaluation")
	if strings.Contains(page.Body, ">Mo<") || !regexp.MustCompile(`m_[0-9a-f]{16}`).MatchString(page.Body) {
		t.Errorf("evaluation page should show pseudonyms only:\n%s", excerpt(page.Body))
	}
	// Members see the group's home page with links for members only.
	page = h.client().signedIn(memberTok).get(g)
	if strings.Contains(page.Body, "/settings") || strings.Contains(page.Body, "/invites") {
		t.Error("a member's group page must not link to facilitator pages")
	}
	// Posting as a member to a facilitator action is refused by the engine.
	mc := h.client().signedIn(memberTok)
	mc.get(r)
	resp := mc.post(r+"/transition", url.Values{"to": {"close"}})
	mustStatus(t, resp, http.StatusForbidden)
}

// TestNoInlineScriptOrStyle checks rendered pages carry no inline script,
// style attribute or event handler, which the CSP would block.
func TestNoInlineScriptOrStyle(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld(engine.TransitionRating, engine.GroupSettings{})
	c := h.client().signedIn(w.facilitatorTok)
	bad := regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>[^<]+</script>|\sstyle=|\son[a-z]+=|<style`)
	for _, p := range []string{"/", "/groups", "/groups/" + w.group.ID, "/groups/" + w.group.ID + "/settings", "/groups/new",
		"/rounds/" + w.round.ID, "/rounds/" + w.round.ID + "/manage", "/rounds/" + w.round.ID + "/dashboard",
		"/rounds/" + w.round.ID + "/projector", "/groups/" + w.group.ID + "/invites/new", "/groups/" + w.group.ID + "/members"} {
		r := c.get(p)
		if r.StatusCode >= 300 {
			r = c.follow(r)
		}
		mustStatus(t, r, http.StatusOK)
		if m := bad.FindString(r.Body); m != "" {
			t.Errorf("%s has inline code or style: %q", p, m)
		}
		ids := map[string]int{}
		for _, m := range regexp.MustCompile(`\sid="([^"]+)"`).FindAllStringSubmatch(r.Body, -1) {
			ids[m[1]]++
		}
		for id, n := range ids {
			if n > 1 {
				t.Errorf("%s: id %q used %d times", p, id, n)
			}
		}
		if !strings.Contains(r.Body, `<html lang="en">`) || !strings.Contains(r.Body, `href="#main"`) || !strings.Contains(r.Body, `<main id="main"`) {
			t.Errorf("%s lacks lang, skip link or main landmark", p)
		}
	}
}

// TestSafeNext keeps login's return address on this site.
func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/groups": "/groups", "/rounds/x?y=1": "/rounds/x?y=1", "//evil.example": "/", "https://evil.example": "/",
		"/\\evil.example": "/", "": "/", "/a\r\nSet-Cookie: x": "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
