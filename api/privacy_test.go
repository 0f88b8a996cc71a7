package api

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/analysis"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// surfaceBody is one response a role read: an API operation, a page or a
// live stream.
type surfaceBody struct {
	role    string
	surface string // operation id or route pattern, with the round
	status  int
	body    string
}

// The surfaces whose bodies are checked by structure rather than by
// co-occurrence: they hold proposal authors (public in a group) next to
// quoted reasons under labels no one can link to a person, so a name and
// a reason in one body is expected there. The analysis and the consensus
// report are checked field by field instead (checkAnalysis, checkReport).
var structured = map[string]bool{"getRoundAnalysis": true, "getRoundReport": true, "/rounds/:rid/report": true}

// readSurfaces reads, as role, every GET operation of the OpenAPI document,
// every GET page registered on the app, and both live streams, with the
// story's ids for path parameters. A parameter the test has no value for
// fails it, so a new operation or page cannot escape the check.
func readSurfaces(t *testing.T, s *fullServer, st *privacyStory, role string) []surfaceBody {
	t.Helper()
	token := st.tokens[role]
	c := s.client(token)
	c.bearer = token
	var out []surfaceBody
	add := func(surface string, r webReply) {
		out = append(out, surfaceBody{role: role, surface: surface, status: r.status, body: r.body})
	}
	apiParams := map[string][]string{"groupId": {st.group.ID}, "roundId": {st.round1.ID, st.round2.ID},
		"proposalId": {st.props[0].ID}, "memberId": {st.ids[1]}, "inviteId": {st.invite}, "concernId": {st.concern}}
	for _, o := range operations(s.api.OpenAPI()) {
		if o.method != http.MethodGet {
			continue
		}
		for _, path := range expand(t, o.path, "{", "}", apiParams) {
			if o.op.OperationID == "streamRoundEvents" {
				status, text := c.firstEvent(Prefix+path, st.trigger(s.eng, path), 5*time.Second)
				out = append(out, surfaceBody{role: role, surface: o.op.OperationID, status: status, body: text})
				continue
			}
			add(o.op.OperationID, c.get(Prefix+path))
		}
	}
	pageParams := map[string][]string{"gid": {st.group.ID}, "rid": {st.round1.ID, st.round2.ID}, "pid": {st.props[0].ID},
		"mid": {st.ids[1]}, "iid": {st.invite}, "cid": {st.concern}, "token": {"avi_not-a-token"}}
	for _, r := range s.app.GetRoutes(true) {
		if r.Method != http.MethodGet || !isPage(r.Path) {
			continue
		}
		for _, path := range expand(t, r.Path, ":", "", pageParams) {
			if strings.HasSuffix(r.Path, "/events") {
				status, text := c.firstEvent(path, st.trigger(s.eng, path), 5*time.Second)
				out = append(out, surfaceBody{role: role, surface: r.Path, status: status, body: text})
				continue
			}
			add(r.Path, c.get(path))
		}
	}
	return out
}

// isPage reports whether a route is one of the web pages.
func isPage(path string) bool {
	return !strings.HasPrefix(path, Prefix) && !strings.HasPrefix(path, "/static") && !isOps(path) && path != "/"+"*"
}

// expand fills a route's parameters (written open…close, or :name when
// close is "") with every value given for them.
func expand(t *testing.T, route, open, close string, values map[string][]string) []string {
	t.Helper()
	var pattern *regexp.Regexp
	if close == "" {
		pattern = regexp.MustCompile(`:([a-zA-Z]+)`)
	} else {
		pattern = regexp.MustCompile(regexp.QuoteMeta(open) + `([a-zA-Z]+)` + regexp.QuoteMeta(close))
	}
	paths := []string{route}
	for _, m := range pattern.FindAllStringSubmatch(route, -1) {
		vals, ok := values[m[1]]
		if !ok {
			t.Errorf("%s: the privacy test has no value for the parameter %q; add one", route, m[1])
			return nil
		}
		var next []string
		for _, p := range paths {
			for _, v := range vals {
				next = append(next, strings.Replace(p, m[0], v, 1))
			}
		}
		paths = next
	}
	return paths
}

// exports are the surfaces of the evaluator export (engine/export, which
// this test does not own): checked apart, see TestAnonymityOnEverySurface.
var exports = map[string]bool{"exportGroup": true, "/groups/:gid/export": true}

