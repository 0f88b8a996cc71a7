package enginetest

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/analysis"
)

// RunConformance runs the Store conformance suite: every method of
// engine.Store and engine.Tx, checked for exact round-trips of every type
// (JSON settings and evidence, optional times and values included), the
// error codes of the contract (ENOTFOUND for missing rows, ECONFLICT for
// duplicate unique keys, idempotency keys and used-up invites, EINVALID
// for references to missing rows), list order and pagination, rollback by
// InTx, the current-rating pointer, RoundVersion, and concurrent writers.
//
// newStore must return a new, empty, migrated store for each call; every
// subtest calls it once.
func RunConformance(t *testing.T, newStore func(t *testing.T) engine.Store) {
	for _, c := range conformanceCases {
		t.Run(c.name, func(t *testing.T) {
			c.run(t, newStore(t))
		})
	}
}

// conformanceCases lists the suite's subtests; each file adds its own area.
var conformanceCases = []struct {
	name string
	run  func(t *testing.T, s engine.Store)
}{
	{"Accounts", testAccounts},
	{"Sessions", testSessions},
	{"Groups", testGroups},
	{"GroupsForAccount", testGroupsForAccount},
	{"RuleVersions", testRuleVersions},
	{"Members", testMembers},
	{"JoinKeys", testJoinKeys},
	{"SpendSession", testSpendSession},
	{"RoleAssignments", testRoleAssignments},
	{"Invites", testInvites},
	{"InviteTakenConcurrently", testInviteTakenConcurrently},
	{"Rounds", testRounds},
	{"RoundsDue", testRoundsDue},
	{"Agenda", testAgenda},
	{"Proposals", testProposals},
	{"RatingEvents", testRatingEvents},
	{"IdempotencyKeys", testIdempotencyKeys},
	{"ConcurrentRatings", testConcurrentRatings},
	{"RoundVersion", testRoundVersion},
	{"Decisions", testDecisions},
	{"Reflections", testReflections},
	{"AuditEvents", testAuditEvents},
	{"Concerns", testConcerns},
	{"CheckIns", testCheckIns},
	{"InTx", testInTx},
	{"MissingReferences", testMissingReferences},
	{"Ping", testPing},
}

// clock hands out strictly increasing times a millisecond apart, and ids
// from them, so ids sort in creation order as engine.NewID promises.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

// newClock starts at a fixed UTC time with microseconds, the precision both
// databases keep.
func newClock() *clock {
	return &clock{t: time.Date(2026, 11, 22, 9, 30, 0, 123456000, time.UTC)}
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond)
	return c.t
}

func (c *clock) id() string { return engine.NewID(c.now()) }

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

var ctx = context.Background()

// write runs fn in one transaction and fails the test on any error.
func write(t *testing.T, s engine.Store, fn func(tx engine.Tx) error) {
	t.Helper()
	if err := s.InTx(ctx, fn); err != nil {
		t.Fatalf("InTx: %v", err)
	}
}

// writeErr runs fn in one transaction and returns its error.
func writeErr(s engine.Store, fn func(tx engine.Tx) error) error {
	return s.InTx(ctx, fn)
}

// must fails the test when err is not nil.
func must(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// wantCode fails the test unless err is an *engine.Error with code.
func wantCode(t *testing.T, err error, code, what string) {
	t.Helper()
	if got := engine.ErrorCode(err); got != code {
		t.Errorf("%s: error code %q (%v), want %q", what, got, err, code)
	}
}

// same fails the test when got and want differ, naming the fields.
func same(t *testing.T, got, want any, what string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s differs:\n%s", what, diff(reflect.ValueOf(got), reflect.ValueOf(want), ""))
	}
}

