package engine

import (
	"context"
	"slices"
)

// ProposalInput is the text of a proposal.
type ProposalInput struct {
	Text     string
	EasyRead string
}

func (in *ProposalInput) validate(v *validator, prefix string) {
	v.text(prefix+"text", &in.Text, true, MaxProposalLen)
	v.text(prefix+"easy_read", &in.EasyRead, false, MaxProposalLen)
}

// ProposalView is a proposal as one actor may see it.
type ProposalView struct {
	ID       string `json:"id"`
	RoundID  string `json:"round_id"`
	Text     string `json:"text"`
	EasyRead string `json:"easy_read,omitempty"`
	State    string `json:"state"`
	// ModerationReason is shown to the author and to facilitators.
	ModerationReason string `json:"moderation_reason,omitempty"`
	AuthorID         string `json:"author_id,omitempty"`
	AuthorName       string `json:"author_name,omitempty"`
	// AuthorLeft is set when the author's membership was erased: the
	// proposal stays, credited to a former member.
	AuthorLeft  bool          `json:"author_left,omitempty"`
	YouProposed bool          `json:"you_proposed"`
	Parents     []LineageLink `json:"parents,omitempty"`
}

// memberNames maps member ids to display names the actor may see.
func (e *Engine) memberNames(ctx context.Context, a *access) (map[string]string, error) {
	ms, err := e.store.Members(ctx, a.group.ID)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(ms))
	for _, m := range ms {
		if m.ErasedAt == nil {
			names[m.ID] = m.DisplayName
		}
	}
	return names, nil
}

// proposalView renders p for the actor, or nil if they may not see it.
// Authorship of proposals is public within the group (credit matters in
// co-production) except to evaluators, who see pseudonyms.
func (e *Engine) proposalView(a *access, roundID string, p *Proposal, names map[string]string) *ProposalView {
	own := p.AuthorID != "" && p.AuthorID == a.member.ID
	mod := a.can(roundID, PermModerate)
	if p.State == ProposalHidden && !own && !mod {
		return nil
	}
	pv := &ProposalView{ID: p.ID, RoundID: p.RoundID, Text: p.Text, EasyRead: p.EasyRead, State: p.State,
		YouProposed: own, Parents: p.Parents}
	if own || mod {
		pv.ModerationReason = p.ModerationReason
	}
	if p.AuthorID != "" {
		if a.role(roundID) == RoleEvaluator {
			pv.AuthorID = Pseudonym(a.group, p.AuthorID)
		} else {
			pv.AuthorID, pv.AuthorName = p.AuthorID, names[p.AuthorID]
			pv.AuthorLeft = pv.AuthorName == ""
		}
	}
	return pv
}

// AddProposal adds a proposal to a round while proposing is open. It goes
// on the round's agenda at once.
func (e *Engine) AddProposal(ctx context.Context, actor Actor, roundID string, in ProposalInput) (*Proposal, error) {
	var v validator
	in.validate(&v, "")
	if err := v.err(); err != nil {
		return nil, err
	}
	var p *Proposal
	err := e.store.InTx(ctx, func(tx Tx) error {
		rd, a, err := e.authorizeRound(ctx, tx, actor, roundID, PermPropose)
		if err != nil {
			return err
		}
		if !rd.acceptsProposals() {
			return &Error{Code: ECONFLICT, Message: "This round is not taking proposals now.",
				Fields: []FieldError{{Field: "round_id", Rule: "must be a round that is open for proposals"}}}
		}
		now := e.Now()
		p = &Proposal{ID: NewID(now), GroupID: rd.GroupID, RoundID: rd.ID, AuthorID: a.member.ID, Text: in.Text,
			EasyRead: in.EasyRead, State: ProposalVisible, CreatedBy: a.member.ID, CreatedAt: now}
		if err := tx.CreateProposal(ctx, p); err != nil {
			return err
		}
		if err := e.appendToAgenda(ctx, tx, rd.ID, p.ID, AgendaNew, ""); err != nil {
			return err
		}
		return e.audit(ctx, tx, rd.GroupID, a.member.ID, "proposal.created", "proposal", p.ID)
	})
	if err != nil {
		return nil, err
	}
	e.events.Publish(ctx, RoundEvent{GroupID: p.GroupID, RoundID: p.RoundID, Kind: EventProposal})
	return p, nil
}

