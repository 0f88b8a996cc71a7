package engine

import (
	"context"
	"strings"
	"time"
)

// Token prefixes say what a secret is when it turns up in a log or a
// support request, without revealing anything about it.
const (
	prefixAccountSession = "avs_"
	prefixMemberSession  = "avm_"
	prefixAPIToken       = "avt_"
	prefixInvite         = "avi_"
)

// SignUpInput is what a facilitator, evaluator or safeguarding lead gives
// to create an account.
type SignUpInput struct {
	Email    string
	Name     string
	Password string
}

// SignUp creates an account and signs it in, returning the session secret.
func (e *Engine) SignUp(ctx context.Context, in SignUpInput) (*Account, string, error) {
	var v validator
	v.email("email", &in.Email)
	v.text("name", &in.Name, true, MaxNameLen)
	if n := len([]rune(in.Password)); n < MinPasswordLen || n > MaxPasswordLen {
		v.fail("password", "must be between %d and %d characters", MinPasswordLen, MaxPasswordLen)
	}
	if err := v.err(); err != nil {
		return nil, "", err
	}
	now := e.Now()
	a := &Account{ID: NewID(now), Email: in.Email, Name: in.Name, PasswordHash: HashPassword(in.Password), CreatedAt: now}
	var token string
	err := e.store.InTx(ctx, func(tx Tx) error {
		if err := tx.CreateAccount(ctx, a); err != nil {
			if ErrorCode(err) == ECONFLICT {
				return &Error{Code: ECONFLICT, Message: "An account with this email already exists.",
					Fields: []FieldError{{Field: "email", Rule: "must not belong to an existing account"}}}
			}
			return err
		}
		var err error
		token, err = e.newSession(ctx, tx, Session{Kind: SessionAccount, AccountID: a.ID}, e.accountSessionTTL)
		if err != nil {
			return err
		}
		return e.audit(ctx, tx, "", a.ID, "account.created", "account", a.ID)
	})
	if err != nil {
		return nil, "", err
	}
	return a, token, nil
}

// dummyHash makes a failed lookup cost as much as a failed password check,
// so response times do not reveal which emails have accounts.
var dummyHash = HashPassword("allvoice-timing-equaliser")

// LogIn checks an email and password and returns a new session secret. A
// new session is always issued (never reused), so a fixed session id
// planted before login is worthless.
func (e *Engine) LogIn(ctx context.Context, email, password string) (*Account, string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	bad := &Error{Code: EUNAUTHORIZED, Message: "The email or password is not right.",
		Fields: []FieldError{{Field: "password", Rule: "must match the account's email and password"}}}
	if email == "" || password == "" || len(password) > 4*MaxPasswordLen {
		return nil, "", bad
	}
	a, err := e.store.AccountByEmail(ctx, email)
	if ErrorCode(err) == ENOTFOUND {
		_, _ = CheckPassword(dummyHash, password)
		return nil, "", bad
	} else if err != nil {
		return nil, "", err
	}
	ok, err := CheckPassword(a.PasswordHash, password)
	if err != nil {
		return nil, "", &Error{Code: EINTERNAL, Message: "internal", Err: err}
	}
	if !ok {
		return nil, "", bad
	}
	var token string
	err = e.store.InTx(ctx, func(tx Tx) error {
		var err error
		token, err = e.newSession(ctx, tx, Session{Kind: SessionAccount, AccountID: a.ID}, e.accountSessionTTL)
		return err
	})
	return a, token, err
}

// newSession stores a session with a fresh secret and returns the secret.
func (e *Engine) newSession(ctx context.Context, tx Tx, s Session, ttl time.Duration) (string, error) {
	prefix := map[string]string{SessionAccount: prefixAccountSession, SessionMember: prefixMemberSession, SessionAPIToken: prefixAPIToken}[s.Kind]
	token, hash := NewToken(prefix)
	now := e.Now()
	s.Hash, s.CreatedAt, s.ExpiresAt = hash, now, now.Add(ttl)
	if err := tx.CreateSession(ctx, &s); err != nil {
		return "", err
	}
	return token, nil
}

// Authenticate turns a session secret or API token into an Actor. Unknown,
// expired and revoked secrets all answer EUNAUTHORIZED alike.
func (e *Engine) Authenticate(ctx context.Context, token string) (Actor, error) {
	bad := Errorf(EUNAUTHORIZED, "Your session has ended. Please sign in again or use your invite link.")
	// A sign-in link is spent by UseSignInLink, never used as a session.
	if token == "" || len(token) > 200 || IsSignInLink(token) {
		return Actor{}, bad
	}
	hash := HashToken(token)
	s, err := e.store.SessionByHash(ctx, hash)
	if ErrorCode(err) == ENOTFOUND {
		return Actor{}, bad
	} else if err != nil {
		return Actor{}, err
	}
	if s.RevokedAt != nil || !e.Now().Before(s.ExpiresAt) || s.Name == signInLinkName {
		return Actor{}, bad
	}
	return Actor{AccountID: s.AccountID, MemberID: s.MemberID, SessionHash: hash}, nil
}

// LogOut revokes the session the actor used.
func (e *Engine) LogOut(ctx context.Context, actor Actor) error {
	if actor.SessionHash == "" {
		return nil
	}
	return e.store.InTx(ctx, func(tx Tx) error {
		return tx.RevokeSession(ctx, actor.SessionHash, e.Now())
	})
}

// CreateAPIToken issues a named bearer token for the signed-in account.
func (e *Engine) CreateAPIToken(ctx context.Context, actor Actor, name string) (string, error) {
	if actor.AccountID == "" {
		return "", Errorf(EUNAUTHORIZED, "Only a signed-in account can create API tokens.")
	}
	var v validator
	v.text("name", &name, true, MaxNameLen)
	if err := v.err(); err != nil {
		return "", err
	}
	var token string
	err := e.store.InTx(ctx, func(tx Tx) error {
		var err error
		token, err = e.newSession(ctx, tx, Session{Kind: SessionAPIToken, Name: name, AccountID: actor.AccountID}, e.apiTokenTTL)
		if err != nil {
			return err
		}
		return e.audit(ctx, tx, "", actor.AccountID, "api_token.created", "account", actor.AccountID)
	})
	return token, err
}

// Me describes who is signed in.
type Me struct {
	Account *Account `json:"account,omitempty"`
	Member  *Member  `json:"member,omitempty"`
}

// WhoAmI returns the signed-in account or member.
func (e *Engine) WhoAmI(ctx context.Context, actor Actor) (*Me, error) {
	switch {
	case actor.AccountID != "":
		a, err := e.store.AccountByID(ctx, actor.AccountID)
		if err != nil {
			return nil, err
		}
		return &Me{Account: a}, nil
	case actor.MemberID != "":
		m, err := e.store.MemberByID(ctx, actor.MemberID)
		if err != nil {
			return nil, err
		}
		return &Me{Member: m}, nil
	}
	return nil, Errorf(EUNAUTHORIZED, "Please sign in or join with your invite link.")
}

// LocalActor returns the account with email as an actor, without a
// password. It is for the command-line tools, which run with direct access
// to the database and so already hold every power; nothing reachable over
// the network may call it.
func (e *Engine) LocalActor(ctx context.Context, email string) (Actor, error) {
	a, err := e.store.AccountByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return Actor{}, notFoundAs(err, "No account has that email; sign up on the web pages first.")
	}
	return Actor{AccountID: a.ID}, nil
}
