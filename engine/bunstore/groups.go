package bunstore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/uptrace/bun"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/analysis"
)

// groupRow is a row of groups. Settings is engine.GroupSettings as JSON:
// the settings are always read and written whole, and new fields need no
// migration.
type groupRow struct {
	bun.BaseModel `bun:"table:groups,alias:g"`

	ID           string    `bun:"id,pk"`
	Name         string    `bun:"name"`
	Description  string    `bun:"description"`
	Settings     string    `bun:"settings"`
	CreatedBy    string    `bun:"created_by"`
	CreatedAt    time.Time `bun:"created_at"`
	UpdatedAt    time.Time `bun:"updated_at"`
	PseudonymKey string    `bun:"pseudonym_key"`
}

func newGroupRow(g *engine.Group) (*groupRow, error) {
	settings, err := encodeJSON(g.Settings, "group settings")
	if err != nil {
		return nil, err
	}
	return &groupRow{ID: g.ID, Name: g.Name, Description: g.Description, Settings: settings, CreatedBy: g.CreatedBy,
		CreatedAt: utc(g.CreatedAt), UpdatedAt: utc(g.UpdatedAt), PseudonymKey: g.PseudonymKey}, nil
}

func (r *groupRow) group() (*engine.Group, error) {
	g := &engine.Group{ID: r.ID, Name: r.Name, Description: r.Description, CreatedBy: r.CreatedBy,
		CreatedAt: utc(r.CreatedAt), UpdatedAt: utc(r.UpdatedAt), PseudonymKey: r.PseudonymKey}
	if err := decodeJSON(r.Settings, &g.Settings, "group settings"); err != nil {
		return nil, err
	}
	return g, nil
}

// ruleVersionRow is a row of rule_versions.
type ruleVersionRow struct {
	bun.BaseModel `bun:"table:rule_versions,alias:rv"`

	GroupID       string    `bun:"group_id,pk"`
	Version       int       `bun:"version,pk"`
	ConsensusRule string    `bun:"consensus_rule"`
	CreatedAt     time.Time `bun:"created_at"`
	CreatedBy     string    `bun:"created_by"`
}

// encodeJSON marshals a document column. Only the engine's own types are
// stored this way, so a failure is a bug: EINTERNAL.
func encodeJSON(v any, what string) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", &engine.Error{Code: engine.EINTERNAL, Message: what + " cannot be stored", Err: err}
	}
	return string(b), nil
}

// decodeJSON unmarshals a document column.
func decodeJSON(s string, v any, what string) error {
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return &engine.Error{Code: engine.EINTERNAL, Message: "stored " + what + " cannot be read", Err: err}
	}
	return nil
}

// GroupByID returns the group with the given id.
func (s *Store) GroupByID(ctx context.Context, id string) (*engine.Group, error) {
	var r groupRow
	if err := s.idb.NewSelect().Model(&r).ColumnExpr("g.*").Where("g.id = ?", id).Scan(ctx); err != nil {
		return nil, MapError(err, "group")
	}
	return r.group()
}

// GroupsForAccount lists, by id, the groups in which the account has a
// member that has not been erased.
func (s *Store) GroupsForAccount(ctx context.Context, accountID string, page engine.Page) ([]*engine.Group, error) {
	var rows []groupRow
	q := s.idb.NewSelect().Model(&rows).ColumnExpr("g.*").
		Join("JOIN members AS m ON m.group_id = g.id").
		Where("m.account_id = ?", accountID).Where("m.erased_at IS NULL")
	if page.After != "" {
		q = q.Where("g.id > ?", page.After)
	}
	if err := q.OrderExpr("g.id").Limit(pageLimit(page)).Scan(ctx); err != nil {
		return nil, MapError(err, "group")
	}
	out := make([]*engine.Group, 0, len(rows))
	for i := range rows {
		g, err := rows[i].group()
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// RuleVersions lists a group's consensus-rule versions, oldest first.
func (s *Store) RuleVersions(ctx context.Context, groupID string) ([]engine.RuleVersion, error) {
	var rows []ruleVersionRow
	if err := s.idb.NewSelect().Model(&rows).ColumnExpr("rv.*").Where("rv.group_id = ?", groupID).OrderExpr("rv.version").Scan(ctx); err != nil {
		return nil, MapError(err, "rule version")
	}
	out := make([]engine.RuleVersion, 0, len(rows))
	for _, r := range rows {
		v := engine.RuleVersion{GroupID: r.GroupID, Version: r.Version, CreatedAt: utc(r.CreatedAt), CreatedBy: r.CreatedBy}
		var rule analysis.ConsensusRule
		if err := decodeJSON(r.ConsensusRule, &rule, "consensus rule"); err != nil {
			return nil, err
		}
		v.Rule = rule
		out = append(out, v)
	}
	return out, nil
}

// CreateGroup stores a new group.
func (s *Store) CreateGroup(ctx context.Context, g *engine.Group) error {
	r, err := newGroupRow(g)
	if err != nil {
		return err
	}
	return insertNew(ctx, s.idb, r, "group")
}

// UpdateGroup stores a group's name, description, settings and update
// time. Its id, creator, creation time and pseudonym key never change.
func (s *Store) UpdateGroup(ctx context.Context, g *engine.Group) error {
	r, err := newGroupRow(g)
	if err != nil {
		return err
	}
	return s.atomic(ctx, func(idb bun.IDB) error {
		res, err := idb.NewUpdate().Model(r).Column("name", "description", "settings", "updated_at").WherePK().Exec(ctx)
		if err != nil {
			return MapError(err, "group")
		}
		if err := expectOne(res, notFound("group"), "group"); err != nil {
			return err
		}
		return bumpGroupRounds(ctx, idb, g.ID)
	})
}

// CreateRuleVersion stores a new version of a group's consensus rule; an
// existing version number is ECONFLICT.
func (s *Store) CreateRuleVersion(ctx context.Context, v *engine.RuleVersion) error {
	rule, err := encodeJSON(v.Rule, "consensus rule")
	if err != nil {
		return err
	}
	r := ruleVersionRow{GroupID: v.GroupID, Version: v.Version, ConsensusRule: rule, CreatedAt: utc(v.CreatedAt), CreatedBy: v.CreatedBy}
	return insertNew(ctx, s.idb, &r, "rule version")
}
