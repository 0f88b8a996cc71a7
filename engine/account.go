package engine

import "time"

// Account is a person who signs in with an email and password:
// facilitators, evaluators and safeguarding leads. Members of a group do
// not need one; they join by invite link.
type Account struct {
	ID           string    `json:"id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
}

// Session kinds.
const (
	SessionAccount  = "account"   // a signed-in account (cookie)
	SessionMember   = "member"    // a member who joined by invite link (long-lived cookie)
	SessionAPIToken = "api_token" // a named bearer token for an integrator
)

// Session is a stored credential: only the hash of its secret is kept, so a
// leaked database cannot be replayed. Revoking sets RevokedAt.
type Session struct {
	Hash      string     `json:"-"`
	Kind      string     `json:"kind"`
	Name      string     `json:"name,omitempty"`
	AccountID string     `json:"account_id,omitempty"`
	MemberID  string     `json:"member_id,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// Actor is whoever makes a request, as established by Authenticate. The
// zero Actor is anonymous and may only sign up, log in or join.
type Actor struct {
	AccountID string
	MemberID  string
	// SessionHash identifies the credential used, so it can be revoked.
	SessionHash string
}

// Anonymous reports whether no one is signed in.
func (a Actor) Anonymous() bool { return a.AccountID == "" && a.MemberID == "" }
