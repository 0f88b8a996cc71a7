package frontend

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
)

// Roles of the page matrix: everyone a page can meet.
const (
	pgAnonymous = "anonymous visitor"
	pgOutsider  = "outsider" // signed in, in no group
	pgMember    = engine.RoleMember
	pgObserver  = engine.RoleObserver
	pgEvaluator = engine.RoleEvaluator
	pgLead      = engine.RoleSafeguardingLead
	pgFac       = engine.RoleFacilitator
	pgOtherFac  = "facilitator of another group"
)

var pgRoles = []string{pgAnonymous, pgOutsider, pgMember, pgObserver, pgEvaluator, pgLead, pgFac, pgOtherFac}

// pageRules is the expected authorisation of every page: the roles that
// get past it. Every route registered in routes.go must have a rule, so a
// new page cannot ship without one. Everyone else is refused: a signed-out
// visitor is sent to sign in (401 for a form post), someone outside the
// group finds nothing (404, never 403, which would tell them the group
// exists), and someone in the group without the permission gets 403 (or
// 404 for a thing that is hidden from them).
var pageRules = func() map[string][]string {
	everyone := pgRoles
	signedIn := []string{pgOutsider, pgMember, pgObserver, pgEvaluator, pgLead, pgFac, pgOtherFac}
	accounts := []string{pgOutsider, pgEvaluator, pgLead, pgFac, pgOtherFac}
	inGroup := []string{pgMember, pgObserver, pgEvaluator, pgLead, pgFac}
	fac := []string{pgFac}
	rater := []string{pgMember}
	proposer := []string{pgMember, pgFac}
	results := []string{pgMember, pgObserver, pgEvaluator, pgFac}
	research := []string{pgEvaluator, pgFac}
	return map[string][]string{
		"GET /": everyone, "GET /signup": everyone, "POST /signup": everyone, "GET /login": everyone, "POST /login": everyone,
		"POST /logout": everyone, "GET /join": everyone, "POST /join": everyone, "GET /join/:token": everyone,
		"POST /join/:token": everyone, "GET /signin/:token": everyone, "POST /signin/:token": everyone,

		"GET /groups": signedIn, "GET /groups/new": accounts, "POST /groups/new": accounts,
		"GET /concerns/new": signedIn, "POST /concerns/new": signedIn,

		"GET /groups/:gid": inGroup, "GET /groups/:gid/my-input": inGroup, "GET /groups/:gid/help": inGroup,
		"GET /groups/:gid/me": inGroup, "POST /groups/:gid/me": inGroup,
		// Accounts sign in with a password: the engine answers their request
		// for a sign-in link as invalid (422), not as a refusal.
		"POST /groups/:gid/me/sign-out-everywhere": inGroup, "POST /groups/:gid/me/sign-in-link": inGroup,
		"GET /groups/:gid/me/data": inGroup, "GET /groups/:gid/me/data.json": inGroup,
		"GET /groups/:gid/me/erase": inGroup, "POST /groups/:gid/me/erase": inGroup,
		"GET /groups/:gid/my-input/paths": inGroup,
		"GET /groups/:gid/concerns":       {pgMember, pgObserver, pgEvaluator, pgLead, pgFac},

		"GET /groups/:gid/settings": fac, "POST /groups/:gid/settings": fac,
		"GET /groups/:gid/members": fac, "GET /groups/:gid/members/new": fac, "POST /groups/:gid/members/new": fac,
		"GET /groups/:gid/members/:mid/role": fac, "POST /groups/:gid/members/:mid/role": fac,
		"POST /groups/:gid/members/:mid/sign-in-link": fac,
		"GET /groups/:gid/members/:mid/erase":         fac, "POST /groups/:gid/members/:mid/erase": fac,
		"GET /groups/:gid/invites": fac, "GET /groups/:gid/invites/new": fac, "POST /groups/:gid/invites/new": fac,
		"POST /groups/:gid/invites/:iid/revoke": fac,
		"GET /groups/:gid/rounds/new":           fac, "POST /groups/:gid/rounds/new": fac,
		"GET /groups/:gid/evaluation": research, "GET /groups/:gid/export": research,
		"GET /groups/:gid/methods": research, "GET /groups/:gid/methods.md": research,
		"GET /groups/:gid/safeguarding": {pgLead},

		"GET /rounds/:rid": inGroup,
		// The propose and rate forms open for everyone in the group; only
		// the submission is refused to those who may not propose or rate
		// (reported: the pages could refuse the forms too).
		"GET /rounds/:rid/propose": inGroup, "POST /rounds/:rid/propose": proposer,
		"GET /rounds/:rid/proposals/:pid/rate": inGroup, "POST /rounds/:rid/proposals/:pid/rate": rater,
		"GET /rounds/:rid/proposals/:pid/rated": results,
		"GET /rounds/:rid/checkin":              rater, "POST /rounds/:rid/checkin": rater, "GET /rounds/:rid/checkin/done": rater,
		"POST /rounds/:rid/checkin/tell": rater,
		// A check-in is its member's to take back whatever their role now.
		"POST /rounds/:rid/checkin/withdraw": inGroup,
		"GET /rounds/:rid/easy-read":         results,

		"GET /rounds/:rid/manage": fac, "POST /rounds/:rid/transition": fac, "POST /rounds/:rid/revisit": fac,
		"GET /rounds/:rid/proposals/:pid/moderate": fac, "POST /rounds/:rid/proposals/:pid/moderate": fac,
		"GET /rounds/:rid/proposals/:pid/reword": fac, "POST /rounds/:rid/proposals/:pid/reword": fac,
		"GET /rounds/:rid/proposals/:pid/split": fac, "POST /rounds/:rid/proposals/:pid/split": fac,
		"GET /rounds/:rid/merge": fac, "POST /rounds/:rid/merge": fac,
		"GET /rounds/:rid/proposals/:pid/decision": fac, "POST /rounds/:rid/proposals/:pid/decision": fac,
		"GET /rounds/:rid/assist": fac, "GET /rounds/:rid/assist/:mid": fac, "POST /rounds/:rid/assist/:mid": fac,
		"GET /rounds/:rid/checkins":  fac,
		"GET /rounds/:rid/dashboard": fac, "GET /rounds/:rid/projector": fac, "GET /rounds/:rid/events": fac,
		"GET /rounds/:rid/report": research,

		"GET /concerns/:cid": {pgMember, pgLead}, "GET /concerns/:cid/sent": {pgMember, pgLead},
		"POST /concerns/:cid/actions": {pgLead},
	}
}()

