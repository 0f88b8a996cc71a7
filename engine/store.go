package engine

import (
	"context"
	"time"
)

// Page asks for one page of a list ordered by id: at most Limit items with
// id greater than After.
type Page struct {
	Limit int
	After string
}

// Store is what the engine needs from storage. engine/bunstore implements
// it for PostgreSQL and SQLite; enginetest holds the conformance suite.
//
// Reads outside InTx see committed data. Every use case that writes more
// than one row does so inside one InTx call, so a failure leaves nothing
// half-written.
type Store interface {
	Reader
	// InTx runs fn in one transaction, committing when fn returns nil.
	InTx(ctx context.Context, fn func(tx Tx) error) error
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
	// WriteRating appends a rating event atomically on its own, as
	// Writer.WriteRating does inside a transaction (on PostgreSQL in a
	// single statement).
	WriteRating(ctx context.Context, w *RatingWrite) (*RatingWritten, error)
}

// Tx is a transaction: every read and write of the Store.
type Tx interface {
	Reader
	Writer
}

// Reader holds the Store's queries. Single-item lookups return an *Error
// with ENOTFOUND when nothing matches; lists return an empty slice.
type Reader interface {
	AccountByID(ctx context.Context, id string) (*Account, error)
	AccountByEmail(ctx context.Context, email string) (*Account, error)
	SessionByHash(ctx context.Context, hash string) (*Session, error)

	GroupByID(ctx context.Context, id string) (*Group, error)
	// GroupsForAccount lists the groups in which the account is a member.
	GroupsForAccount(ctx context.Context, accountID string, page Page) ([]*Group, error)
	RuleVersions(ctx context.Context, groupID string) ([]RuleVersion, error)

	MemberByID(ctx context.Context, id string) (*Member, error)
	MemberByAccount(ctx context.Context, groupID, accountID string) (*Member, error)
	// MemberByJoinKey returns the member who joined with the join key's
	// hash.
	MemberByJoinKey(ctx context.Context, keyHash string) (*Member, error)
	// Members lists a group's members ordered by id.
	Members(ctx context.Context, groupID string) ([]*Member, error)
	RoleAssignments(ctx context.Context, groupID string) ([]RoleAssignment, error)

	InviteByID(ctx context.Context, id string) (*Invite, error)
	InviteByHash(ctx context.Context, hash string) (*Invite, error)
	Invites(ctx context.Context, groupID string) ([]*Invite, error)

	RoundByID(ctx context.Context, id string) (*Round, error)
	// Rounds lists a group's rounds by number.
	Rounds(ctx context.Context, groupID string) ([]*Round, error)
	// RoundsDue lists rounds whose scheduled open or close time has passed
	// while they are still draft or open.
	RoundsDue(ctx context.Context, now time.Time) ([]*Round, error)
	// Agenda lists a round's agenda by position.
	Agenda(ctx context.Context, roundID string) ([]AgendaItem, error)
	// AgendaItem returns one proposal's item on a round's agenda.
	AgendaItem(ctx context.Context, roundID, proposalID string) (*AgendaItem, error)

	// ProposalByID returns a proposal with its lineage parents.
	ProposalByID(ctx context.Context, id string) (*Proposal, error)
	// Proposals lists a group's proposals with their lineage parents, by id.
	Proposals(ctx context.Context, groupID string) ([]*Proposal, error)

	// CurrentRating returns the member's current rating event.
	CurrentRating(ctx context.Context, roundID, proposalID, memberID string) (*RatingEvent, error)
	// CurrentRatings lists a round's current rating events.
	CurrentRatings(ctx context.Context, roundID string) ([]*RatingEvent, error)
	// MemberCurrentRatings lists one member's current rating events in a
	// round, by event id.
	MemberCurrentRatings(ctx context.Context, roundID, memberID string) ([]*RatingEvent, error)
	// RatingEventByKey finds the event a member's idempotency key created.
	RatingEventByKey(ctx context.Context, memberID, key string) (*RatingEvent, error)
	// RatingEvents lists every rating event of a group in order of creation.
	RatingEvents(ctx context.Context, groupID string) ([]*RatingEvent, error)
	// RatingEventsPage lists up to limit rating events of a group in the
	// order of RatingEvents, after the event at (afterTime, afterID); a zero
	// afterTime starts at the beginning. Exports read large groups page by
	// page with it, so memory does not grow with the group.
	RatingEventsPage(ctx context.Context, groupID string, afterTime time.Time, afterID string, limit int) ([]*RatingEvent, error)
	// RoundVersion returns a value that changes whenever anything an
	// analysis of the round reads has changed: its state, agenda, proposals,
	// ratings, decisions and reflections, and the group's settings, members
	// and roles.
	RoundVersion(ctx context.Context, roundID string) (string, error)
	// RoundRevision returns the round's change counter, which every change
	// to the round, its agenda and proposals, and the group's settings,
	// members and roles increments in the same transaction — everything
	// that decides who may rate what — and ratings never do.
	RoundRevision(ctx context.Context, roundID string) (int64, error)

	Decisions(ctx context.Context, groupID string) ([]*Decision, error)
	Reflections(ctx context.Context, groupID string) ([]*Reflection, error)
	AuditEvents(ctx context.Context, groupID string, page Page) ([]*AuditEvent, error)

	// ConcernByID returns a safeguarding concern.
	ConcernByID(ctx context.Context, id string) (*Concern, error)
	// Concerns lists a group's concerns by id; raisedBy, when not empty,
	// keeps only the concerns that member raised.
	Concerns(ctx context.Context, groupID, raisedBy string) ([]*Concern, error)
	// ConcernActions lists a concern's actions in the order recorded.
	ConcernActions(ctx context.Context, concernID string) ([]*ConcernAction, error)
	// CheckIn returns a member's check-in on a round.
	CheckIn(ctx context.Context, roundID, memberID string) (*CheckIn, error)
	// CheckIns lists a round's check-ins by member id.
	CheckIns(ctx context.Context, roundID string) ([]*CheckIn, error)
}

