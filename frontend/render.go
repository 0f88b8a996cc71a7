package frontend

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/allvoice/allvoice/engine"
)

//go:embed templates
var templateFS embed.FS

// views holds every page template, parsed once per language so that the
// t function of each set reads that language's catalogue.
type views struct {
	pages map[string]map[string]*template.Template // lang → page → template
}

func loadViews(cats Catalogues, as *assets) (*views, error) {
	pageFiles, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	v := &views{pages: map[string]map[string]*template.Template{}}
	for lang, cat := range cats {
		base := template.New("layout").Funcs(templateFuncs(cat, as))
		if base, err = base.ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html"); err != nil {
			return nil, fmt.Errorf("frontend: templates: %w", err)
		}
		v.pages[lang] = map[string]*template.Template{}
		for _, pf := range pageFiles {
			t, err := base.Clone()
			if err != nil {
				return nil, err
			}
			if t, err = t.ParseFS(templateFS, pf); err != nil {
				return nil, fmt.Errorf("frontend: templates: %w", err)
			}
			v.pages[lang][strings.TrimSuffix(path.Base(pf), ".html")] = t
		}
	}
	return v, nil
}

// templateFuncs are the functions templates may call; t and n read the
// catalogue of the set's language.
func templateFuncs(cat *Catalogue, as *assets) template.FuncMap {
	return template.FuncMap{
		"t":     cat.T,
		"n":     cat.N,
		"maybe": cat.Maybe,
		"asset": as.URL,
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m, nil
		},
		"list": func(items ...any) []any { return items },
		"add":  func(a, b int) int { return a + b },
		"str":  func(v any) string { return fmt.Sprint(v) },
		"itoa": strconv.Itoa,
		"date": func(t any) string { return formatDate(cat, t, false) },
		"datetime": func(t any) string {
			return formatDate(cat, t, true)
		},
		"scaleLabel": func(kind string, v int) string { return scaleLabel(cat, kind, v) },
		"role":       func(r string) string { return cat.T("role." + r) },
		"lines":      func(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") },
		"paras":      paragraphs,
		"percent": func(p *float64) string {
			if p == nil {
				return ""
			}
			return pct(*p)
		},
	}
}

// paragraphs splits text into paragraphs at blank lines, so long text
// typed by people reads as paragraphs without allowing any markup.
func paragraphs(s string) []string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n")
	var out []string
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// formatDate renders a time as "22 November 2026" (and "at 14:05" when
// withTime), month names from the catalogue. Times are shown in UTC, which
// the page says.
func formatDate(cat *Catalogue, v any, withTime bool) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x == nil {
			return ""
		}
		t = *x
	default:
		return ""
	}
	t = t.UTC()
	s := cat.T("date.format", "day", t.Day(), "month", cat.T("month."+strconv.Itoa(int(t.Month()))), "year", t.Year())
	if withTime {
		s = cat.T("date.with_time", "date", s, "time", t.Format("15:04"))
	}
	return s
}

// scaleLabel is the visible label of one point of a scale.
func scaleLabel(cat *Catalogue, kind string, v int) string {
	return cat.T("scale." + kind + "." + strconv.Itoa(v))
}

// page is what every template receives. Data holds the page's own model.
type page struct {
	Lang      string
	Title     string
	CSRF      string
	Nav       *navInfo
	Errors    formErrors
	Form      formValues
	Flash     string
	Live      bool // load the SSE extension
	BodyClass string
	Path      string
	Data      any
}

// navInfo says who is signed in, for the header.
type navInfo struct {
	Name    string
	Account bool
	GroupID string
}

// catalogue returns the catalogue for the request. Only English ships; the
// Accept-Language header picks another catalogue once one exists.
func (f *Frontend) catalogue(c *fiber.Ctx) *Catalogue {
	if len(f.cats) > 1 {
		for _, tag := range strings.Split(c.Get(fiber.HeaderAcceptLanguage), ",") {
			tag = strings.ToLower(strings.TrimSpace(strings.SplitN(tag, ";", 2)[0]))
			if cat, ok := f.cats[strings.SplitN(tag, "-", 2)[0]]; ok {
				return cat
			}
		}
	}
	return f.cats[DefaultLanguage]
}