// spendsSession lists the routes that end the session they are sent with;
// each request to them gets a fresh credential of the role.
var spendsSession = map[string]bool{"POST /logout": true, "POST /groups/:gid/me/sign-out-everywhere": true}

// pageForms are the forms posted to routes whose handler checks the form
// before asking the engine: a valid form, so that the engine decides who
// may. Every other route gets an empty form, which the engine refuses or
// the form's validation answers.
var pageForms = map[string]func() url.Values{
	"POST /rounds/:rid/proposals/:pid/rate": func() url.Values { return url.Values{"choice": {"3"}, "key": {newFormKey()}} },
	"POST /rounds/:rid/propose":             func() url.Values { return url.Values{"text": {"An idea from the matrix"}} },
	"POST /rounds/:rid/checkin": func() url.Values {
		return url.Values{"step": {"share"}, "zone": {engine.CheckInComfort}, "share": {"no"}}
	},
	"POST /concerns/:cid/actions": func() url.Values {
		return url.Values{"concern_action": {"Called them"}, "concern_status": {"in_progress"}}
	},
	"POST /groups/:gid/settings": func() url.Values {
		return url.Values{"name": {"Day centre redesign"}, "scale": {engine.ScaleLikert5}, "reveal_policy": {engine.RevealAfterOwnRating},
			"perspectives": {"Lived experience\nCarer\nPractitioner"}, "min_cell_size": {"5"}, "min_percent_agree": {"75"},
			"min_raters": {"5"}, "quantile_type": {"7"}}
	},
}

// pageWorld is a group with one person in each role, and the things the
// pages act on.
type pageWorld struct {
	h      *harness
	w      *world
	tokens map[string]string
	fresh  map[string]func() string // a new credential of a role
	params map[string]func() string
}

