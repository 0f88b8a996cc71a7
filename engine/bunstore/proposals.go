package bunstore

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/allvoice/allvoice/engine"
)

// proposalRow is a row of proposals.
type proposalRow struct {
	bun.BaseModel `bun:"table:proposals,alias:p"`

	ID               string    `bun:"id,pk"`
	GroupID          string    `bun:"group_id"`
	RoundID          string    `bun:"round_id"`
	AuthorID         string    `bun:"author_id,nullzero"`
	Text             string    `bun:"text"`
	EasyRead         string    `bun:"easy_read"`
	State            string    `bun:"state"`
	ModerationReason string    `bun:"moderation_reason"`
	CreatedBy        string    `bun:"created_by"`
	CreatedAt        time.Time `bun:"created_at"`
}

func (r *proposalRow) proposal() *engine.Proposal {
	return &engine.Proposal{ID: r.ID, GroupID: r.GroupID, RoundID: r.RoundID, AuthorID: r.AuthorID, Text: r.Text,
		EasyRead: r.EasyRead, State: r.State, ModerationReason: r.ModerationReason, CreatedBy: r.CreatedBy,
		CreatedAt: utc(r.CreatedAt)}
}

// proposalLinkRow is a row of proposal_links: ProposalID supersedes
// ParentID.
type proposalLinkRow struct {
	bun.BaseModel `bun:"table:proposal_links,alias:pl"`

	ProposalID string `bun:"proposal_id,pk"`
	ParentID   string `bun:"parent_id,pk"`
	Kind       string `bun:"kind"`
}

// ProposalByID returns a proposal with its lineage parents by parent id.
func (s *Store) ProposalByID(ctx context.Context, id string) (*engine.Proposal, error) {
	var r proposalRow
	if err := s.idb.NewSelect().Model(&r).ColumnExpr("p.*").Where("p.id = ?", id).Scan(ctx); err != nil {
		return nil, MapError(err, "proposal")
	}
	var links []proposalLinkRow
	if err := s.idb.NewSelect().Model(&links).ColumnExpr("pl.*").Where("pl.proposal_id = ?", id).OrderExpr("pl.parent_id").Scan(ctx); err != nil {
		return nil, MapError(err, "proposal")
	}
	p := r.proposal()
	for _, l := range links {
		p.Parents = append(p.Parents, engine.LineageLink{ProposalID: l.ProposalID, ParentID: l.ParentID, Kind: l.Kind})
	}
	return p, nil
}

// Proposals lists a group's proposals by id, each with its lineage parents
// by parent id.
func (s *Store) Proposals(ctx context.Context, groupID string) ([]*engine.Proposal, error) {
	var rows []proposalRow
	if err := s.idb.NewSelect().Model(&rows).ColumnExpr("p.*").Where("p.group_id = ?", groupID).OrderExpr("p.id").Scan(ctx); err != nil {
		return nil, MapError(err, "proposal")
	}
	var links []proposalLinkRow
	err := s.idb.NewSelect().Model(&links).ColumnExpr("pl.*").Join("JOIN proposals AS p ON p.id = pl.proposal_id").
		Where("p.group_id = ?", groupID).OrderExpr("pl.proposal_id, pl.parent_id").Scan(ctx)
	if err != nil {
		return nil, MapError(err, "proposal")
	}
	out := make([]*engine.Proposal, len(rows))
	byID := make(map[string]*engine.Proposal, len(rows))
	for i := range rows {
		out[i] = rows[i].proposal()
		byID[out[i].ID] = out[i]
	}
	for _, l := range links {
		if p := byID[l.ProposalID]; p != nil {
			p.Parents = append(p.Parents, engine.LineageLink{ProposalID: l.ProposalID, ParentID: l.ParentID, Kind: l.Kind})
		}
	}
	return out, nil
}

// CreateProposal stores a proposal and its lineage links. Each link is
// stored as a parent of p whatever its ProposalID says.
func (s *Store) CreateProposal(ctx context.Context, p *engine.Proposal) error {
	r := proposalRow{ID: p.ID, GroupID: p.GroupID, RoundID: p.RoundID, AuthorID: p.AuthorID, Text: p.Text,
		EasyRead: p.EasyRead, State: p.State, ModerationReason: p.ModerationReason, CreatedBy: p.CreatedBy,
		CreatedAt: utc(p.CreatedAt)}
	return s.atomic(ctx, func(idb bun.IDB) error {
		if err := insertNew(ctx, idb, &r, "proposal"); err != nil {
			return err
		}
		if len(p.Parents) > 0 {
			links := make([]proposalLinkRow, len(p.Parents))
			for i, l := range p.Parents {
				links[i] = proposalLinkRow{ProposalID: p.ID, ParentID: l.ParentID, Kind: l.Kind}
			}
			// A repeated parent is a caller's mistake, reported by the
			// primary key as ECONFLICT.
			if _, err := idb.NewInsert().Model(&links).Exec(ctx); err != nil {
				return MapError(err, "lineage link")
			}
		}
		return bumpRound(ctx, idb, p.RoundID)
	})
}

// UpdateProposal stores a proposal's state and moderation reason.
func (s *Store) UpdateProposal(ctx context.Context, p *engine.Proposal) error {
	r := proposalRow{ID: p.ID, State: p.State, ModerationReason: p.ModerationReason}
	return s.atomic(ctx, func(idb bun.IDB) error {
		res, err := idb.NewUpdate().Model(&r).Column("state", "moderation_reason").WherePK().Exec(ctx)
		if err != nil {
			return MapError(err, "proposal")
		}
		if err := expectOne(res, notFound("proposal"), "proposal"); err != nil {
			return err
		}
		// Every round that shows the proposal reads its state.
		_, err = idb.NewUpdate().Table("rounds").Set("revision = revision + 1").
			Where("id IN (SELECT round_id FROM agenda_items WHERE proposal_id = ?)"+
				" OR id = (SELECT round_id FROM proposals WHERE id = ?)", p.ID, p.ID).Exec(ctx)
		return MapError(err, "round")
	})
}