// diff describes how got differs from want, field by field, following
// pointers, so a failure shows values rather than addresses.
func diff(got, want reflect.Value, path string) string {
	if !got.IsValid() || !want.IsValid() || got.Type() != want.Type() {
		return fmt.Sprintf("  %s: got %v, want %v\n", path, show(got), show(want))
	}
	switch got.Kind() {
	case reflect.Pointer, reflect.Interface:
		if got.IsNil() || want.IsNil() {
			if got.IsNil() != want.IsNil() {
				return fmt.Sprintf("  %s: got %v, want %v\n", path, show(got), show(want))
			}
			return ""
		}
		return diff(got.Elem(), want.Elem(), path)
	case reflect.Struct:
		if got.Type() == reflect.TypeOf(time.Time{}) {
			if !reflect.DeepEqual(got.Interface(), want.Interface()) {
				return fmt.Sprintf("  %s: got %v, want %v\n", path, got.Interface(), want.Interface())
			}
			return ""
		}
		var b strings.Builder
		for i := 0; i < got.NumField(); i++ {
			if !got.Type().Field(i).IsExported() {
				continue
			}
			b.WriteString(diff(got.Field(i), want.Field(i), path+"."+got.Type().Field(i).Name))
		}
		return b.String()
	case reflect.Slice, reflect.Array:
		if got.Kind() == reflect.Slice && got.IsNil() != want.IsNil() {
			return fmt.Sprintf("  %s: got %v, want %v (nil vs empty)\n", path, show(got), show(want))
		}
		if got.Len() != want.Len() {
			return fmt.Sprintf("  %s: got %d items %v, want %d items %v\n", path, got.Len(), show(got), want.Len(), show(want))
		}
		var b strings.Builder
		for i := 0; i < got.Len(); i++ {
			b.WriteString(diff(got.Index(i), want.Index(i), fmt.Sprintf("%s[%d]", path, i)))
		}
		return b.String()
	default:
		if !reflect.DeepEqual(got.Interface(), want.Interface()) {
			return fmt.Sprintf("  %s: got %v, want %v\n", path, show(got), show(want))
		}
		return ""
	}
}

// show formats a value for diff, dereferencing pointers.
func show(v reflect.Value) string {
	if !v.IsValid() {
		return "<invalid>"
	}
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return "nil"
		}
		v = v.Elem()
	}
	if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Pointer {
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = show(v.Index(i))
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	return fmt.Sprintf("%+v", v.Interface())
}

// world is a small group to test against: an account with its facilitator
// member, ordinary members without accounts, one round in rating and
// proposals on its agenda.
type world struct {
	clock     *clock
	account   *engine.Account
	group     *engine.Group
	fac       *engine.Member
	members   []*engine.Member
	round     *engine.Round
	proposals []*engine.Proposal
}

// testSettings exercises every field of GroupSettings, the consensus rule's
// optional thresholds included.
func testSettings() engine.GroupSettings {
	return engine.GroupSettings{
		Scale:        engine.ScaleLikert9,
		AgreeZone:    &engine.Zone{Min: 7, Max: 9},
		DisagreeZone: &engine.Zone{Min: 1, Max: 3},
		ConsensusRule: analysis.ConsensusRule{Version: 1, MinPercentAgree: ptr(70.0), MaxPercentOpposite: ptr(15.0),
			MaxIQR: ptr(2.5), MinRaters: 5, WithinEveryPerspective: true},
		RevealPolicy:              engine.RevealAfterOwnRating,
		Anonymous:                 true,
		FacilitatorsSeeIdentities: true,
		Perspectives:              []string{"lived experience", "carer", "practitioner", "commissioner"},
		MinCellSize:               5,
		QuantileType:              7,
		GroundRules:               "Listen first. «Quotes», emoji 🙂 and 'apostrophes' survive.",
	}
}

