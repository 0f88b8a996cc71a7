package enginetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/analysis"
)

// testGroups: settings as JSON round-trip whole, updates, duplicates.
func testGroups(t *testing.T, s engine.Store) {
	c := newClock()
	a := newAccount(c, "Gail")
	plain := newGroup(c, a, "Plain")
	plain.Description = ""
	plain.Settings = engine.GroupSettings{Scale: engine.ScaleAgreeDisagree, RevealPolicy: engine.RevealNever}
	full := newGroup(c, a, "Full")
	write(t, s, func(tx engine.Tx) error {
		if err := tx.CreateAccount(ctx, a); err != nil {
			return err
		}
		if err := tx.CreateGroup(ctx, plain); err != nil {
			return err
		}
		return tx.CreateGroup(ctx, full)
	})
	for _, g := range []*engine.Group{plain, full} {
		got, err := s.GroupByID(ctx, g.ID)
		must(t, err, "GroupByID")
		same(t, got, g, "group "+g.Name)
	}

	upd := *full
	upd.Name = "Full, renamed"
	upd.Description = "Now with a longer description."
	upd.Settings.ConsensusRule = analysis.ConsensusRule{Version: 2, MinPercentAgree: ptr(75.0), MinRaters: 3}
	upd.Settings.Perspectives = []string{"lived experience"}
	upd.Settings.AgreeZone = nil
	upd.UpdatedAt = c.now()
	write(t, s, func(tx engine.Tx) error { return tx.UpdateGroup(ctx, &upd) })
	got, err := s.GroupByID(ctx, full.ID)
	must(t, err, "GroupByID after UpdateGroup")
	same(t, got, &upd, "updated group")

	// Only the mutable fields change.
	sneaky := upd
	sneaky.CreatedBy = c.id()
	sneaky.CreatedAt = c.now()
	sneaky.PseudonymKey = "changed"
	write(t, s, func(tx engine.Tx) error { return tx.UpdateGroup(ctx, &sneaky) })
	got, err = s.GroupByID(ctx, full.ID)
	must(t, err, "GroupByID after UpdateGroup")
	same(t, got, &upd, "group after trying to change immutable fields")

	dup := newGroup(c, a, "Duplicate")
	dup.ID = plain.ID
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.CreateGroup(ctx, dup) }), engine.ECONFLICT, "CreateGroup with a stored id")
	missing := newGroup(c, a, "Missing")
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.UpdateGroup(ctx, missing) }), engine.ENOTFOUND, "UpdateGroup of a missing group")
	_, err = s.GroupByID(ctx, c.id())
	wantCode(t, err, engine.ENOTFOUND, "GroupByID of a missing id")
}

// testGroupsForAccount: keyset pagination over the account's groups only.
func testGroupsForAccount(t *testing.T, s engine.Store) {
	c := newClock()
	a, other := newAccount(c, "Paula"), newAccount(c, "Otto")
	var mine []*engine.Group
	var erasedIn *engine.Group
	write(t, s, func(tx engine.Tx) error {
		for _, acct := range []*engine.Account{a, other} {
			if err := tx.CreateAccount(ctx, acct); err != nil {
				return err
			}
		}
		for i := 0; i < 7; i++ {
			g := newGroup(c, a, fmt.Sprintf("Group %d", i))
			if err := tx.CreateGroup(ctx, g); err != nil {
				return err
			}
			// a is in groups 0..4, other in every odd group; a's
			// membership in group 5 is erased; group 6 has members
			// without accounts only.
			switch {
			case i < 5:
				if err := tx.CreateMember(ctx, newMember(c, g, a.ID, "Paula", engine.RoleFacilitator)); err != nil {
					return err
				}
				mine = append(mine, g)
			case i == 5:
				m := newMember(c, g, a.ID, "Paula", engine.RoleMember)
				m.ErasedAt = ptr(c.now())
				if err := tx.CreateMember(ctx, m); err != nil {
					return err
				}
				erasedIn = g
			default:
				if err := tx.CreateMember(ctx, newMember(c, g, "", "Nobody", engine.RoleMember)); err != nil {
					return err
				}
			}
			if i%2 == 1 {
				if err := tx.CreateMember(ctx, newMember(c, g, other.ID, "Otto", engine.RoleMember)); err != nil {
					return err
				}
			}
		}
		return nil
	})

	all, err := s.GroupsForAccount(ctx, a.ID, engine.Page{})
	must(t, err, "GroupsForAccount")
	same(t, all, mine, "all groups of the account (an erased membership does not count)")

	var paged []*engine.Group
	after := ""
	for pages := 0; ; pages++ {
		if pages > len(mine) {
			t.Fatalf("pagination does not end")
		}
		page, err := s.GroupsForAccount(ctx, a.ID, engine.Page{Limit: 2, After: after})
		must(t, err, "GroupsForAccount page")
		if len(page) > 2 {
			t.Fatalf("page of limit 2 has %d groups", len(page))
		}
		if len(page) == 0 {
			break
		}
		paged = append(paged, page...)
		after = page[len(page)-1].ID
	}
	same(t, paged, mine, "groups read two at a time")

	otto, err := s.GroupsForAccount(ctx, other.ID, engine.Page{Limit: 10})
	must(t, err, "GroupsForAccount")
	if len(otto) != 3 || otto[0].Name != "Group 1" || otto[1].Name != "Group 3" || otto[2].ID != erasedIn.ID {
		t.Errorf("other account's groups: got %d, want groups 1, 3 and 5", len(otto))
	}
	none, err := s.GroupsForAccount(ctx, c.id(), engine.Page{})
	must(t, err, "GroupsForAccount of an account in no group")
	if none == nil || len(none) != 0 {
		t.Errorf("GroupsForAccount of an account in no group: got %v, want an empty slice", none)
	}
}

