package frontend

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The browser tests drive Debian's chromium through chromedp. One browser
// serves the whole test binary; each test gets its own browser context
// (its own cookies). Without chromium the tests skip, unless
// ALLVOICE_REQUIRE_BROWSER=1, when they fail. Screenshots go to
// $ALLVOICE_SCREENSHOTS when set.

// Environment variables read by the browser tests.
const (
	envRequireBrowser = "ALLVOICE_REQUIRE_BROWSER"
	envScreenshots    = "ALLVOICE_SCREENSHOTS"
)

var (
	browserOnce   sync.Once
	browserCtx    context.Context
	browserCancel []context.CancelFunc
	browserErr    error
	axeOnce       sync.Once
	axeSource     string
	axeErr        error
)

// stopBrowser closes the shared browser; TestMain calls it.
func stopBrowser() {
	for i := len(browserCancel) - 1; i >= 0; i-- {
		browserCancel[i]()
	}
}

// requireOrSkip skips t, or fails it when the browser is required.
func requireOrSkip(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv(envRequireBrowser) == "1" {
		t.Fatalf(format+" (required by "+envRequireBrowser+"=1)", args...)
	}
	t.Skipf(format, args...)
}

// startBrowser launches chromium once per test binary, with the flags a
// closed network and a root user need.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	browserOnce.Do(func() {
		bin, err := exec.LookPath("chromium")
		if err != nil {
			browserErr = fmt.Errorf("chromium not found: %w", err)
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
			chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true),
			chromedp.Flag("lang", "en-GB"), chromedp.WindowSize(1280, 900))
		actx, c1 := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, c2 := chromedp.NewContext(actx)
		browserCancel = append(browserCancel, c1, c2)
		if err := chromedp.Do(bctx); err != nil {
			browserErr = fmt.Errorf("start chromium: %w", err)
			return
		}
		browserCtx = bctx
	})
	if browserErr != nil {
		requireOrSkip(t, "browser tests need chromium: %v", browserErr)
	}
	return browserCtx
}

// loadAxe reads axe-core, installed from npm (frontend/package.json).
func loadAxe(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() {
		b, err := os.ReadFile(filepath.Join("node_modules", "axe-core", "axe.min.js"))
		axeSource, axeErr = string(b), err
	})
	if axeErr != nil {
		requireOrSkip(t, "accessibility checks need axe-core (run npm ci in frontend/): %v", axeErr)
	}
	return axeSource
}

// tab is one browser tab in a fresh browser context, driving one person's
// session against a harness.
type tab struct {
	t     *testing.T
	ctx   context.Context
	h     *harness
	jsOff bool
	name  string
	axe   string
	// pages records every page checked, for the report.
	pages []string
}

// newTab opens a tab for the journey name, with JavaScript on or off.
func newTab(t *testing.T, h *harness, name string, jsOff bool) *tab {
	t.Helper()
	bctx := startBrowser(t)
	axe := loadAxe(t)
	ctx, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	tctx, cancelT := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(cancelT)
	b := &tab{t: t, ctx: tctx, h: h, jsOff: jsOff, name: name, axe: axe}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	if jsOff {
		b.scripts(false)
	}
	return b
}

func (b *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v (at %s)", b.name, err, b.location())
	}
}

// eval evaluates JavaScript through DevTools (which works with page
// scripts disabled and is not subject to the page's CSP).
func eval[T any](b *tab, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: evaluate %q: %v (at %s)", b.name, js, err, b.location())
	}
	return v
}

func (b *tab) location() string {
	v, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
	return v
}

// waitFor polls a JavaScript condition until it is true.
func (b *tab) waitFor(cond, what string) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(function(){ try { return !!(`+cond+`) } catch (e) { return false } })()`))
		if err == nil && ok {
			return
		}
		time.Sleep(40 * time.Millisecond)
	}
	body, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("main") ? document.querySelector("main").innerText : document.documentElement.outerHTML.slice(0, 2000)`))
	b.t.Fatalf("%s: waiting for %s (%s) at %s; page says:\n%s", b.name, what, cond, b.location(), body)
}

// waitPage waits until the page at a path (regular expression) shows a
// heading containing text, and has settled.
func (b *tab) waitPage(pathRE, heading string) {
	b.t.Helper()
	cond := fmt.Sprintf(`new RegExp(%q).test(location.pathname) && document.readyState === "complete" && !document.querySelector(".htmx-request, .htmx-settling, .htmx-swapping") && Array.from(document.querySelectorAll("main h1")).some(h => h.innerText.includes(%q))`, pathRE, heading)
	b.waitFor(cond, "page "+pathRE+" with heading "+heading)
}

// visit opens an address as a person would by following a link they were
// given (an invite link) or typing it.
func (b *tab) visit(path, heading string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.h.base + path))
	b.waitPage(`^`+regexp.QuoteMeta(strings.SplitN(path, "?", 2)[0])+`$`, heading)
}

