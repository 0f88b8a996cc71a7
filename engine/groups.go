package engine

import (
	"context"
	"reflect"
)

// GroupInput creates a group or changes its name and settings.
type GroupInput struct {
	Name        string
	Description string
	Settings    GroupSettings
	// FacilitatorName is how the creating facilitator appears in the group;
	// defaults to the account's name.
	FacilitatorName string
}

// CreateGroup creates a group with the signed-in account as its first
// facilitator and records the consensus rule as version 1.
func (e *Engine) CreateGroup(ctx context.Context, actor Actor, in GroupInput) (*Group, error) {
	if actor.AccountID == "" {
		return nil, Errorf(EUNAUTHORIZED, "Sign in with a facilitator account to create a group.")
	}
	var v validator
	v.text("name", &in.Name, true, MaxTitleLen)
	v.text("description", &in.Description, false, MaxLongTextLen)
	v.text("facilitator_name", &in.FacilitatorName, false, MaxNameLen)
	in.Settings.normalise("settings.", &v)
	if err := v.err(); err != nil {
		return nil, err
	}
	acct, err := e.store.AccountByID(ctx, actor.AccountID)
	if err != nil {
		return nil, err
	}
	if in.FacilitatorName == "" {
		in.FacilitatorName = acct.Name
	}
	now := e.Now()
	in.Settings.ConsensusRule.Version = 1
	g := &Group{ID: NewID(now), Name: in.Name, Description: in.Description, Settings: in.Settings,
		CreatedBy: acct.ID, CreatedAt: now, UpdatedAt: now, PseudonymKey: newPseudonymKey()}
	m := &Member{ID: NewID(now), GroupID: g.ID, AccountID: acct.ID, DisplayName: in.FacilitatorName,
		Role: RoleFacilitator, CreatedAt: now}
	err = e.store.InTx(ctx, func(tx Tx) error {
		if err := tx.CreateGroup(ctx, g); err != nil {
			return err
		}
		if err := tx.CreateRuleVersion(ctx, &RuleVersion{GroupID: g.ID, Version: 1, Rule: g.Settings.ConsensusRule, CreatedAt: now, CreatedBy: m.ID}); err != nil {
			return err
		}
		if err := tx.CreateMember(ctx, m); err != nil {
			return err
		}
		return e.audit(ctx, tx, g.ID, m.ID, "group.created", "group", g.ID)
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// GroupView is a group as one actor sees it, with their own membership.
type GroupView struct {
	Group
	You *Member `json:"you"`
	// YourRole is the actor's group-wide role.
	YourRole string `json:"your_role"`
}

// GetGroup returns a group the actor belongs to.
func (e *Engine) GetGroup(ctx context.Context, actor Actor, groupID string) (*GroupView, error) {
	a, err := e.authorize(ctx, e.store, actor, groupID, PermViewGroup)
	if err != nil {
		return nil, err
	}
	return &GroupView{Group: *a.group, You: a.member, YourRole: a.role("")}, nil
}

// ListGroups lists the groups of the signed-in account, or the member's
// own group.
func (e *Engine) ListGroups(ctx context.Context, actor Actor, page Page) ([]*Group, error) {
	switch {
	case actor.AccountID != "":
		return e.store.GroupsForAccount(ctx, actor.AccountID, page)
	case actor.MemberID != "":
		m, err := e.store.MemberByID(ctx, actor.MemberID)
		if err != nil {
			return nil, err
		}
		g, err := e.store.GroupByID(ctx, m.GroupID)
		if err != nil {
			return nil, err
		}
		if page.After != "" && g.ID <= page.After {
			return []*Group{}, nil
		}
		return []*Group{g}, nil
	}
	return nil, Errorf(EUNAUTHORIZED, "Please sign in or join with your invite link.")
}

// UpdateGroup changes a group's name, description and settings. A changed
// consensus rule becomes a new version; the scale cannot change once any
// rating exists, because earlier ratings would no longer be on it.
func (e *Engine) UpdateGroup(ctx context.Context, actor Actor, groupID string, in GroupInput) (*Group, error) {
	var v validator
	v.text("name", &in.Name, true, MaxTitleLen)
	v.text("description", &in.Description, false, MaxLongTextLen)
	in.Settings.normalise("settings.", &v)
	if err := v.err(); err != nil {
		return nil, err
	}
	var out *Group
	err := e.store.InTx(ctx, func(tx Tx) error {
		a, err := e.authorize(ctx, tx, actor, groupID, PermManageGroup)
		if err != nil {
			return err
		}
		g := *a.group
		if in.Settings.Scale != g.Settings.Scale {
			evs, err := tx.RatingEvents(ctx, g.ID)
			if err != nil {
				return err
			}
			if len(evs) > 0 {
				return &Error{Code: ECONFLICT, Message: "The scale cannot change after members have rated.",
					Fields: []FieldError{{Field: "settings.scale", Rule: "cannot change once ratings exist"}}}
			}
		}
		if field := weakensAnonymity(g.Settings, in.Settings); field != "" {
			if err := anonymityKept(ctx, tx, g.ID, field); err != nil {
				return err
			}
		}
		oldRule := g.Settings.ConsensusRule
		in.Settings.ConsensusRule.Version = oldRule.Version
		now := e.Now()
		if !reflect.DeepEqual(in.Settings.ConsensusRule, oldRule) {
			in.Settings.ConsensusRule.Version = oldRule.Version + 1
			if err := tx.CreateRuleVersion(ctx, &RuleVersion{GroupID: g.ID, Version: in.Settings.ConsensusRule.Version,
				Rule: in.Settings.ConsensusRule, CreatedAt: now, CreatedBy: a.member.ID}); err != nil {
				return err
			}
		}
		g.Name, g.Description, g.Settings, g.UpdatedAt = in.Name, in.Description, in.Settings, now
		if err := tx.UpdateGroup(ctx, &g); err != nil {
			return err
		}
		out = &g
		return e.audit(ctx, tx, g.ID, a.member.ID, "group.updated", "group", g.ID)
	})
	return out, err
}

// RuleHistory lists every version of a group's consensus rule.
func (e *Engine) RuleHistory(ctx context.Context, actor Actor, groupID string) ([]RuleVersion, error) {
	if _, err := e.authorize(ctx, e.store, actor, groupID, PermViewGroup); err != nil {
		return nil, err
	}
	return e.store.RuleVersions(ctx, groupID)
}