// newAccount returns an account with a unique email.
func newAccount(c *clock, name string) *engine.Account {
	id := c.id()
	return &engine.Account{ID: id, Email: strings.ToLower(name) + "." + id[len(id)-6:] + "@example.org", Name: name,
		PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$a2V5", CreatedAt: c.now()}
}

// newGroup returns a group created by account.
func newGroup(c *clock, account *engine.Account, name string) *engine.Group {
	now := c.now()
	return &engine.Group{ID: c.id(), Name: name, Description: "A group to test the store.", Settings: testSettings(),
		CreatedBy: account.ID, CreatedAt: now, UpdatedAt: now, PseudonymKey: "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}
}

// newMember returns a member of group g; accountID may be "".
func newMember(c *clock, g *engine.Group, accountID, name, role string) *engine.Member {
	return &engine.Member{ID: c.id(), GroupID: g.ID, AccountID: accountID, DisplayName: name,
		Perspective: g.Settings.Perspectives[len(name)%len(g.Settings.Perspectives)], Role: role,
		ResearchConsent: len(name)%2 == 0, ReasonsConsent: true, AccessNeeds: "large text", CreatedAt: c.now()}
}

// newRound returns round number n of group g in state.
func newRound(c *clock, g *engine.Group, n int, state string) *engine.Round {
	return &engine.Round{ID: c.id(), GroupID: g.ID, Number: n, Prompt: fmt.Sprintf("Round %d: what should change?", n),
		State: state, CarryRules: []string{engine.CarryWithoutConsensus, engine.DropConsensusAgainst},
		RuleVersion: 1, CreatedAt: c.now()}
}

// newProposal returns a visible proposal of round r by author.
func newProposal(c *clock, r *engine.Round, author *engine.Member, text string) *engine.Proposal {
	return &engine.Proposal{ID: c.id(), GroupID: r.GroupID, RoundID: r.ID, AuthorID: author.ID, Text: text,
		EasyRead: "Easy Read: " + text, State: engine.ProposalVisible, CreatedBy: author.ID, CreatedAt: c.now()}
}

// newRating returns a rating event of member m on proposal p in round r.
func newRating(c *clock, r *engine.Round, p *engine.Proposal, m *engine.Member, value *int) *engine.RatingEvent {
	return &engine.RatingEvent{ID: c.id(), GroupID: r.GroupID, RoundID: r.ID, ProposalID: p.ID, MemberID: m.ID,
		Value: value, Pass: value == nil, Mode: engine.ModeSelf, EnteredBy: m.ID, BodyHash: "body-" + m.ID,
		CreatedAt: c.now()}
}

// seed stores a world with nMembers ordinary members and nProposals
// proposals on the agenda of a round in rating.
func seed(t *testing.T, s engine.Store, nMembers, nProposals int) *world {
	t.Helper()
	c := newClock()
	w := &world{clock: c, account: newAccount(c, "Facilitator")}
	w.group = newGroup(c, w.account, "Ward 7 co-design group")
	w.fac = newMember(c, w.group, w.account.ID, "Fran", engine.RoleFacilitator)
	for i := 0; i < nMembers; i++ {
		w.members = append(w.members, newMember(c, w.group, "", fmt.Sprintf("Member %d", i+1), engine.RoleMember))
	}
	w.round = newRound(c, w.group, 1, engine.RoundRating)
	for i := 0; i < nProposals; i++ {
		w.proposals = append(w.proposals, newProposal(c, w.round, w.fac, fmt.Sprintf("Proposal %d", i+1)))
	}
	write(t, s, func(tx engine.Tx) error {
		if err := tx.CreateAccount(ctx, w.account); err != nil {
			return err
		}
		if err := tx.CreateGroup(ctx, w.group); err != nil {
			return err
		}
		for _, m := range append([]*engine.Member{w.fac}, w.members...) {
			if err := tx.CreateMember(ctx, m); err != nil {
				return err
			}
		}
		if err := tx.CreateRound(ctx, w.round); err != nil {
			return err
		}
		for i, p := range w.proposals {
			if err := tx.CreateProposal(ctx, p); err != nil {
				return err
			}
			if err := tx.AddAgendaItem(ctx, &engine.AgendaItem{RoundID: w.round.ID, ProposalID: p.ID,
				Source: engine.AgendaNew, Position: i, CreatedAt: c.now()}); err != nil {
				return err
			}
		}
		return nil
	})
	return w
}

// testPing checks that a working store answers.
func testPing(t *testing.T, s engine.Store) {
	must(t, s.Ping(ctx), "Ping")
}