// press sends keys to the focused element.
func (b *tab) press(keys string) { b.t.Helper(); b.do(chromedp.KeyEvent(keys)) }

// tabTo presses Tab until the focused element matches a CSS selector:
// proof that it can be reached with the keyboard, in the page's order.
func (b *tab) tabTo(sel string) {
	b.t.Helper()
	check := fmt.Sprintf(`!!(document.activeElement && document.activeElement.matches(%q))`, sel)
	for i := 0; i < 250; i++ {
		if eval[bool](b, check) {
			return
		}
		b.press(kb.Tab)
	}
	b.t.Fatalf("%s: %q cannot be reached with Tab at %s", b.name, sel, b.location())
}

// activate reaches a link or button with Tab and presses Enter.
func (b *tab) activate(sel string) {
	b.t.Helper()
	b.tabTo(sel)
	b.do(enterKey)
}

// spaceKey presses the space bar as a keyboard does.
var spaceKey = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	for _, p := range []input.DispatchKeyEventParams{
		{Type: input.DispatchKeyEventTypeKeyDown, Key: " ", Code: "Space", Text: " ", UnmodifiedText: " ", WindowsVirtualKeyCode: 32, NativeVirtualKeyCode: 32},
		{Type: input.DispatchKeyEventTypeKeyUp, Key: " ", Code: "Space", WindowsVirtualKeyCode: 32, NativeVirtualKeyCode: 32},
	} {
		if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, p); err != nil {
			return err
		}
	}
	return nil
})

// enterKey presses Enter as a keyboard does: one keydown carrying the
// character, then keyup. (chromedp's KeyEvent sends a separate char event
// as well, which can activate a button twice.)
var enterKey = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	for _, p := range []input.DispatchKeyEventParams{
		{Type: input.DispatchKeyEventTypeKeyDown, Key: "Enter", Code: "Enter", Text: "\r", UnmodifiedText: "\r",
			WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13},
		{Type: input.DispatchKeyEventTypeKeyUp, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13},
	} {
		if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, p); err != nil {
			return err
		}
	}
	return nil
})

// fill reaches a text field with Tab, clears it and types. A page that
// is still settling can move focus while keys are sent, so the field's
// value is checked, and the typing repeated if it went astray.
func (b *tab) fill(sel, text string) {
	b.t.Helper()
	want := strings.ReplaceAll(text, "\n", "")
	for try := 0; try < 3; try++ {
		b.tabTo(sel)
		b.do(chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)), chromedp.KeyEvent(kb.Delete))
		if text != "" {
			b.press(text)
		}
		got := eval[string](b, fmt.Sprintf(`document.querySelector(%q).value.replace(/[\r\n]/g, "")`, sel))
		if got == want {
			return
		}
		b.t.Logf("%s: typing into %s gave %q; again", b.name, sel, got)
	}
	b.t.Fatalf("%s: could not type into %s", b.name, sel)
}

// choose selects a radio button with the keyboard: Tab into the group,
// then arrow keys, as a keyboard user does.
func (b *tab) choose(name, value string) {
	b.t.Helper()
	b.tabTo(fmt.Sprintf(`input[type=radio][name=%q]`, name))
	for i := 0; i < 25; i++ {
		if eval[bool](b, fmt.Sprintf(`document.activeElement.value === %q`, value)) {
			if !eval[bool](b, `document.activeElement.checked`) {
				b.do(spaceKey)
			}
			if !eval[bool](b, `document.activeElement.checked`) {
				b.t.Fatalf("%s: radio %s=%q did not get checked", b.name, name, value)
			}
			return
		}
		b.press(kb.ArrowDown)
	}
	b.t.Fatalf("%s: no radio %s=%q reachable with arrow keys", b.name, name, value)
}

// tick checks a checkbox with the keyboard.
func (b *tab) tick(sel string) {
	b.t.Helper()
	b.tabTo(sel)
	if !eval[bool](b, `document.activeElement.checked`) {
		b.do(spaceKey)
	}
	if !eval[bool](b, `document.activeElement.checked`) {
		b.t.Fatalf("%s: checkbox %s did not get checked", b.name, sel)
	}
}