// testRuleVersions: versions in order, rule JSON round-trip, duplicates.
func testRuleVersions(t *testing.T, s engine.Store) {
	w := seed(t, s, 1, 0)
	c := w.clock
	v1 := engine.RuleVersion{GroupID: w.group.ID, Version: 1, Rule: w.group.Settings.ConsensusRule, CreatedAt: c.now(),
		CreatedBy: w.fac.ID}
	v2 := engine.RuleVersion{GroupID: w.group.ID, Version: 2, Rule: analysis.ConsensusRule{Version: 2,
		MinPercentAgree: ptr(75.0), MaxIQR: ptr(1.0), MinAgreementA: ptr(0.5), MinRaters: 4}, CreatedAt: c.now(),
		CreatedBy: w.fac.ID}
	// Stored out of order, listed by version.
	write(t, s, func(tx engine.Tx) error {
		if err := tx.CreateRuleVersion(ctx, &v2); err != nil {
			return err
		}
		return tx.CreateRuleVersion(ctx, &v1)
	})
	got, err := s.RuleVersions(ctx, w.group.ID)
	must(t, err, "RuleVersions")
	same(t, got, []engine.RuleVersion{v1, v2}, "rule versions")

	again := v2
	again.CreatedAt = c.now()
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.CreateRuleVersion(ctx, &again) }), engine.ECONFLICT,
		"CreateRuleVersion of a stored version")
	none, err := s.RuleVersions(ctx, c.id())
	must(t, err, "RuleVersions of a missing group")
	if none == nil || len(none) != 0 {
		t.Errorf("RuleVersions of a missing group: got %v, want an empty slice", none)
	}
}

// testMembers: round-trip with and without account, one membership per
// account, updates including erasure.
func testMembers(t *testing.T, s engine.Store) {
	w := seed(t, s, 3, 0)
	c := w.clock
	for _, m := range append([]*engine.Member{w.fac}, w.members...) {
		got, err := s.MemberByID(ctx, m.ID)
		must(t, err, "MemberByID")
		same(t, got, m, "member "+m.DisplayName)
	}
	got, err := s.MemberByAccount(ctx, w.group.ID, w.account.ID)
	must(t, err, "MemberByAccount")
	same(t, got, w.fac, "member by account")
	list, err := s.Members(ctx, w.group.ID)
	must(t, err, "Members")
	same(t, list, append([]*engine.Member{w.fac}, w.members...), "members by id")

	twice := newMember(c, w.group, w.account.ID, "Fran again", engine.RoleMember)
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.CreateMember(ctx, twice) }), engine.ECONFLICT,
		"a second member for the same account")
	dupID := newMember(c, w.group, "", "Copy", engine.RoleMember)
	dupID.ID = w.members[0].ID
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.CreateMember(ctx, dupID) }), engine.ECONFLICT,
		"CreateMember with a stored id")
	// The same account may be a member of another group.
	g2 := newGroup(c, w.account, "Second group")
	m2 := newMember(c, g2, w.account.ID, "Fran", engine.RoleObserver)
	write(t, s, func(tx engine.Tx) error {
		if err := tx.CreateGroup(ctx, g2); err != nil {
			return err
		}
		return tx.CreateMember(ctx, m2)
	})
	got, err = s.MemberByAccount(ctx, g2.ID, w.account.ID)
	must(t, err, "MemberByAccount in the second group")
	same(t, got, m2, "member in the second group")

	upd := *w.members[1]
	upd.DisplayName = "Renamed"
	upd.Perspective = "carer"
	upd.Role = engine.RoleEvaluator
	upd.ResearchConsent = !upd.ResearchConsent
	upd.ReasonsConsent = false
	upd.AccessNeeds = ""
	write(t, s, func(tx engine.Tx) error { return tx.UpdateMember(ctx, &upd) })
	got, err = s.MemberByID(ctx, upd.ID)
	must(t, err, "MemberByID after UpdateMember")
	same(t, got, &upd, "updated member")

	erased := upd
	erased.DisplayName = "Former member"
	erased.ErasedAt = ptr(c.now())
	write(t, s, func(tx engine.Tx) error { return tx.UpdateMember(ctx, &erased) })
	got, err = s.MemberByID(ctx, upd.ID)
	must(t, err, "MemberByID after erasure")
	same(t, got, &erased, "erased member")

	wantCode(t, writeErr(s, func(tx engine.Tx) error {
		return tx.UpdateMember(ctx, newMember(c, w.group, "", "Ghost", engine.RoleMember))
	}),
		engine.ENOTFOUND, "UpdateMember of a missing member")
	_, err = s.MemberByID(ctx, c.id())
	wantCode(t, err, engine.ENOTFOUND, "MemberByID of a missing id")
	_, err = s.MemberByAccount(ctx, w.group.ID, c.id())
	wantCode(t, err, engine.ENOTFOUND, "MemberByAccount of an account not in the group")
	none, err := s.Members(ctx, c.id())
	must(t, err, "Members of a missing group")
	if none == nil || len(none) != 0 {
		t.Errorf("Members of a missing group: got %v, want an empty slice", none)
	}
}