func (e *Engine) appendToAgenda(ctx context.Context, tx Tx, roundID, proposalID, source, baseline string) error {
	agenda, err := tx.Agenda(ctx, roundID)
	if err != nil {
		return err
	}
	pos := 0
	for _, it := range agenda {
		pos = max(pos, it.Position+1)
	}
	return tx.AddAgendaItem(ctx, &AgendaItem{RoundID: roundID, ProposalID: proposalID, Source: source,
		BaselineRoundID: baseline, Position: pos, CreatedAt: e.Now()})
}

// ListProposals lists every proposal of a group the actor may see,
// including superseded ones (their lineage is part of the record).
func (e *Engine) ListProposals(ctx context.Context, actor Actor, groupID string) ([]*ProposalView, error) {
	a, err := e.authorize(ctx, e.store, actor, groupID, PermViewGroup)
	if err != nil {
		return nil, err
	}
	ps, err := e.store.Proposals(ctx, groupID)
	if err != nil {
		return nil, err
	}
	names, err := e.memberNames(ctx, a)
	if err != nil {
		return nil, err
	}
	out := make([]*ProposalView, 0, len(ps))
	for _, p := range ps {
		if pv := e.proposalView(a, "", p, names); pv != nil {
			out = append(out, pv)
		}
	}
	return out, nil
}

// Moderation actions.
const (
	ModerationHide    = "hide"
	ModerationRestore = "restore"
)

// ModerateProposal hides a harmful proposal, with a reason its author sees,
// or restores it. Ratings already given are kept but a hidden proposal
// cannot be rated.
func (e *Engine) ModerateProposal(ctx context.Context, actor Actor, proposalID, action, reason string) (*Proposal, error) {
	var v validator
	v.oneOf("action", action, ModerationHide, ModerationRestore)
	v.text("reason", &reason, action == ModerationHide, MaxReasonLen)
	if err := v.err(); err != nil {
		return nil, err
	}
	var out *Proposal
	err := e.store.InTx(ctx, func(tx Tx) error {
		p, a, err := e.proposalAccess(ctx, tx, actor, proposalID, PermModerate)
		if err != nil {
			return err
		}
		switch {
		case action == ModerationHide && p.State == ProposalVisible:
			p.State, p.ModerationReason = ProposalHidden, reason
		case action == ModerationRestore && p.State == ProposalHidden:
			p.State, p.ModerationReason = ProposalVisible, reason
		default:
			return Errorf(ECONFLICT, "The proposal is %s; it cannot be %s.", p.State, map[string]string{ModerationHide: "hidden", ModerationRestore: "restored"}[action])
		}
		if err := tx.UpdateProposal(ctx, p); err != nil {
			return err
		}
		out = p
		return e.audit(ctx, tx, p.GroupID, a.member.ID, "proposal."+action, "proposal", p.ID)
	})
	if err != nil {
		return nil, err
	}
	e.events.Publish(ctx, RoundEvent{GroupID: out.GroupID, RoundID: out.RoundID, Kind: EventProposal})
	return out, nil
}

func (e *Engine) proposalAccess(ctx context.Context, tx Reader, actor Actor, proposalID string, p Permission) (*Proposal, *access, error) {
	if !validID(proposalID) {
		return nil, nil, Errorf(ENOTFOUND, "Proposal not found.")
	}
	if actor.Anonymous() {
		return nil, nil, Errorf(EUNAUTHORIZED, "Please sign in or join with your invite link.")
	}
	prop, err := tx.ProposalByID(ctx, proposalID)
	if err != nil {
		return nil, nil, notFoundAs(err, "Proposal not found.")
	}
	a, err := e.groupAccess(ctx, tx, actor, prop.GroupID)
	if err != nil {
		return nil, nil, notFoundAs(err, "Proposal not found.")
	}
	if err := a.require("", p); err != nil {
		return nil, nil, err
	}
	return prop, a, nil
}

// LineageInput rewrites proposals: a reword or split of one proposal, or a
// merge of several. Texts holds one text for reword and merge, two or more
// for split.
type LineageInput struct {
	Kind        string
	ProposalIDs []string
	Texts       []ProposalInput
	// RoundID is the open or draft round whose agenda the new proposals
	// join in place of the old ones.
	RoundID string
}

