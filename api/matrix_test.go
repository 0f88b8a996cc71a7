package api

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// Roles of the authorisation matrix: every role a member can hold in the
// group, a facilitator of another group, and nobody.
const (
	roleAnonymous = "anonymous"
	roleMember    = engine.RoleMember
	roleObserver  = engine.RoleObserver
	roleEvaluator = engine.RoleEvaluator
	roleSafeguard = engine.RoleSafeguardingLead
	roleFac       = engine.RoleFacilitator
	roleOtherFac  = "facilitator_of_another_group"
)

var matrixRoles = []string{roleAnonymous, roleMember, roleObserver, roleEvaluator, roleSafeguard, roleFac, roleOtherFac}

// allowed is the expected authorisation of every operation: the roles
// that may call it. An operation missing here fails the test, so a new
// endpoint cannot ship without a rule.
var allowed = func() map[string][]string {
	everyone := matrixRoles
	signedIn := []string{roleMember, roleObserver, roleEvaluator, roleSafeguard, roleFac, roleOtherFac}
	accounts := []string{roleFac, roleOtherFac} // member sessions from invites are not accounts
	inGroup := []string{roleMember, roleObserver, roleEvaluator, roleSafeguard, roleFac}
	facilitator := []string{roleFac}
	return map[string][]string{
		"signUp": everyone, "logIn": everyone, "logOut": everyone, "previewInvite": everyone, "join": everyone,
		"whoAmI": signedIn, "listGroups": signedIn,
		"createApiToken": accounts, "createGroup": accounts, "importPolis": accounts,

		"getGroup": inGroup, "listRuleVersions": inGroup, "listMembers": inGroup, "listRounds": inGroup,
		"getRound": inGroup, "listProposals": inGroup, "listDecisions": inGroup,

		"updateGroup": facilitator, "createInvite": facilitator, "listInvites": facilitator, "revokeInvite": facilitator,
		"addMemberInRoom": facilitator, "updateMember": facilitator, "assignRole": facilitator,
		"revokeMemberSessions": facilitator, "createSignInLink": facilitator,
		"previewSignInLink": everyone, "useSignInLink": everyone, "createRound": facilitator, "transitionRound": facilitator,
		"revisitProposal": facilitator, "moderateProposal": facilitator, "rewriteProposals": facilitator,
		"submitRatings": facilitator, "recordDecision": facilitator, "listAudit": facilitator,

		"addProposal":     {roleMember, roleFac},
		"submitRating":    {roleMember}, // facilitators enter ratings for others, in bulk
		"addReflection":   {roleMember, roleSafeguard, roleFac},
		"listReflections": {roleMember, roleObserver, roleEvaluator, roleFac},
		"getRoundResults": {roleMember, roleObserver, roleEvaluator, roleFac},

		// Safeguarding: a concern is read by the group's safeguarding leads
		// and the member who raised it (the fixture's is the member's);
		// check-ins are their member's own, counted for facilitators.
		"raiseConcern": inGroup, "listConcerns": inGroup,
		"getConcern":          {roleMember, roleSafeguard},
		"recordConcernAction": {roleSafeguard},
		"saveCheckIn":         {roleMember}, "getMyCheckIn": {roleMember}, "withdrawCheckIn": {roleMember},
		"getRoundCheckIns": facilitator,

		"getRoundAnalysis":  {roleEvaluator, roleFac},
		"getRoundReport":    {roleEvaluator, roleFac},
		"getMethodsReport":  {roleEvaluator, roleFac},
		"getRoundEasyRead":  {roleMember, roleObserver, roleEvaluator, roleFac},
		"listMyPaths":       inGroup,
		"listMyRatings":     inGroup,
		"streamRoundEvents": inGroup,
		"exportGroup":       {roleEvaluator, roleFac},
		"getMyData":         inGroup,     // one's own data, in any role
		"eraseMember":       facilitator, // members erase only themselves (privacy_test.go)
	}
}()