// linked returns, for each body, the members other than self whose
// identity (name, id or pseudonym) and something they said (a reason, a
// reflection, the id of a rating event or reflection) appear together.
// For an evaluator a pseudonym is no identity: it is all they ever see of
// anyone, by design (SPEC C9).
func linked(st *privacyStory, bodies []surfaceBody, self int) []string {
	var found []string
	for _, b := range bodies {
		if structured[b.surface] {
			continue
		}
		for i := range st.ids {
			if i == self {
				continue
			}
			identity := st.identity(i)
			if b.role == roleEvaluator {
				identity = identity[:2]
			}
			who := slices.IndexFunc(identity, func(x string) bool { return strings.Contains(b.body, x) })
			what := slices.IndexFunc(st.said(i), func(x string) bool { return strings.Contains(b.body, x) })
			if who >= 0 && what >= 0 {
				found = append(found, b.role+" "+b.surface+": member "+st.names[i]+" ("+identity[who]+") with "+st.said(i)[what])
			}
		}
	}
	return found
}

// TestAnonymityOnEverySurface sets up an anonymous group whose facilitators
// may not see identities and reads every surface — each GET operation of
// the OpenAPI document, every page, the live streams of the API and the
// dashboard, the analysis and the consensus report — as every role. No
// body may show who rated what: no member's name, id or pseudonym next to
// their reasons, reflections or rating events; members, observers,
// safeguarding leads and outsiders never see others' reasons at all;
// evaluators never see a name or an internal id, nor reasons without
// consent; the analysis and the report name raters by labels that match
// no one; the audit trail does not say who rated or reflected. The same
// reading of a group where facilitators may see identities must find the
// links, which shows the check can fail.
func TestAnonymityOnEverySurface(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		s := newFullServer(t, db)
		st := newPrivacyStory(t, s.eng, engine.GroupSettings{Anonymous: true}, "an")
		bodies := map[string][]surfaceBody{}
		for _, role := range matrixRoles {
			bodies[role] = readSurfaces(t, s, st, role)
		}
		if n := len(bodies[roleFac]); n < 80 {
			t.Fatalf("read only %d surfaces as the facilitator", n)
		}
		ok := 0
		for _, b := range bodies[roleFac] {
			if b.status == http.StatusOK {
				ok++
			}
		}
		if ok < 40 {
			t.Fatalf("only %d of the facilitator's reads succeeded; the test does not reach the surfaces", ok)
		}

		self := map[string]int{roleMember: 0}
		var exported []surfaceBody
		for _, role := range matrixRoles {
			me, has := self[role]
			if !has {
				me = -1
			}
			var rest []surfaceBody
			for _, b := range bodies[role] {
				if role == roleFac && exports[b.surface] {
					exported = append(exported, b)
				} else {
					rest = append(rest, b)
				}
			}
			for _, l := range linked(st, rest, me) {
				t.Errorf("who rated what shows: %s", l)
			}
		}
		// A facilitator may export the group (PermExport). In an anonymous
		// group the facilitator knows who wrote each proposal and when each
		// member joined, so the export withholds authors and join times and
		// numbers Polis participants in pseudonym order: a pseudonym then
		// names no one, and only a name or an internal id next to what a
		// member said would link them, as for evaluators.
		t.Run("facilitator export", func(t *testing.T) {
			if len(exported) == 0 {
				t.Skip("the API has no export")
			}
			asEvaluator := make([]surfaceBody, len(exported))
			for i, b := range exported {
				b.role = roleEvaluator
				asEvaluator[i] = b
			}
			if l := linked(st, asEvaluator, -1); len(l) > 0 {
				t.Errorf("a facilitator's export of an anonymous group links %d members to what they said, e.g. %s", len(l), l[0])
			}
		})
		// Only facilitators (and evaluators, with consent) read reasons.
		for _, role := range []string{roleMember, roleObserver, roleSafeguard, roleOtherFac, roleAnonymous} {
			for _, b := range bodies[role] {
				for i := range st.ids {
					if role == roleMember && i == 0 {
						continue
					}
					for _, r := range st.reasons[i] {
						if strings.Contains(b.body, r) {
							t.Errorf("%s reads %s's reason %q on %s", role, st.names[i], r, b.surface)
						}
					}
				}
			}
		}
		// Evaluators see pseudonyms only, and only consented reasons.
		for _, b := range bodies[roleEvaluator] {
			for i := range st.ids {
				if strings.Contains(b.body, st.names[i]) || strings.Contains(b.body, st.ids[i]) {
					t.Errorf("the evaluator reads %s's name or id on %s", st.names[i], b.surface)
				}
				if i%2 == 1 {
					for _, r := range st.reasons[i] {
						if strings.Contains(b.body, r) {
							t.Errorf("the evaluator reads %q, a reason given without consent, on %s", r, b.surface)
						}
					}
				}
			}
		}
		checkFacilitatorReads(t, st, bodies[roleFac])

		// The control: where facilitators see identities, the same reading
		// finds members next to what they said.
		fsi := newPrivacyStory(t, s.eng, engine.GroupSettings{Anonymous: true, FacilitatorsSeeIdentities: true}, "fs")
		if l := linked(fsi, readSurfaces(t, s, fsi, roleFac), -1); len(l) == 0 {
			t.Error("a facilitator who may see identities reads no member next to their reasons; the check cannot fail")
		}
	})
}