// testRoleAssignments: group-wide and per-round history, by group.
func testRoleAssignments(t *testing.T, s engine.Store) {
	w := seed(t, s, 2, 0)
	c := w.clock
	other := seed(t, s, 1, 0)
	want := []engine.RoleAssignment{
		{ID: c.id(), MemberID: w.members[0].ID, Role: engine.RoleObserver, AssignedBy: w.fac.ID, CreatedAt: c.now()},
		{ID: c.id(), MemberID: w.members[1].ID, RoundID: w.round.ID, Role: engine.RoleFacilitator, AssignedBy: w.fac.ID,
			CreatedAt: c.now()},
		{ID: c.id(), MemberID: w.members[0].ID, Role: engine.RoleSafeguardingLead, AssignedBy: w.fac.ID, CreatedAt: c.now()},
	}
	write(t, s, func(tx engine.Tx) error {
		for i := range want {
			if err := tx.CreateRoleAssignment(ctx, &want[i]); err != nil {
				return err
			}
		}
		return tx.CreateRoleAssignment(ctx, &engine.RoleAssignment{ID: c.id(), MemberID: other.members[0].ID,
			Role: engine.RoleEvaluator, AssignedBy: other.fac.ID, CreatedAt: c.now()})
	})
	got, err := s.RoleAssignments(ctx, w.group.ID)
	must(t, err, "RoleAssignments")
	same(t, got, want, "role assignments")
	dup := want[0]
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.CreateRoleAssignment(ctx, &dup) }), engine.ECONFLICT,
		"CreateRoleAssignment with a stored id")
	none, err := s.RoleAssignments(ctx, c.id())
	must(t, err, "RoleAssignments of a missing group")
	if none == nil || len(none) != 0 {
		t.Errorf("RoleAssignments of a missing group: got %v, want an empty slice", none)
	}
}