// RewriteProposals rewords, merges or splits proposals. The new proposals
// supersede the old ones, keep links to them (so earlier ratings stay
// attached to the lineage) and credit the original authors: a reword or
// split keeps its author; a merge of one author's proposals keeps that
// author, and of several authors credits each through the lineage.
func (e *Engine) RewriteProposals(ctx context.Context, actor Actor, in LineageInput) ([]*Proposal, error) {
	var v validator
	v.oneOf("kind", in.Kind, LineageReword, LineageMerge, LineageSplit)
	v.id("round_id", in.RoundID)
	switch in.Kind {
	case LineageReword, LineageSplit:
		if len(in.ProposalIDs) != 1 {
			v.fail("proposal_ids", "must name exactly one proposal for a %s", in.Kind)
		}
	case LineageMerge:
		if len(in.ProposalIDs) < 2 || len(in.ProposalIDs) > 20 {
			v.fail("proposal_ids", "must name between 2 and 20 proposals for a merge")
		}
	}
	for _, id := range in.ProposalIDs {
		v.id("proposal_ids", id)
	}
	if in.Kind == LineageSplit && (len(in.Texts) < 2 || len(in.Texts) > 10) {
		v.fail("texts", "must give between 2 and 10 texts for a split")
	} else if in.Kind != LineageSplit && len(in.Texts) != 1 {
		v.fail("texts", "must give exactly one text")
	}
	for i := range in.Texts {
		in.Texts[i].validate(&v, "texts.")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	var out []*Proposal
	var groupID string
	err := e.store.InTx(ctx, func(tx Tx) error {
		rd, a, err := e.authorizeRound(ctx, tx, actor, in.RoundID, PermModerate)
		if err != nil {
			return err
		}
		if rd.State == RoundClosed {
			return &Error{Code: ECONFLICT, Message: "The round is closed.", Fields: []FieldError{{Field: "round_id", Rule: "must not be closed"}}}
		}
		groupID = rd.GroupID
		olds := make([]*Proposal, 0, len(in.ProposalIDs))
		for _, id := range in.ProposalIDs {
			p, err := tx.ProposalByID(ctx, id)
			if err != nil || p.GroupID != rd.GroupID {
				return invalid("proposal_ids", "must be proposals of this group")
			}
			if p.State != ProposalVisible {
				return invalid("proposal_ids", "must be visible proposals (not hidden or already superseded)")
			}
			if slices.ContainsFunc(olds, func(o *Proposal) bool { return o.ID == p.ID }) {
				return invalid("proposal_ids", "must not repeat a proposal")
			}
			olds = append(olds, p)
		}
		author := olds[0].AuthorID
		for _, o := range olds[1:] {
			if o.AuthorID != author {
				author = "" // several authors: credited through the lineage
			}
		}
		agenda, err := tx.Agenda(ctx, rd.ID)
		if err != nil {
			return err
		}
		source, baseline := AgendaNew, ""
		for _, it := range agenda {
			for _, o := range olds {
				if it.ProposalID == o.ID {
					source, baseline = it.Source, it.BaselineRoundID
					if err := tx.RemoveAgendaItem(ctx, rd.ID, o.ID); err != nil {
						return err
					}
				}
			}
		}
		now := e.Now()
		for _, t := range in.Texts {
			p := &Proposal{ID: NewID(now), GroupID: rd.GroupID, RoundID: rd.ID, AuthorID: author, Text: t.Text,
				EasyRead: t.EasyRead, State: ProposalVisible, CreatedBy: a.member.ID, CreatedAt: now}
			for _, o := range olds {
				p.Parents = append(p.Parents, LineageLink{ProposalID: p.ID, ParentID: o.ID, Kind: in.Kind})
			}
			if err := tx.CreateProposal(ctx, p); err != nil {
				return err
			}
			if err := e.appendToAgenda(ctx, tx, rd.ID, p.ID, source, baseline); err != nil {
				return err
			}
			if err := e.audit(ctx, tx, rd.GroupID, a.member.ID, "proposal."+in.Kind, "proposal", p.ID); err != nil {
				return err
			}
			out = append(out, p)
		}
		for _, o := range olds {
			o.State = ProposalSuperseded
			if err := tx.UpdateProposal(ctx, o); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.events.Publish(ctx, RoundEvent{GroupID: groupID, RoundID: in.RoundID, Kind: EventProposal})
	return out, nil
}