// checkFacilitatorReads checks, field by field, what a facilitator of the
// anonymous group reads where authors and reasons meet.
func checkFacilitatorReads(t *testing.T, st *privacyStory, bodies []surfaceBody) {
	t.Helper()
	person := map[string]bool{st.facID: true}
	for i := range st.ids {
		for _, x := range st.identity(i) {
			person[x] = true
		}
	}
	seen := map[string]int{}
	for _, b := range bodies {
		seen[b.surface]++
		for surface, event := range map[string]string{"/rounds/:rid/events": "event: update", "streamRoundEvents": "event: rating"} {
			if b.surface == surface && strings.Contains(b.body, event) {
				seen[surface+" with an event"]++
			}
		}
		if b.status != http.StatusOK {
			continue
		}
		switch b.surface {
		case "getRoundAnalysis":
			var res analysis.Result
			if err := json.Unmarshal([]byte(b.body), &res); err != nil {
				t.Fatalf("analysis: %v", err)
			}
			raters, authors := analysisPeople(&res)
			if len(raters) == 0 {
				t.Errorf("round %d: the analysis names no rater; the story does not exercise it", res.RoundNumber)
			}
			for _, r := range raters {
				if person[r] || slices.Contains(authors, r) {
					t.Errorf("round %d: the analysis names a rater %q who can be linked to a person", res.RoundNumber, r)
				}
			}
		case "getRoundReport":
			var rep engine.ConsensusReport
			if err := json.Unmarshal([]byte(b.body), &rep); err != nil {
				t.Fatalf("report: %v", err)
			}
			for _, c := range rep.Proposals {
				var quoted []engine.ReportReason
				if c.Change != nil {
					quoted = append(quoted, c.Change.Reasons...)
				}
				if c.Dissent != nil {
					quoted = append(quoted, c.Dissent.Reasons...)
				}
				for _, q := range quoted {
					if person[q.Member.ID] || q.Member.Name != "" {
						t.Errorf("the consensus report quotes %q by %+v", q.Reason, q.Member)
					}
				}
			}
		case "/rounds/:rid/report":
			for i := range st.ids {
				if strings.Contains(b.body, st.pseud[i]) || strings.Contains(b.body, st.ids[i]) {
					t.Errorf("the report page names %s by pseudonym or id", st.names[i])
				}
			}
		case "listAudit":
			var page struct{ Items []engine.AuditEvent }
			if err := json.Unmarshal([]byte(b.body), &page); err != nil {
				t.Fatalf("audit: %v", err)
			}
			for _, ev := range page.Items {
				if (ev.Action == "rating.submitted" || ev.Action == "reflection.created") && (ev.ActorID != "" || ev.SubjectID != "") {
					t.Errorf("the audit trail says who: %+v", ev)
				}
			}
		}
	}
	var missing []string
	for _, want := range []string{"getRoundAnalysis", "getRoundReport", "listAudit", "listReflections", "/rounds/:rid/dashboard",
		"/rounds/:rid/events with an event", "streamRoundEvents with an event", "/rounds/:rid/report"} {
		if seen[want] == 0 {
			missing = append(missing, want)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("the facilitator did not read %v", missing)
	}
}

// analysisPeople collects the member references of an analysis in the
// sections about how people rated or took part, and in those about
// authorship.
func analysisPeople(res *analysis.Result) (raters, authors []string) {
	for _, p := range res.Proposals {
		if p.Author != "" {
			authors = append(authors, p.Author)
		}
		if p.Dissent != nil {
			for _, d := range p.Dissent.Members {
				raters = append(raters, d.Member)
			}
		}
		if p.Change != nil {
			for _, m := range p.Change.Movers {
				raters = append(raters, m.Member)
			}
		}
	}
	for _, g := range res.OpinionGroups.Groups {
		raters = append(raters, g.Members...)
	}
	uh := res.UnderHeard
	for _, m := range uh.Participation.Members {
		raters = append(raters, m.Member)
	}
	for _, m := range uh.MinorityPositions {
		raters = append(raters, m.Member)
	}
	for _, m := range append(uh.Attention.Members, uh.Uptake.Members...) {
		authors = append(authors, m.Member)
	}
	for _, f := range uh.Flags {
		if f.Kind == analysis.FlagParticipation {
			raters = append(raters, f.Member)
		}
	}
	return raters, authors
}