func newPageWorld(t *testing.T, h *harness) *pageWorld {
	ctx := context.Background()
	w := h.newWorld(engine.TransitionRating, engine.GroupSettings{})
	pw := &pageWorld{h: h, w: w, tokens: map[string]string{pgFac: w.facilitatorTok}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	account := func(name string) (engine.Actor, string) {
		n++
		_, tok, err := h.eng.SignUp(ctx, engine.SignUpInput{Email: fmt.Sprintf("matrix%d@example.org", n), Name: name, Password: "correct horse battery"})
		must(err)
		a, err := h.eng.Authenticate(ctx, tok)
		must(err)
		return a, tok
	}
	member := func(role string) (*engine.Member, engine.Actor, string) {
		_, inv, err := h.eng.CreateInvite(ctx, w.facilitator, w.group.ID, engine.InviteInput{Role: role})
		must(err)
		m, tok, err := h.eng.Join(ctx, engine.Actor{}, engine.JoinInput{Token: inv, DisplayName: "As " + role})
		must(err)
		a, err := h.eng.Authenticate(ctx, tok)
		must(err)
		return m, a, tok
	}
	withAccount := func(role string) string {
		a, tok := account(role)
		_, inv, err := h.eng.CreateInvite(ctx, w.facilitator, w.group.ID, engine.InviteInput{Role: role})
		must(err)
		_, _, err = h.eng.Join(ctx, a, engine.JoinInput{Token: inv, DisplayName: role})
		must(err)
		return tok
	}
	var memberActor engine.Actor
	_, memberActor, pw.tokens[pgMember] = member(engine.RoleMember)
	_, _, pw.tokens[pgObserver] = member(engine.RoleObserver)
	pw.tokens[pgEvaluator] = withAccount(engine.RoleEvaluator)
	pw.tokens[pgLead] = withAccount(engine.RoleSafeguardingLead)
	_, pw.tokens[pgOutsider] = account("Outsider")
	other, otherTok := account("Other facilitator")
	pw.tokens[pgOtherFac] = otherTok
	_, err := h.eng.CreateGroup(ctx, other, engine.GroupInput{Name: "Another group"})
	must(err)

	rd, err := h.eng.CreateRound(ctx, w.facilitator, w.group.ID, engine.RoundInput{Prompt: "Combined", Combined: true})
	must(err)
	_, err = h.eng.TransitionRound(ctx, w.facilitator, w.round.ID, engine.TransitionClose)
	must(err)
	_, err = h.eng.TransitionRound(ctx, w.facilitator, rd.ID, engine.TransitionOpen)
	must(err)
	p, err := h.eng.AddProposal(ctx, memberActor, rd.ID, engine.ProposalInput{Text: "A quiet room"})
	must(err)
	v := 4
	_, err = h.eng.SubmitRating(ctx, memberActor, engine.RatingInput{RoundID: rd.ID, ProposalID: p.ID, Value: &v})
	must(err)
	inRoom, err := h.eng.AddMemberInRoom(ctx, w.facilitator, w.group.ID, engine.AddMemberInput{DisplayName: "In the room"})
	must(err)
	inv, _, err := h.eng.CreateInvite(ctx, w.facilitator, w.group.ID, engine.InviteInput{Label: "To revoke"})
	must(err)
	_, err = h.eng.SaveCheckIn(ctx, memberActor, rd.ID, engine.CheckInInput{Zone: engine.CheckInComfort})
	must(err)
	concern, err := h.eng.RaiseConcern(ctx, memberActor, w.group.ID, engine.ConcernInput{Text: "I felt unsafe"})
	must(err)

	pw.fresh = map[string]func() string{
		pgMember: func() string { _, _, tok := member(engine.RoleMember); return tok },
		pgObserver: func() string {
			_, _, tok := member(engine.RoleObserver)
			return tok
		},
		pgEvaluator: func() string { return withAccount(engine.RoleEvaluator) },
		pgLead:      func() string { return withAccount(engine.RoleSafeguardingLead) },
		pgFac: func() string {
			_, tok, err := h.eng.LogIn(ctx, "fac@example.org", "correct horse battery")
			must(err)
			return tok
		},
		pgOutsider: func() string { _, tok := account("Outsider"); return tok },
		pgOtherFac: func() string { _, tok := account("Other"); return tok },
	}
	pw.params = map[string]func() string{
		"gid": func() string { return w.group.ID }, "rid": func() string { return rd.ID }, "pid": func() string { return p.ID },
		"mid": func() string { return inRoom.ID }, "iid": func() string { return inv.ID }, "cid": func() string { return concern.ID },
		"token": func() string { return w.inviteToken },
	}
	// /signin/:token spends the link it is given: a fresh one each time.
	signInLinks := func() string {
		_, _, tok := member(engine.RoleMember)
		a, err := h.eng.Authenticate(ctx, tok)
		must(err)
		link, err := h.eng.CreateSignInLink(ctx, a, a.MemberID)
		must(err)
		return link.Token
	}
	pw.params["signin"] = signInLinks
	return pw
}

// pathFor fills a route's parameters.
func (pw *pageWorld) pathFor(t *testing.T, route string) string {
	t.Helper()
	var missing []string
	path := regexp.MustCompile(`:([a-z]+)`).ReplaceAllStringFunc(route, func(m string) string {
		name := m[1:]
		if name == "token" && strings.HasPrefix(route, "/signin/") {
			name = "signin"
		}
		fn, ok := pw.params[name]
		if !ok {
			missing = append(missing, name)
			return m
		}
		return fn()
	})
	if len(missing) > 0 {
		t.Errorf("%s: the page matrix has no value for %v", route, missing)
	}
	return path
}

// outcome classifies a response: "ok" when the page let the role through
// (any answer that is not a refusal, a validation error included), else
// how it refused.
func outcome(r *resp) string {
	switch {
	case r.StatusCode >= 500:
		return "server error"
	case r.StatusCode == http.StatusSeeOther && strings.HasPrefix(r.Header.Get("Location"), "/login"):
		return "sign in"
	case r.StatusCode == http.StatusUnauthorized:
		return "sign in"
	case r.StatusCode == http.StatusForbidden:
		return "forbidden"
	case r.StatusCode == http.StatusNotFound:
		return "not found"
	}
	return "ok"
}

// TestPageAuthorisationMatrix requests every page route registered on the
// app, GET and POST, as every role and checks the answer against
// pageRules. Posts carry the form's CSRF token and an empty form, so an
// allowed role meets the form's own validation, never an action taken.
func TestPageAuthorisationMatrix(t *testing.T) {
	h := newHarness(t)
	pw := newPageWorld(t, h)
	var routes []string
	for _, r := range h.app.GetRoutes(true) {
		if (r.Method != http.MethodGet && r.Method != http.MethodPost) || strings.HasPrefix(r.Path, staticPrefix[:len(staticPrefix)-1]) {
			continue
		}
		key := r.Method + " " + r.Path
		if !slices.Contains(routes, key) {
			routes = append(routes, key)
		}
	}
	sort.Strings(routes)
	if len(routes) < 60 {
		t.Fatalf("found only %d page routes", len(routes))
	}
	for _, key := range routes {
		allowed, ok := pageRules[key]
		if !ok {
			t.Errorf("%s has no rule in the page matrix; add the roles that may use it to pageRules", key)
			continue
		}
		method, route, _ := strings.Cut(key, " ")
		for _, role := range pgRoles {
			c := h.client()
			tok := pw.tokens[role]
			if spendsSession[key] && role != pgAnonymous {
				tok = pw.fresh[role]()
			}
			if tok != "" {
				c.signedIn(tok)
			}
			path := pw.pathFor(t, route)
			var r *resp
			if method == http.MethodGet {
				r = c.get(path)
			} else {
				c.get("/join") // a CSRF token, as a browser has one from the form it posts
				if c.csrf == "" {
					t.Fatal("the join page carries no CSRF token")
				}
				form := url.Values{}
				if fn := pageForms[key]; fn != nil {
					form = fn()
				}
				r = c.post(path, form)
			}
			// A redirect within the site is followed once: a page that sends
			// someone on to a page that refuses them refuses them too.
			if loc := r.Header.Get("Location"); r.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "/login") {
				r = c.get(loc)
			}
			got, want := outcome(r), slices.Contains(allowed, role)
			switch {
			case got == "server error":
				t.Errorf("%s as %s: %d\n%s", key, role, r.StatusCode, excerpt(r.Body))
			case want && got != "ok":
				t.Errorf("%s as %s: %s (%d), want to get through", key, role, got, r.StatusCode)
			case !want && got == "ok":
				t.Errorf("%s as %s: got through (%d %s), want a refusal", key, role, r.StatusCode, r.Header.Get("Location"))
			case !want && role == pgAnonymous && got != "sign in":
				t.Errorf("%s as a visitor: %s (%d), want to be sent to sign in", key, got, r.StatusCode)
			case !want && (role == pgOutsider || role == pgOtherFac) && got == "forbidden" && strings.Contains(route, ":"):
				t.Errorf("%s as %s: 403 tells someone outside the group that it exists; want 404", key, role)
			}
		}
	}
	for key := range pageRules {
		if !slices.Contains(routes, key) {
			t.Errorf("the page matrix has a rule for %s, which is not a route", key)
		}
	}
	t.Logf("%d page routes × %d roles", len(routes), len(pgRoles))
}
