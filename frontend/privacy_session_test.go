package frontend

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
)

// sessionCookie returns the session cookie a response sets, or nil.
func sessionCookie(r *http.Response, name string) *http.Cookie {
	for _, ck := range r.Cookies() {
		if ck.Name == name {
			return ck
		}
	}
	return nil
}

// TestSessionRegeneratedOnLogin: signing in always issues a new session
// id, so an id planted in a browser before sign-in (session fixation) is
// worth nothing; a second sign-in gets another id; signing out ends the
// session on the server, not only in the browser.
func TestSessionRegeneratedOnLogin(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("", engine.GroupSettings{})
	ctx := context.Background()
	login := func(c *client) string {
		t.Helper()
		c.get("/login")
		r := c.post("/login", url.Values{"email": {"fac@example.org"}, "password": {"correct horse battery"}})
		mustStatus(t, r, http.StatusSeeOther)
		ck := sessionCookie(r.Response, SessionCookie)
		if ck == nil || ck.Value == "" {
			t.Fatalf("sign-in set no session cookie: %v", r.Header["Set-Cookie"])
		}
		return ck.Value
	}

	// An attacker plants a session id of their choosing, or one of a
	// real session of theirs, before the victim signs in.
	for _, planted := range []string{"avs_planted-by-someone-else", w.facilitatorTok} {
		c := h.client().signedIn(planted)
		got := login(c)
		if got == planted {
			t.Fatalf("sign-in kept the session id the browser came with")
		}
		if _, err := h.eng.Authenticate(ctx, got); err != nil {
			t.Errorf("the new session does not authenticate: %v", err)
		}
	}
	planted := "avs_planted-by-someone-else"
	if _, err := h.eng.Authenticate(ctx, planted); engine.ErrorCode(err) != engine.EUNAUTHORIZED {
		t.Errorf("the planted id authenticates after a sign-in: %v", err)
	}
	mustStatus(t, h.client().signedIn(planted).get("/groups"), http.StatusSeeOther)

	// A member's session cookie is replaced, not reused, when the same
	// browser signs in as an account.
	_, memberTok, err := h.eng.Join(ctx, engine.Actor{}, engine.JoinInput{Token: w.inviteToken, DisplayName: "Mo"})
	if err != nil {
		t.Fatal(err)
	}
	c := h.client().signedIn(memberTok)
	first := login(c)
	if first == memberTok {
		t.Error("signing in kept the member session's id")
	}
	second := login(c)
	if second == first {
		t.Error("a second sign-in reused the first session's id")
	}

	// Signing out revokes the session on the server: the id copied
	// before is refused afterwards.
	c = h.client().signedIn(second)
	c.get("/groups")
	r := c.post("/logout", nil)
	mustStatus(t, r, http.StatusSeeOther)
	if ck := sessionCookie(r.Response, SessionCookie); ck == nil || ck.Value != "" {
		t.Error("signing out should clear the cookie")
	}
	if _, err := h.eng.Authenticate(ctx, second); engine.ErrorCode(err) != engine.EUNAUTHORIZED {
		t.Errorf("a signed-out session still authenticates: %v", err)
	}
	mustStatus(t, h.client().signedIn(second).get("/groups"), http.StatusSeeOther)
}

// rawGet fetches a path without a cookie jar, so Secure cookies can be
// read over the test's plain HTTP.
func rawGet(t *testing.T, h *harness, path string, cookies ...*http.Cookie) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.base+path, nil)
	for _, ck := range cookies {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	r, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return r, string(b)
}

