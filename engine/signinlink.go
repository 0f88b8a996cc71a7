package engine

import (
	"context"
	"strings"
	"time"
)

// A sign-in link lets a member who joined by invite use Allvoice on
// another phone or computer, or again after losing theirs, without joining
// a second time: a second membership would count them twice among the
// people who can rate. The link works once, for a day; opening it gives
// the new device a member session of its own.
const (
	prefixSignInLink = "avl_"
	// signInLinkName marks the stored credential as a link, which
	// Authenticate never accepts as a session.
	signInLinkName = "sign_in_link"
	// SignInLinkTTL is how long a sign-in link works.
	SignInLinkTTL = 24 * time.Hour
)

// SignInLink is a fresh sign-in link's secret and when it stops working.
type SignInLink struct {
	MemberID  string    `json:"member_id"`
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// IsSignInLink reports whether a typed or pasted code is a sign-in link
// rather than an invite, so the join form can send it the right way.
func IsSignInLink(code string) bool { return strings.HasPrefix(code, prefixSignInLink) }

// CreateSignInLink makes a sign-in link for a member who joined by invite.
// Members make their own (to move to another device); facilitators make
// one for a member who has lost theirs, which the audit log records.
func (e *Engine) CreateSignInLink(ctx context.Context, actor Actor, memberID string) (*SignInLink, error) {
	if !validID(memberID) {
		return nil, Errorf(ENOTFOUND, "Member not found.")
	}
	var link *SignInLink
	err := e.store.InTx(ctx, func(tx Tx) error {
		m, a, err := e.memberAccess(ctx, tx, actor, memberID)
		if err != nil {
			return err
		}
		if a.member.ID != m.ID {
			if err := a.require("", PermManageGroup); err != nil {
				return err
			}
		}
		if m.AccountID != "" {
			return &Error{Code: EINVALID, Message: "This member signs in with their email and password, not a link.",
				Fields: []FieldError{{Field: "member_id", Rule: "must be a member who joined by invite link"}}}
		}
		token, hash := NewToken(prefixSignInLink)
		now := e.Now()
		s := Session{Hash: hash, Kind: SessionMember, Name: signInLinkName, MemberID: m.ID, CreatedAt: now, ExpiresAt: now.Add(SignInLinkTTL)}
		if err := tx.CreateSession(ctx, &s); err != nil {
			return err
		}
		link = &SignInLink{MemberID: m.ID, Token: token, ExpiresAt: s.ExpiresAt}
		return e.audit(ctx, tx, m.GroupID, a.member.ID, "member.sign_in_link_created", "member", m.ID)
	})
	if err != nil {
		return nil, err
	}
	return link, nil
}

// PreviewSignInLink returns the member a usable sign-in link signs in as,
// without using it: a page asks "is this you?" before a button uses it, so
// a chat app fetching the link to preview it cannot spend it.
func (e *Engine) PreviewSignInLink(ctx context.Context, token string) (*Member, error) {
	_, m, err := e.usableSignInLink(ctx, e.store, token)
	return m, err
}

// UseSignInLink spends a sign-in link: it revokes the link and returns
// its member with a new member session secret.
func (e *Engine) UseSignInLink(ctx context.Context, token string) (*Member, string, error) {
	var m *Member
	var session string
	err := e.store.InTx(ctx, func(tx Tx) error {
		var s *Session
		var err error
		if s, m, err = e.usableSignInLink(ctx, tx, token); err != nil {
			return err
		}
		// Spending it first, inside the transaction, makes the link
		// single-use even when two devices open it at once; the loser gets
		// the same answer as for any spent link.
		if err := tx.SpendSession(ctx, s.Hash, e.Now()); err != nil {
			if ErrorCode(err) == ECONFLICT {
				err = errSignInLink()
			}
			return err
		}
		if session, err = e.newSession(ctx, tx, Session{Kind: SessionMember, MemberID: m.ID}, e.memberSessionTTL); err != nil {
			return err
		}
		return e.audit(ctx, tx, m.GroupID, m.ID, "member.signed_in_by_link", "member", m.ID)
	})
	if err != nil {
		return nil, "", err
	}
	return m, session, nil
}

// errSignInLink is the one answer for a link that does not work, whatever
// the reason, so a guesser learns nothing.
func errSignInLink() *Error {
	return &Error{Code: ENOTFOUND, Message: "This sign-in link does not work. It works once, for a day; make a new one on the device you use, or ask your facilitator.",
		Fields: []FieldError{{Field: "token", Rule: "must be a current sign-in link"}}}
}

// usableSignInLink finds the link's credential and member, failing alike
// for unknown, spent, expired and erased.
func (e *Engine) usableSignInLink(ctx context.Context, r Reader, token string) (*Session, *Member, error) {
	bad := errSignInLink()
	if !IsSignInLink(token) || len(token) > 200 {
		return nil, nil, bad
	}
	s, err := r.SessionByHash(ctx, HashToken(token))
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil, bad
	} else if err != nil {
		return nil, nil, err
	}
	if s.Name != signInLinkName || s.RevokedAt != nil || !e.Now().Before(s.ExpiresAt) || s.MemberID == "" {
		return nil, nil, bad
	}
	m, err := r.MemberByID(ctx, s.MemberID)
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil, bad
	} else if err != nil {
		return nil, nil, err
	}
	if m.ErasedAt != nil {
		return nil, nil, bad
	}
	return s, m, nil
}