// axeViolation is one accessibility failure axe-core found.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// check runs axe-core's WCAG 2.0/2.1/2.2 A and AA rules on the page and
// fails the test on any violation; it also checks that the page made no
// request to another origin and that scripts ran only when allowed.
func (b *tab) check(page string) {
	b.t.Helper()
	b.pages = append(b.pages, page)
	if b.jsOff {
		// axe-core needs timers and promises, which stop with scripts
		// disabled. Turning scripts on for the check does not run the
		// page's own scripts: they were skipped when the page loaded.
		b.scripts(true)
		defer b.scripts(false)
	}
	if !eval[bool](b, `typeof window.axe !== "undefined"`) {
		eval[bool](b, b.axe+";true")
	}
	raw := eval[string](b, `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a","wcag2aa","wcag21a","wcag21aa","wcag22aa"]}, resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " " + n.html.slice(0, 160))}))))`)
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		b.t.Fatalf("axe result: %v", err)
	}
	for _, v := range vs {
		b.t.Errorf("%s: %s: axe %s (%s): %s\n\t%s", b.name, page, v.ID, v.Impact, v.Help, strings.Join(v.Targets, "\n\t"))
	}
	foreign := eval[string](b, `JSON.stringify(performance.getEntriesByType("resource").map(e => e.name).filter(u => !u.startsWith(location.origin + "/") && !u.startsWith("data:")))`)
	if foreign != "[]" {
		b.t.Errorf("%s: %s requested other origins: %s", b.name, page, foreign)
	}
	scripts := eval[bool](b, `typeof window.htmx !== "undefined"`)
	if scripts == b.jsOff {
		b.t.Errorf("%s: %s: htmx loaded = %v with JavaScript off = %v", b.name, page, scripts, b.jsOff)
	}
}

// scripts turns script execution in the tab on or off.
func (b *tab) scripts(on bool) {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
		b.t.Fatal(err)
	}
}

// screenshot saves the page at phone and desktop widths.
func (b *tab) screenshot(name string) {
	b.t.Helper()
	dir := os.Getenv(envScreenshots)
	if dir == "" {
		dir = b.t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	for _, w := range []int64{375, 1280} {
		h := int64(812)
		if w > 375 {
			h = 900
		}
		b.do(chromedp.EmulateViewport(w, h))
		time.Sleep(50 * time.Millisecond)
		// Nothing may force sideways scrolling at 375 px (WCAG 1.4.10).
		if w == 375 {
			if over := eval[int](b, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
				b.t.Errorf("%s: %s scrolls sideways by %d px at 375 px wide", b.name, name, over)
			}
		}
		png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			b.t.Fatal(err)
		}
		file := filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, w))
		if err := os.WriteFile(file, png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	b.zoomed(name)
	b.do(chromedp.EmulateViewport(1280, 900))
}

// zoomed checks the page zoomed in a 1280 px window: at 200 % (640 CSS px,
// WCAG 1.4.4) and 400 % (320 CSS px, WCAG 1.4.10 reflow) nothing scrolls
// sideways and no text is cut off by a box that hides its overflow; and
// with the text alone made twice as large, no text is cut off either.
// Data tables may scroll inside their own region, which 1.4.10 allows.
func (b *tab) zoomed(name string) {
	b.t.Helper()
	// Text for screen readers only is clipped on purpose, to a 1 px box.
	const clipped = `[...document.querySelectorAll("main *")].filter(e => { const s = getComputedStyle(e);
		return ["hidden", "clip"].includes(s.overflowX) && e.clientWidth > 1 && !e.closest(".visually-hidden") &&
			e.scrollWidth > e.clientWidth + 1 && e.textContent.trim() !== "" })
		.slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : "")).join(", ")`
	for _, w := range []int64{640, 320} {
		b.do(chromedp.EmulateViewport(w, 900*w/1280, chromedp.EmulateScale(float64(1280)/float64(w))))
		time.Sleep(50 * time.Millisecond)
		if over := eval[int](b, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
			b.t.Errorf("%s: %s scrolls sideways by %d px at %d %% zoom", b.name, name, over, 1280*100/w)
		}
		if cut := eval[string](b, clipped); cut != "" {
			b.t.Errorf("%s: %s cuts off text at %d %% zoom: %s", b.name, name, 1280*100/w, cut)
		}
	}
	b.do(chromedp.EmulateViewport(1280, 900))
	eval[bool](b, `document.documentElement.style.fontSize = "200%"; true`)
	time.Sleep(50 * time.Millisecond)
	if cut := eval[string](b, clipped); cut != "" {
		b.t.Errorf("%s: %s cuts off text with text at 200 %%: %s", b.name, name, cut)
	}
	if over := eval[int](b, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
		b.t.Errorf("%s: %s scrolls sideways by %d px with text at 200 %%", b.name, name, over)
	}
	eval[bool](b, `document.documentElement.style.fontSize = ""; true`)
}

// text is the text of the page's main landmark.
func (b *tab) text() string {
	b.t.Helper()
	return eval[string](b, `document.querySelector("main").innerText`)
}

// mustSee fails unless the main landmark contains every text.
func (b *tab) mustSee(texts ...string) {
	b.t.Helper()
	got := b.text()
	for _, s := range texts {
		if !strings.Contains(got, s) {
			b.t.Errorf("%s: page %s does not say %q:\n%s", b.name, b.location(), s, got)
		}
	}
}
