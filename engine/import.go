package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/allvoice/allvoice/engine/polis"
)

// PolisImport names a Polis open-data export to import.
type PolisImport struct {
	// Name is the new group's name.
	Name string
	// Comments and Votes are the export's comments.csv and votes.csv.
	Comments io.Reader
	Votes    io.Reader
}

// PolisImportResult reports what an import created.
type PolisImportResult struct {
	Group     *Group `json:"group"`
	RoundID   string `json:"round_id"`
	Members   int    `json:"members"`
	Proposals int    `json:"proposals"`
	Ratings   int    `json:"ratings"`
	Rejected  int    `json:"rejected"`
}

// ImportPolis turns a Polis export into a group with one closed
// agree/disagree/pass round: each participant becomes a member (named
// "Participant N" after their Polis id), each comment not rejected by
// moderation a proposal, and each participant's latest vote a rating.
// Imported members have consented to research use, since the export is
// already public open data. Everything is written in one transaction.
func (e *Engine) ImportPolis(ctx context.Context, actor Actor, in PolisImport) (*PolisImportResult, error) {
	if actor.AccountID == "" {
		return nil, Errorf(EUNAUTHORIZED, "Sign in with a facilitator account to import.")
	}
	var v validator
	v.text("name", &in.Name, true, MaxTitleLen)
	if in.Comments == nil {
		v.fail("comments", "is required (comments.csv)")
	}
	if in.Votes == nil {
		v.fail("votes", "is required (votes.csv)")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	conv, err := polis.ReadConversation(in.Comments, in.Votes, polis.Options{})
	if err != nil {
		var pe *polis.ParseError
		if errors.As(err, &pe) {
			field := "comments"
			if pe.File == "votes.csv" {
				field = "votes"
			}
			return nil, invalid(field, "%s", pe.Error())
		}
		return nil, &Error{Code: EINVALID, Message: "The Polis export could not be read.", Err: err}
	}
	if len(conv.Comments) == 0 {
		return nil, invalid("comments", "must hold at least one comment that was not rejected")
	}
	for _, c := range conv.Comments {
		body := c.Body
		v.text(fmt.Sprintf("comments[%d].comment-body", c.ID), &body, true, MaxProposalLen)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	acct, err := e.store.AccountByID(ctx, actor.AccountID)
	if err != nil {
		return nil, err
	}
	settings := GroupSettings{Scale: ScaleAgreeDisagree, RevealPolicy: RevealAfterClose, Anonymous: true,
		PolisRejectedComments: len(conv.Rejected)}
	settings.normalise("settings.", &v)
	if err := v.err(); err != nil {
		return nil, &Error{Code: EINTERNAL, Message: "internal", Err: err}
	}
	settings.ConsensusRule.Version = 1
	now := e.Now()
	g := &Group{ID: NewID(now), Name: in.Name, Description: "Imported from a Polis open-data export.",
		Settings: settings, CreatedBy: acct.ID, CreatedAt: now, UpdatedAt: now, PseudonymKey: newPseudonymKey()}
	fac := &Member{ID: NewID(now), GroupID: g.ID, AccountID: acct.ID, DisplayName: acct.Name, Role: RoleFacilitator, CreatedAt: now}
	rd := &Round{ID: NewID(now), GroupID: g.ID, Number: 1, Prompt: in.Name, State: RoundClosed, RuleVersion: 1,
		CreatedAt: now, OpenedAt: &now, ClosedAt: &now, CarryRules: []string{CarryWithoutConsensus}}
	res := &PolisImportResult{Group: g, RoundID: rd.ID, Rejected: len(conv.Rejected), Proposals: len(conv.Comments)}
	err = e.store.InTx(ctx, func(tx Tx) error {
		if err := tx.CreateGroup(ctx, g); err != nil {
			return err
		}
		if err := tx.CreateRuleVersion(ctx, &RuleVersion{GroupID: g.ID, Version: 1, Rule: settings.ConsensusRule, CreatedAt: now, CreatedBy: fac.ID}); err != nil {
			return err
		}
		if err := tx.CreateMember(ctx, fac); err != nil {
			return err
		}
		if err := tx.CreateRound(ctx, rd); err != nil {
			return err
		}
		members := map[int]string{}
		member := func(pid int) (string, error) {
			if id, ok := members[pid]; ok {
				return id, nil
			}
			m := &Member{ID: NewID(now), GroupID: g.ID, DisplayName: fmt.Sprintf("Participant %d", pid), Role: RoleMember,
				ResearchConsent: true, CreatedAt: now}
			if err := tx.CreateMember(ctx, m); err != nil {
				return "", err
			}
			members[pid] = m.ID
			return m.ID, nil
		}
		for _, pid := range conv.Voters {
			if _, err := member(pid); err != nil {
				return err
			}
		}
		proposals := map[int]string{}
		for i, c := range conv.Comments {
			author, err := member(c.AuthorID)
			if err != nil {
				return err
			}
			p := &Proposal{ID: NewID(now), GroupID: g.ID, RoundID: rd.ID, AuthorID: author, Text: c.Body,
				State: ProposalVisible, CreatedBy: fac.ID, CreatedAt: now}
			if err := tx.CreateProposal(ctx, p); err != nil {
				return err
			}
			proposals[c.ID] = p.ID
			if err := tx.AddAgendaItem(ctx, &AgendaItem{RoundID: rd.ID, ProposalID: p.ID, Source: AgendaNew, Position: i, CreatedAt: now}); err != nil {
				return err
			}
		}
		for _, vt := range conv.Votes {
			ev := &RatingEvent{ID: NewID(now), GroupID: g.ID, RoundID: rd.ID, ProposalID: proposals[vt.CommentID],
				MemberID: members[vt.VoterID], Mode: ModeSelf, EnteredBy: members[vt.VoterID], CreatedAt: polisTime(vt.Timestamp, now)}
			if vt.Value == 0 {
				ev.Pass = true
			} else {
				val := int(vt.Value)
				ev.Value = &val
			}
			if err := tx.AppendRatingEvent(ctx, ev); err != nil {
				return err
			}
		}
		res.Members, res.Ratings = len(members), len(conv.Votes)
		return e.audit(ctx, tx, g.ID, fac.ID, "group.imported_polis", "group", g.ID)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// polisTime reads a Polis timestamp (milliseconds in older exports,
// seconds in newer ones); a missing one takes the import time.
func polisTime(ts int64, fallback time.Time) time.Time {
	switch {
	case ts <= 0:
		return fallback
	case ts > 1e11:
		return time.UnixMilli(ts).UTC().Truncate(time.Microsecond)
	default:
		return time.Unix(ts, 0).UTC()
	}
}