// TestSessionCookieFlags checks the session cookie of an account and of a
// member who joined by link: HttpOnly (no script reads it), SameSite=Lax
// (not sent on cross-site posts), Path=/ without a Domain; with secure
// cookies also Secure and named __Host-, which browsers accept only from
// HTTPS and no subdomain can set. Accounts get a browser-session cookie;
// members a long-lived one.
func TestSessionCookieFlags(t *testing.T) {
	for _, secure := range []bool{false, true} {
		h := newHarness(t, func(c *Config) { c.SecureCookies = secure })
		w := h.newWorld("", engine.GroupSettings{})
		name, csrfName := SessionCookie, csrfCookie
		if secure {
			name, csrfName = SecureSessionCookie, secureCSRFCookie
		}
		r, body := rawGet(t, h, "/login")
		csrfCk := sessionCookie(r, csrfName)
		tok := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(body)
		if csrfCk == nil || tok == nil {
			t.Fatalf("secure %v: no CSRF cookie %q or token", secure, csrfName)
		}
		post := func(path string, form url.Values) *http.Response {
			form.Set("_csrf", tok[1])
			req, _ := http.NewRequest(http.MethodPost, h.base+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: csrfCk.Name, Value: csrfCk.Value})
			resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp
		}
		account := post("/login", url.Values{"email": {"fac@example.org"}, "password": {"correct horse battery"}})
		member := post("/join/"+w.inviteToken, url.Values{"step": {"consent"}, "display_name": {"Mo"}})
		for _, c := range []struct {
			who  string
			resp *http.Response
			long bool
		}{{"account", account, false}, {"member", member, true}} {
			ck := sessionCookie(c.resp, name)
			if ck == nil || ck.Value == "" {
				t.Fatalf("secure %v: the %s got no %s cookie: %v", secure, c.who, name, c.resp.Header["Set-Cookie"])
			}
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Domain != "" || ck.Secure != secure {
				t.Errorf("secure %v: the %s's session cookie %+v", secure, c.who, ck)
			}
			if long := !ck.Expires.IsZero() || ck.MaxAge > 0; long != c.long {
				t.Errorf("secure %v: the %s's session cookie lasts beyond the browser session: %v, want %v", secure, c.who, long, c.long)
			}
		}
		if !csrfCk.HttpOnly || csrfCk.SameSite != http.SameSiteLaxMode || csrfCk.Secure != secure {
			t.Errorf("secure %v: CSRF cookie %+v", secure, csrfCk)
		}
	}
}

// TestSecurityHeadersOnEveryKind checks the headers on every kind of
// response the pages give: a page, a redirect, an error page, a download,
// a static file. Pages and downloads carry the CSP (which forbids framing
// with frame-ancestors), nosniff, a same-origin referrer policy and no
// caching; static files are versioned and cached, but nosniff too.
func TestSecurityHeadersOnEveryKind(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld(engine.TransitionOpen, engine.GroupSettings{})
	_, tok, err := h.eng.Join(context.Background(), engine.Actor{}, engine.JoinInput{Token: w.inviteToken, DisplayName: "Mo"})
	if err != nil {
		t.Fatal(err)
	}
	c := h.client().signedIn(tok)
	g := "/groups/" + w.group.ID
	for _, p := range []struct {
		path   string
		status int
	}{
		{g, http.StatusOK}, {g + "/me/data.json", http.StatusOK}, {g + "/settings", http.StatusForbidden},
		{"/groups/00000000-0000-0000-0000-000000000000", http.StatusNotFound}, {"/no-such-page", http.StatusNotFound},
	} {
		r := c.get(p.path)
		mustStatus(t, r, p.status)
		for name, want := range map[string]string{"Content-Security-Policy": ContentSecurityPolicy, "X-Content-Type-Options": "nosniff",
			"Referrer-Policy": "same-origin", "Cache-Control": "no-store", "X-Frame-Options": "DENY"} {
			if got := r.Header.Get(name); got != want {
				t.Errorf("%s: %s = %q, want %q", p.path, name, got, want)
			}
		}
	}
	if !strings.Contains(ContentSecurityPolicy, "frame-ancestors 'none'") || strings.Contains(ContentSecurityPolicy, "unsafe-") {
		t.Errorf("CSP %q must forbid framing and allow nothing unsafe", ContentSecurityPolicy)
	}
	// A redirect to sign in carries the headers too.
	r := h.client().get(g)
	mustStatus(t, r, http.StatusSeeOther)
	if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("a redirect lacks the security headers: %v", r.Header)
	}
	for _, name := range []string{appStyle, appScript, htmxScript} {
		r := c.get(h.fe.assets.URL(name))
		mustStatus(t, r, http.StatusOK)
		if r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s is served without nosniff: %v", name, r.Header)
		}
	}
}