// matrixFixture is group A with one member in each role, a facilitator
// of group B, a group J anyone can join, and the things operations act on.
type matrixFixture struct {
	s        *server
	tokens   map[string]string // role → credential
	facEmail string
	groupA   string
	roundA   string // combined proposing and rating, so every operation has something to act on
	proposal string // on roundA's agenda, by the member
	earlier  string // a proposal of a closed earlier round, to revisit
	target   string // a member added in the room, for member management
	memberID string // the member role's member id
	joinJ    string // a reusable invite to group J
	previewA string // a reusable invite to group A
}

func newMatrixFixture(t testing.TB, s *server) *matrixFixture {
	f := &matrixFixture{s: s, tokens: map[string]string{}}
	fac, email := s.account("Facilitator A")
	f.tokens[roleFac], f.facEmail = fac, email
	f.tokens[roleOtherFac], _ = s.account("Facilitator B")
	s.group(f.tokens[roleOtherFac], nil)
	g := s.group(fac, &settingsRequest{Perspectives: []string{"carer"}})
	f.groupA = g.ID
	for _, role := range []string{roleMember, roleObserver, roleEvaluator, roleSafeguard} {
		m, tok := s.join(s.invite(fac, g.ID, inviteRequest{Role: role}), "In role "+role, "")
		f.tokens[role] = tok
		if role == roleMember {
			f.memberID = m.ID
		}
	}
	f.previewA = s.invite(fac, g.ID, inviteRequest{Kind: engine.InviteReusable})
	jfac, _ := s.account("Facilitator J")
	f.joinJ = s.invite(jfac, s.group(jfac, nil).ID, inviteRequest{Kind: engine.InviteReusable, MaxUses: 1000})

	// Both rounds are created before either closes, so no agenda is carried.
	r0 := s.round(fac, g.ID, "Earlier round")
	var r engine.Round
	s.ok(call{method: http.MethodPost, path: "/groups/" + g.ID + "/rounds", token: fac, body: roundRequest{Prompt: "This round", Combined: true}}, http.StatusCreated, &r)
	f.roundA = r.ID
	s.transition(fac, r0.ID, "open")
	f.earlier = s.propose(f.tokens[roleMember], r0.ID, "An earlier idea").ID
	s.transition(fac, r0.ID, "close")
	s.transition(fac, r.ID, "open")
	f.proposal = s.propose(f.tokens[roleMember], r.ID, "An idea to rate").ID
	var m engine.Member
	s.ok(call{method: http.MethodPost, path: "/groups/" + g.ID + "/members", token: fac, body: addMemberRequest{DisplayName: "In the room"}}, http.StatusCreated, &m)
	f.target = m.ID
	return f
}

// request is what one operation sends for one role: path parameters
// beyond the fixture's defaults, a body, and optionally another credential.
type request struct {
	params      map[string]string
	body        any
	contentType string
	token       *string
	// streams marks an endless response: the test ends it once it is open.
	streams bool
}

// fresh adds a proposal to roundA as the facilitator, for operations that
// use one up.
func (f *matrixFixture) fresh() string {
	return f.s.propose(f.tokens[roleFac], f.roundA, unique("Fresh idea ")).ID
}

// throwaway returns a new credential of the same kind as role's, for
// logging out without ending the role's own session.
func (f *matrixFixture) throwaway(role string) *string {
	var tok string
	switch role {
	case roleAnonymous:
	case roleFac, roleOtherFac:
		_, t, err := f.s.eng.LogIn(context.Background(), f.facEmail, testPassword)
		if err != nil {
			f.s.t.Fatal(err)
		}
		tok = t
	default:
		_, tok = f.s.join(f.joinJ, "Throwaway", "")
	}
	return &tok
}

// polisDir is a small real Polis conversation (shared/data, next to the
// repository).
func polisDir() string {
	return filepath.Join("..", "..", "shared", "data", "polis-open-data", "london.youth.policing")
}