// render executes a page template with status. Every page is personal to
// its reader, so none may be stored by a browser or proxy cache.
func (f *Frontend) render(c *fiber.Ctx, status int, name string, p *page) error {
	cat := f.catalogue(c)
	p.Lang = cat.Lang
	p.CSRF = csrfToken(c)
	p.Path = c.Path()
	if p.Form == nil {
		p.Form = formValues{}
	}
	if p.Flash == "" {
		if fl := c.Query("done"); fl != "" && cat.Has("flash."+fl) {
			p.Flash = "flash." + fl
		}
	}
	if p.Nav == nil {
		p.Nav = f.nav(c)
	}
	t := f.views.pages[cat.Lang][name]
	if t == nil {
		return fmt.Errorf("frontend: no page template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		f.log.ErrorContext(c.UserContext(), "frontend: render", "page", name, "err", err)
		return c.Status(fiber.StatusInternalServerError).SendString("internal error")
	}
	setPageHeaders(c)
	c.Type("html", "utf-8")
	return c.Status(status).Send(buf.Bytes())
}

// setPageHeaders repeats the security headers every page must carry, so
// that pages rendered outside the middleware chain (the not-found page
// behind every route, CSRF failures) carry them too.
func setPageHeaders(c *fiber.Ctx) {
	c.Set(fiber.HeaderContentSecurityPolicy, ContentSecurityPolicy)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	c.Set(fiber.HeaderCacheControl, "no-store")
}

// nav looks up who is signed in for the page header.
func (f *Frontend) nav(c *fiber.Ctx) *navInfo {
	actor := actorOf(c)
	if actor.Anonymous() {
		return nil
	}
	me, err := f.eng.WhoAmI(c.UserContext(), actor)
	if err != nil {
		return nil
	}
	if me.Account != nil {
		return &navInfo{Name: me.Account.Name, Account: true}
	}
	return &navInfo{Name: me.Member.DisplayName, GroupID: me.Member.GroupID}
}

// title is a helper for handlers: the translated page title.
func (f *Frontend) title(c *fiber.Ctx, key string, args ...any) string {
	return f.catalogue(c).T(key, args...)
}

// errorPage is the model of the error template.
type errorPage struct {
	Heading string
	Body    string
	Status  int
	SignIn  bool
}

// renderStatus renders the error page for status with the catalogue
// entries key.title and key.body.
func (f *Frontend) renderStatus(c *fiber.Ctx, status int, key string) error {
	cat := f.catalogue(c)
	ep := &errorPage{Heading: cat.T(key + ".title"), Body: cat.T(key + ".body"), Status: status,
		SignIn: status == fiber.StatusUnauthorized}
	return f.render(c, status, "error", &page{Title: ep.Heading, Data: ep})
}

// renderError answers a request that failed with err: a page in plain
// words for the engine's error code. Internal details are logged, never
// shown; nothing the person typed is logged.
func (f *Frontend) renderError(c *fiber.Ctx, err error) error {
	switch engine.ErrorCode(err) {
	case engine.ENOTFOUND:
		return f.renderStatus(c, fiber.StatusNotFound, "error.not_found")
	case engine.EFORBIDDEN:
		return f.renderStatus(c, fiber.StatusForbidden, "error.forbidden")
	case engine.EUNAUTHORIZED:
		if c.Method() == fiber.MethodGet && actorOf(c).Anonymous() {
			return c.Redirect("/login?next="+url.QueryEscape(safeNext(c.OriginalURL())), fiber.StatusSeeOther)
		}
		return f.renderStatus(c, fiber.StatusUnauthorized, "error.unauthorized")
	case engine.ECONFLICT:
		cat := f.catalogue(c)
		ep := &errorPage{Heading: cat.T("error.conflict.title"), Body: engine.ErrorMessage(err), Status: fiber.StatusConflict}
		return f.render(c, fiber.StatusConflict, "error", &page{Title: ep.Heading, Data: ep})
	case engine.EINVALID:
		cat := f.catalogue(c)
		ep := &errorPage{Heading: cat.T("error.invalid.title"), Body: engine.ErrorMessage(err), Status: fiber.StatusUnprocessableEntity}
		return f.render(c, fiber.StatusUnprocessableEntity, "error", &page{Title: ep.Heading, Data: ep})
	case engine.EUNAVAILABLE:
		f.log.WarnContext(c.UserContext(), "frontend: engine unavailable", "route", routeOf(c), "err", err)
		return f.renderStatus(c, fiber.StatusServiceUnavailable, "error.unavailable")
	}
	f.log.ErrorContext(c.UserContext(), "frontend: request failed", "route", routeOf(c), "method", c.Method(), "err", err)
	return f.renderStatus(c, fiber.StatusInternalServerError, "error.internal")
}

// routeOf is the route pattern of the request, safe to log: it holds no
// tokens or ids.
func routeOf(c *fiber.Ctx) string {
	if r := c.Route(); r != nil {
		return r.Path
	}
	return ""
}

// safeNext keeps a return address only when it is a path on this site, so
// the login page cannot be used to send people elsewhere.
func safeNext(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n") {
		return "/"
	}
	return p
}

// NotFound renders the not-found page. Register it after every other route
// (app.Use(fe.NotFound)) so unknown addresses get a page, not a bare 404.
func (f *Frontend) NotFound(c *fiber.Ctx) error {
	return f.renderStatus(c, fiber.StatusNotFound, "error.not_found")
}