// Writer holds the Store's changes. Creating something whose unique key
// exists returns an *Error with ECONFLICT.
type Writer interface {
	CreateAccount(ctx context.Context, a *Account) error
	CreateSession(ctx context.Context, s *Session) error
	RevokeSession(ctx context.Context, hash string, at time.Time) error
	// SpendSession revokes a single-use credential (a sign-in link),
	// failing with ECONFLICT when it is revoked already, atomically, so
	// two devices cannot both use one link.
	SpendSession(ctx context.Context, hash string, at time.Time) error
	// RevokeMemberSessions revokes every session of a member.
	RevokeMemberSessions(ctx context.Context, memberID string, at time.Time) error

	CreateGroup(ctx context.Context, g *Group) error
	UpdateGroup(ctx context.Context, g *Group) error
	CreateRuleVersion(ctx context.Context, v *RuleVersion) error

	CreateMember(ctx context.Context, m *Member) error
	UpdateMember(ctx context.Context, m *Member) error
	CreateRoleAssignment(ctx context.Context, a *RoleAssignment) error

	CreateInvite(ctx context.Context, inv *Invite) error
	// UseInvite counts one use of an invite, failing with ECONFLICT when it
	// is revoked, expired at now, or has no uses left — atomically, so two
	// people cannot both take a single-use invite.
	UseInvite(ctx context.Context, id string, now time.Time) error
	RevokeInvite(ctx context.Context, id string, at time.Time) error

	CreateRound(ctx context.Context, r *Round) error
	UpdateRound(ctx context.Context, r *Round) error
	AddAgendaItem(ctx context.Context, item *AgendaItem) error
	RemoveAgendaItem(ctx context.Context, roundID, proposalID string) error

	// CreateProposal stores a proposal and its lineage links.
	CreateProposal(ctx context.Context, p *Proposal) error
	// UpdateProposal stores a proposal's state and moderation reason.
	UpdateProposal(ctx context.Context, p *Proposal) error

	// AppendRatingEvent stores the event and makes it the current rating of
	// its (round, proposal, member).
	AppendRatingEvent(ctx context.Context, ev *RatingEvent) error
	// WriteRating appends w.Event with w.Audit and makes it current, only
	// while the round is at w.Revision, the member has not used the
	// event's idempotency key, and w's conditions on the current rating
	// hold; the result says what it found (see RatingWrite).
	WriteRating(ctx context.Context, w *RatingWrite) (*RatingWritten, error)
	// EraseMemberContent blanks what an erased member wrote that the
	// record keeps (see Erasure) and marks the group's rounds changed for
	// RoundVersion. It is the one change to rating events after they are
	// written.
	EraseMemberContent(ctx context.Context, er *Erasure) error

	CreateDecision(ctx context.Context, d *Decision) error
	CreateReflection(ctx context.Context, r *Reflection) error
	AppendAudit(ctx context.Context, ev *AuditEvent) error

	CreateConcern(ctx context.Context, c *Concern) error
	// AppendConcernAction stores an action and moves its concern's status
	// and updated time to the action's; ENOTFOUND for a missing concern.
	AppendConcernAction(ctx context.Context, a *ConcernAction) error
	// SaveCheckIn stores a member's check-in on a round, replacing the
	// zone, share flag and updated time of an earlier one.
	SaveCheckIn(ctx context.Context, ci *CheckIn) error
	// DeleteCheckIn removes a member's check-in on a round; ENOTFOUND when
	// there is none.
	DeleteCheckIn(ctx context.Context, roundID, memberID string) error
}