// polisExport is a real Polis conversation as a multipart import.
func polisExport(t testing.TB, name string) (body []byte, contentType string) {
	dir := polisDir()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.WriteField("name", name); err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{"comments", "votes"} {
		raw, err := os.ReadFile(filepath.Join(dir, file+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		part, err := w.CreateFormFile(file, file+".csv")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := part.Write(raw); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), w.FormDataContentType()
}

// requests builds each operation's request for a role. The request is one
// the allowed roles can make successfully, so "allowed" means 2xx.
var requests = map[string]func(f *matrixFixture, role string) request{
	"signUp": func(f *matrixFixture, role string) request {
		return request{body: signUpRequest{Email: unique("matrix") + "@example.org", Name: "New", Password: testPassword}}
	},
	"logIn": func(f *matrixFixture, role string) request {
		return request{body: logInRequest{Email: f.facEmail, Password: testPassword}}
	},
	"logOut":         func(f *matrixFixture, role string) request { return request{token: f.throwaway(role)} },
	"whoAmI":         func(f *matrixFixture, role string) request { return request{} },
	"createApiToken": func(f *matrixFixture, role string) request { return request{body: apiTokenRequest{Name: "script"}} },
	"createGroup": func(f *matrixFixture, role string) request {
		return request{body: groupRequest{Name: unique("New group ")}}
	},
	"listGroups": func(f *matrixFixture, role string) request { return request{} },
	"getGroup":   func(f *matrixFixture, role string) request { return request{} },
	"updateGroup": func(f *matrixFixture, role string) request {
		return request{body: groupUpdateRequest{Name: "Group A", Settings: &settingsRequest{Perspectives: []string{"carer"}}}}
	},
	"listRuleVersions": func(f *matrixFixture, role string) request { return request{} },
	"createInvite":     func(f *matrixFixture, role string) request { return request{body: inviteRequest{}} },
	"listInvites":      func(f *matrixFixture, role string) request { return request{} },
	"revokeInvite": func(f *matrixFixture, role string) request {
		var out inviteBody
		f.s.ok(call{method: http.MethodPost, path: "/groups/" + f.groupA + "/invites", token: f.tokens[roleFac], body: inviteRequest{}}, http.StatusCreated, &out)
		return request{params: map[string]string{"inviteId": out.Invite.ID}}
	},
	"previewInvite": func(f *matrixFixture, role string) request {
		return request{body: inviteTokenRequest{Token: f.previewA}}
	},
	"join": func(f *matrixFixture, role string) request {
		return request{body: joinRequest{Token: f.joinJ, DisplayName: "Joiner"}}
	},
	"listMembers": func(f *matrixFixture, role string) request { return request{} },
	"addMemberInRoom": func(f *matrixFixture, role string) request {
		return request{body: addMemberRequest{DisplayName: "Another"}}
	},
	"updateMember": func(f *matrixFixture, role string) request {
		return request{body: memberUpdateRequest{DisplayName: new("Renamed")}}
	},
	"assignRole": func(f *matrixFixture, role string) request {
		return request{body: roleRequest{Role: engine.RoleMember}}
	},
	"revokeMemberSessions": func(f *matrixFixture, role string) request { return request{} },
	"createSignInLink":     func(f *matrixFixture, role string) request { return request{} },
	"previewSignInLink": func(f *matrixFixture, role string) request {
		return request{body: signInLinkRequest{Token: f.signInLink()}}
	},
	"useSignInLink": func(f *matrixFixture, role string) request {
		return request{body: signInLinkRequest{Token: f.signInLink()}}
	},
	"createRound":     func(f *matrixFixture, role string) request { return request{body: roundRequest{Prompt: "Next"}} },
	"listRounds":      func(f *matrixFixture, role string) request { return request{} },
	"getRound":        func(f *matrixFixture, role string) request { return request{} },
	"transitionRound": func(f *matrixFixture, role string) request { return request{body: transitionRequest{To: "rating"}} },
	"revisitProposal": func(f *matrixFixture, role string) request {
		return request{body: revisitRequest{ProposalID: f.earlier}}
	},
	"addProposal": func(f *matrixFixture, role string) request {
		return request{body: proposalRequest{Text: unique("Idea ")}}
	},
	"listProposals": func(f *matrixFixture, role string) request { return request{} },
	"moderateProposal": func(f *matrixFixture, role string) request {
		return request{params: map[string]string{"proposalId": f.fresh()}, body: moderationRequest{Action: "hide", Reason: "Harmful"}}
	},
	"rewriteProposals": func(f *matrixFixture, role string) request {
		return request{body: rewriteRequest{Kind: "reword", ProposalIDs: []string{f.fresh()}, Texts: []proposalRequest{{Text: "Clearer"}}}}
	},
	"submitRating": func(f *matrixFixture, role string) request {
		return request{body: ratingRequest{ProposalID: f.proposal, Value: intp(4)}}
	},
	"submitRatings": func(f *matrixFixture, role string) request {
		return request{body: bulkRatingsRequest{Ratings: []bulkRatingRequest{{ProposalID: f.proposal, MemberID: f.memberID, Value: intp(3), Mode: engine.ModeInRoom}}}}
	},
	"recordDecision": func(f *matrixFixture, role string) request {
		return request{body: decisionRequest{ProposalID: f.fresh(), Outcome: engine.DecisionParked, Rationale: "Later"}}
	},
	"listDecisions": func(f *matrixFixture, role string) request { return request{} },
	"addReflection": func(f *matrixFixture, role string) request {
		return request{body: reflectionRequest{Text: "It went well"}}
	},
	"listReflections":   func(f *matrixFixture, role string) request { return request{} },
	"listAudit":         func(f *matrixFixture, role string) request { return request{} },
	"getRoundAnalysis":  func(f *matrixFixture, role string) request { return request{} },
	"getRoundResults":   func(f *matrixFixture, role string) request { return request{} },
	"listMyRatings":     func(f *matrixFixture, role string) request { return request{} },
	"streamRoundEvents": func(f *matrixFixture, role string) request { return request{streams: true} },
	"getMyData":         func(f *matrixFixture, role string) request { return request{} },
	"exportGroup":       func(f *matrixFixture, role string) request { return request{} },
	"eraseMember": func(f *matrixFixture, role string) request {
		var m struct{ ID string }
		f.s.ok(call{method: http.MethodPost, path: "/groups/" + f.groupA + "/members", token: f.tokens[roleFac],
			body: addMemberRequest{DisplayName: unique("To erase ")}}, http.StatusCreated, &m)
		return request{params: map[string]string{"memberId": m.ID}}
	},
	"raiseConcern": func(f *matrixFixture, role string) request {
		return request{body: concernRequest{Text: "Something in the break worried me"}}
	},
	"listConcerns": func(f *matrixFixture, role string) request { return request{} },
	"getConcern": func(f *matrixFixture, role string) request {
		return request{params: map[string]string{"concernId": f.concern()}}
	},
	"recordConcernAction": func(f *matrixFixture, role string) request {
		return request{params: map[string]string{"concernId": f.concern()},
			body: concernActionRequest{Action: "Spoke with them", Status: engine.ConcernInProgress}}
	},
	"saveCheckIn": func(f *matrixFixture, role string) request {
		return request{body: checkInRequest{Zone: engine.CheckInStretch}}
	},
	"getMyCheckIn":     func(f *matrixFixture, role string) request { f.checkIn(role); return request{} },
	"withdrawCheckIn":  func(f *matrixFixture, role string) request { f.checkIn(role); return request{} },
	"getRoundCheckIns": func(f *matrixFixture, role string) request { return request{} },
	"importPolis": func(f *matrixFixture, role string) request {
		body, ct := polisExport(f.s.t, unique("Imported "))
		return request{body: body, contentType: ct}
	},
	"getRoundEasyRead": func(f *matrixFixture, role string) request {
		return request{params: map[string]string{"roundId": f.closedRound()}}
	},
	"getRoundReport":   func(f *matrixFixture, role string) request { return request{} },
	"getMethodsReport": func(f *matrixFixture, role string) request { return request{} },
	"listMyPaths":      func(f *matrixFixture, role string) request { return request{} },
}

// operation is one operation of the OpenAPI document.
type operation struct {
	method, path string
	op           *huma.Operation
}

// operations lists the API's operations from its OpenAPI document.
func operations(oapi *huma.OpenAPI) []operation {
	var ops []operation
	for path, item := range oapi.Paths {
		for method, op := range map[string]*huma.Operation{http.MethodGet: item.Get, http.MethodPost: item.Post,
			http.MethodPut: item.Put, http.MethodPatch: item.Patch, http.MethodDelete: item.Delete} {
			if op != nil {
				ops = append(ops, operation{method: method, path: path, op: op})
			}
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].op.OperationID < ops[j].op.OperationID })
	return ops
}

// TestAuthorisationMatrix calls every operation of the OpenAPI document as
// every role and checks the answer against the allowed table: allowed
// roles get 2xx, others 401 (anonymous), 403 (wrong role) or 404 (another
// group's things, whose existence is not revealed).
func TestAuthorisationMatrix(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		var logs syncBuffer
		s := newServer(t, db, withLog(&logs))
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("server log:\n%s", logs.String())
			}
		})
		f := newMatrixFixture(t, s)
		defaults := map[string]string{"groupId": f.groupA, "roundId": f.roundA, "proposalId": f.proposal, "memberId": f.target}
		ops := operations(s.api.OpenAPI())
		for _, o := range ops {
			id := o.op.OperationID
			rule, ok := allowed[id]
			build, ok2 := requests[id]
			if !ok || !ok2 {
				t.Errorf("operation %s (%s %s) has no authorisation rule or no request in the matrix test", id, o.method, o.path)
				continue
			}
			for _, role := range matrixRoles {
				t.Run(id+"/"+role, func(t *testing.T) {
					s := s.on(t)
					f.s = s
					req := build(f, role)
					path := o.path
					for _, params := range []map[string]string{req.params, defaults} {
						for name, v := range params {
							path = strings.ReplaceAll(path, "{"+name+"}", v)
						}
					}
					if strings.Contains(path, "{") {
						t.Fatalf("no value for a parameter of %s", path)
					}
					c := call{method: o.method, path: path, body: req.body, token: f.tokens[role]}
					if req.token != nil {
						c.token = *req.token
					}
					if req.contentType != "" {
						c.header = map[string]string{"Content-Type": req.contentType}
					}
					if req.streams {
						defer endStreamsOnceOpen(s.api)()
					}
					r := s.do(c)
					want := slices.Contains(rule, role)
					switch {
					case r.status >= 500:
						t.Fatalf("%s %s as %s: %d %s", o.method, path, role, r.status, r.body)
					case want && (r.status < 200 || r.status > 299):
						t.Errorf("%s as %s: status %d, want 2xx (allowed): %s", id, role, r.status, r.body)
					case !want && role == roleAnonymous && r.status != http.StatusUnauthorized:
						t.Errorf("%s as %s: status %d, want 401: %s", id, role, r.status, r.body)
					case !want && r.status != http.StatusUnauthorized && r.status != http.StatusForbidden && r.status != http.StatusNotFound:
						t.Errorf("%s as %s: status %d, want 401, 403 or 404 (denied): %s", id, role, r.status, r.body)
					case !want:
						r.problem(t)
					}
				})
			}
		}
		for id := range allowed {
			if !slices.ContainsFunc(ops, func(o operation) bool { return o.op.OperationID == id }) {
				t.Errorf("the matrix has a rule for %s, which the API does not have", id)
			}
		}
		t.Logf("%d operations × %d roles", len(ops), len(matrixRoles))
	})
}

// endStreamsOnceOpen ends the API's event streams as soon as one is open,
// so that a streaming request returns; the returned func stops watching.
func endStreamsOnceOpen(a *API) (stop func()) {
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
				if a.streams.count() > 0 {
					a.streams.endAll(false)
				}
			}
		}
	}()
	return func() { close(done) }
}
