package bunstore

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/allvoice/allvoice/engine"
)

// accountRow is a row of accounts.
type accountRow struct {
	bun.BaseModel `bun:"table:accounts,alias:a"`

	ID           string    `bun:"id,pk"`
	Email        string    `bun:"email"`
	Name         string    `bun:"name"`
	PasswordHash string    `bun:"password_hash"`
	CreatedAt    time.Time `bun:"created_at"`
}

func (r *accountRow) account() *engine.Account {
	return &engine.Account{ID: r.ID, Email: r.Email, Name: r.Name, PasswordHash: r.PasswordHash, CreatedAt: utc(r.CreatedAt)}
}

// sessionRow is a row of sessions.
type sessionRow struct {
	bun.BaseModel `bun:"table:sessions,alias:s"`

	Hash      string     `bun:"hash,pk"`
	Kind      string     `bun:"kind"`
	Name      string     `bun:"name"`
	AccountID string     `bun:"account_id,nullzero"`
	MemberID  string     `bun:"member_id,nullzero"`
	CreatedAt time.Time  `bun:"created_at"`
	ExpiresAt time.Time  `bun:"expires_at"`
	RevokedAt *time.Time `bun:"revoked_at"`
}

func (r *sessionRow) session() *engine.Session {
	return &engine.Session{Hash: r.Hash, Kind: r.Kind, Name: r.Name, AccountID: r.AccountID, MemberID: r.MemberID,
		CreatedAt: utc(r.CreatedAt), ExpiresAt: utc(r.ExpiresAt), RevokedAt: utcPtr(r.RevokedAt)}
}

// normalEmail is the stored form of an email address: lower case, so one
// address cannot hold two accounts by changing case.
func normalEmail(email string) string { return strings.ToLower(email) }

// AccountByID returns the account with the given id.
func (s *Store) AccountByID(ctx context.Context, id string) (*engine.Account, error) {
	var r accountRow
	if err := s.idb.NewSelect().Model(&r).ColumnExpr("a.*").Where("a.id = ?", id).Scan(ctx); err != nil {
		return nil, MapError(err, "account")
	}
	return r.account(), nil
}

// AccountByEmail returns the account with the given email, compared
// without regard to case.
func (s *Store) AccountByEmail(ctx context.Context, email string) (*engine.Account, error) {
	var r accountRow
	if err := s.idb.NewSelect().Model(&r).ColumnExpr("a.*").Where("a.email = ?", normalEmail(email)).Scan(ctx); err != nil {
		return nil, MapError(err, "account")
	}
	return r.account(), nil
}

// CreateAccount stores a new account with its email in lower case. An
// existing id or email is ECONFLICT.
func (s *Store) CreateAccount(ctx context.Context, a *engine.Account) error {
	r := accountRow{ID: a.ID, Email: normalEmail(a.Email), Name: a.Name, PasswordHash: a.PasswordHash, CreatedAt: utc(a.CreatedAt)}
	return insertNew(ctx, s.idb, &r, "account")
}

// SessionByHash returns the session stored under hash, revoked or expired
// ones included: the caller decides whether it is still valid.
func (s *Store) SessionByHash(ctx context.Context, hash string) (*engine.Session, error) {
	var r sessionRow
	if err := s.idb.NewSelect().Model(&r).ColumnExpr("s.*").Where("s.hash = ?", hash).Scan(ctx); err != nil {
		return nil, MapError(err, "session")
	}
	return r.session(), nil
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, sess *engine.Session) error {
	r := sessionRow{Hash: sess.Hash, Kind: sess.Kind, Name: sess.Name, AccountID: sess.AccountID, MemberID: sess.MemberID,
		CreatedAt: utc(sess.CreatedAt), ExpiresAt: utc(sess.ExpiresAt), RevokedAt: utcPtr(sess.RevokedAt)}
	return insertNew(ctx, s.idb, &r, "session")
}

// RevokeSession marks a session revoked at at. Revoking a revoked session
// keeps the first time and succeeds; an unknown hash is ENOTFOUND.
func (s *Store) RevokeSession(ctx context.Context, hash string, at time.Time) error {
	_, err := s.revokeSession(ctx, hash, at)
	return err
}

// revokeSession marks an unrevoked session revoked at at, in one
// conditional UPDATE, and reports whether this call revoked it (false: it
// was revoked already). An unknown hash is ENOTFOUND.
func (s *Store) revokeSession(ctx context.Context, hash string, at time.Time) (bool, error) {
	res, err := s.idb.NewUpdate().Model((*sessionRow)(nil)).Set("revoked_at = ?", utc(at)).
		Where("hash = ?", hash).Where("revoked_at IS NULL").Exec(ctx)
	if err != nil {
		return false, MapError(err, "session")
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err == nil, MapError(err, "session")
	}
	exists, err := s.idb.NewSelect().Model((*sessionRow)(nil)).Where("s.hash = ?", hash).Exists(ctx)
	if err != nil {
		return false, MapError(err, "session")
	}
	if !exists {
		return false, notFound("session")
	}
	return false, nil
}

// RevokeMemberSessions revokes every unrevoked session of a member.
func (s *Store) RevokeMemberSessions(ctx context.Context, memberID string, at time.Time) error {
	_, err := s.idb.NewUpdate().Model((*sessionRow)(nil)).Set("revoked_at = ?", utc(at)).
		Where("member_id = ?", memberID).Where("revoked_at IS NULL").Exec(ctx)
	return MapError(err, "session")
}