// testInvites: round-trip, use counting, every reason an invite is spent.
func testInvites(t *testing.T, s engine.Store) {
	w := seed(t, s, 0, 0)
	c := w.clock
	now := c.now()
	inv := func(kind string, maxUses int, expires time.Time) *engine.Invite {
		id := c.id()
		return &engine.Invite{ID: id, GroupID: w.group.ID, Kind: kind, Role: engine.RoleMember, Perspective: "carer",
			Label: "invite " + id[len(id)-4:], MaxUses: maxUses, ExpiresAt: expires, CreatedBy: w.fac.ID,
			CreatedAt: c.now(), TokenHash: engine.HashToken(id)}
	}
	single := inv(engine.InviteSingleUse, 1, now.Add(time.Hour))
	reusable := inv(engine.InviteReusable, 3, now.Add(time.Hour))
	reusable.Role = engine.RoleObserver
	reusable.Perspective = ""
	expired := inv(engine.InviteSingleUse, 1, now.Add(-time.Second))
	revoked := inv(engine.InviteReusable, 5, now.Add(time.Hour))
	atExpiry := inv(engine.InviteSingleUse, 1, now)
	all := []*engine.Invite{single, reusable, expired, revoked, atExpiry}
	write(t, s, func(tx engine.Tx) error {
		for _, i := range all {
			if err := tx.CreateInvite(ctx, i); err != nil {
				return err
			}
		}
		return nil
	})
	for _, i := range all {
		got, err := s.InviteByID(ctx, i.ID)
		must(t, err, "InviteByID")
		same(t, got, i, "invite by id")
		got, err = s.InviteByHash(ctx, i.TokenHash)
		must(t, err, "InviteByHash")
		same(t, got, i, "invite by hash")
	}
	list, err := s.Invites(ctx, w.group.ID)
	must(t, err, "Invites")
	same(t, list, all, "invites by id")

	use := func(id string) error {
		return writeErr(s, func(tx engine.Tx) error { return tx.UseInvite(ctx, id, now) })
	}
	must(t, use(single.ID), "first use of a single-use invite")
	wantCode(t, use(single.ID), engine.ECONFLICT, "second use of a single-use invite")
	for i := 0; i < 3; i++ {
		must(t, use(reusable.ID), fmt.Sprintf("use %d of 3", i+1))
	}
	wantCode(t, use(reusable.ID), engine.ECONFLICT, "use 4 of 3")
	wantCode(t, use(expired.ID), engine.ECONFLICT, "use of an expired invite")
	wantCode(t, use(atExpiry.ID), engine.ECONFLICT, "use at the moment of expiry")
	wantCode(t, use(c.id()), engine.ENOTFOUND, "use of a missing invite")

	at := c.now()
	write(t, s, func(tx engine.Tx) error { return tx.RevokeInvite(ctx, revoked.ID, at) })
	write(t, s, func(tx engine.Tx) error { return tx.RevokeInvite(ctx, revoked.ID, c.now()) })
	wantCode(t, use(revoked.ID), engine.ECONFLICT, "use of a revoked invite")
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.RevokeInvite(ctx, c.id(), at) }), engine.ENOTFOUND,
		"RevokeInvite of a missing invite")

	for _, tc := range []struct {
		inv     *engine.Invite
		uses    int
		revoked *time.Time
	}{{single, 1, nil}, {reusable, 3, nil}, {expired, 0, nil}, {revoked, 0, &at}, {atExpiry, 0, nil}} {
		got, err := s.InviteByID(ctx, tc.inv.ID)
		must(t, err, "InviteByID")
		want := *tc.inv
		want.Uses = tc.uses
		want.RevokedAt = tc.revoked
		same(t, got, &want, "invite after uses")
	}

	dup := inv(engine.InviteSingleUse, 1, now.Add(time.Hour))
	dup.TokenHash = single.TokenHash
	wantCode(t, writeErr(s, func(tx engine.Tx) error { return tx.CreateInvite(ctx, dup) }), engine.ECONFLICT,
		"CreateInvite with a stored token hash")
	_, err = s.InviteByID(ctx, c.id())
	wantCode(t, err, engine.ENOTFOUND, "InviteByID of a missing id")
	_, err = s.InviteByHash(ctx, engine.HashToken("none"))
	wantCode(t, err, engine.ENOTFOUND, "InviteByHash of a missing hash")
}

// testInviteTakenConcurrently: of many people taking a single-use invite
// at once, exactly one gets it.
func testInviteTakenConcurrently(t *testing.T, s engine.Store) {
	w := seed(t, s, 0, 0)
	c := w.clock
	now := c.now()
	inv := &engine.Invite{ID: c.id(), GroupID: w.group.ID, Kind: engine.InviteSingleUse, Role: engine.RoleMember,
		MaxUses: 1, ExpiresAt: now.Add(time.Hour), CreatedBy: w.fac.ID, CreatedAt: now, TokenHash: engine.HashToken("race")}
	write(t, s, func(tx engine.Tx) error { return tx.CreateInvite(ctx, inv) })

	const takers = 12
	var wg sync.WaitGroup
	errs := make([]error, takers)
	for i := range takers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = writeErr(s, func(tx engine.Tx) error { return tx.UseInvite(ctx, inv.ID, now) })
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch engine.ErrorCode(err) {
		case "":
			ok++
		case engine.ECONFLICT:
		default:
			t.Errorf("UseInvite: %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d of %d concurrent takers got a single-use invite, want 1", ok, takers)
	}
	got, err := s.InviteByID(ctx, inv.ID)
	must(t, err, "InviteByID")
	if got.Uses != 1 {
		t.Errorf("uses = %d after the race, want 1", got.Uses)
	}
}
