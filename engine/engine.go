package engine

import (
	"context"
	"sync"
	"time"
)

// Config configures an Engine. Store is required; the rest have defaults.
type Config struct {
	Store Store
	// Now is the clock; defaults to time.Now. Times are always UTC.
	Now func() time.Time
	// Events receives a notice after every committed change to a round.
	// When it is a *Hub, Subscribe serves live updates from it.
	Events Publisher
	// AccountSessionTTL bounds a signed-in account's session (default 12 h).
	AccountSessionTTL time.Duration
	// MemberSessionTTL bounds a member's session from an invite (default 180 days).
	MemberSessionTTL time.Duration
	// APITokenTTL bounds an integrator's token (default 365 days).
	APITokenTTL time.Duration
}

// Engine runs Allvoice's use cases. It is safe for concurrent use.
type Engine struct {
	store             Store
	now               func() time.Time
	events            Publisher
	hub               *Hub
	accountSessionTTL time.Duration
	memberSessionTTL  time.Duration
	apiTokenTTL       time.Duration

	analysisMu      sync.Mutex
	analysisCache   map[analysisKey]*analysisEntry
	analysisRunning map[analysisView]*analysisQueue

	// ratingCache holds what rating submissions check, per round.
	ratingCache ratingCache
}

// New returns an Engine over cfg.Store.
func New(cfg Config) *Engine {
	e := &Engine{
		store:             cfg.Store,
		now:               cfg.Now,
		events:            cfg.Events,
		accountSessionTTL: cfg.AccountSessionTTL,
		memberSessionTTL:  cfg.MemberSessionTTL,
		apiTokenTTL:       cfg.APITokenTTL,
		analysisCache:     map[analysisKey]*analysisEntry{},
		analysisRunning:   map[analysisView]*analysisQueue{},
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.events == nil {
		e.events = NewHub()
	}
	e.hub, _ = e.events.(*Hub)
	if e.accountSessionTTL == 0 {
		e.accountSessionTTL = 12 * time.Hour
	}
	if e.memberSessionTTL == 0 {
		e.memberSessionTTL = 180 * 24 * time.Hour
	}
	if e.apiTokenTTL == 0 {
		e.apiTokenTTL = 365 * 24 * time.Hour
	}
	return e
}

// Now returns the engine's current time in UTC, truncated to microseconds
// so that it round-trips through both databases unchanged.
func (e *Engine) Now() time.Time { return e.now().UTC().Truncate(time.Microsecond) }

// Ready reports whether the store answers, for readiness probes.
func (e *Engine) Ready(ctx context.Context) error {
	if err := e.store.Ping(ctx); err != nil {
		return &Error{Code: EUNAVAILABLE, Message: "The database is not reachable.", Err: err}
	}
	return nil
}

// audit appends an audit event inside tx. It records who did what to which
// thing and never any content.
func (e *Engine) audit(ctx context.Context, tx Tx, groupID, actorID, action, subjectType, subjectID string) error {
	now := e.Now()
	return tx.AppendAudit(ctx, &AuditEvent{
		ID: NewID(now), GroupID: groupID, ActorID: actorID, Action: action,
		SubjectType: subjectType, SubjectID: subjectID, CreatedAt: now,
	})
}
