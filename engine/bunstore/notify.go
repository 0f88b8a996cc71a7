package bunstore

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/migrations"
)

// notifyChannel is the PostgreSQL channel round events travel on.
const notifyChannel = "allvoice_round_events"

// notice is a round event on the wire, tagged with the instance that sent
// it so an instance does not deliver its own events twice.
type notice struct {
	Origin string            `json:"o"`
	Event  engine.RoundEvent `json:"e"`
}

// Relay carries round events between Allvoice instances that share one
// PostgreSQL database, with LISTEN/NOTIFY. It implements engine.Relay.
type Relay struct {
	db     *DB
	dsn    string
	origin string
	hub    *engine.Hub
	log    *slog.Logger

	// Events wait in pending for the sender Listen runs; one already
	// waiting is not queued twice (events carry no content).
	mu      sync.Mutex
	pending []engine.RoundEvent
	wake    chan struct{}
}

// maxNotifiesPerStatement bounds one sending statement.
const maxNotifiesPerStatement = 64

// NewRelay returns a relay for hub over db, or nil when db is SQLite (one
// process owns a SQLite file, so its hub alone reaches every subscriber).
// cfg must be the Config db was opened with. Call Listen to receive.
func NewRelay(db *DB, cfg Config, hub *engine.Hub, log *slog.Logger) (*Relay, error) {
	if db.Dialect() != migrations.DialectPostgres {
		return nil, nil
	}
	t, err := parseTarget(cfg)
	if err != nil {
		return nil, err
	}
	return &Relay{db: db, dsn: t.dsn, origin: engine.NewID(time.Now()), hub: hub, log: log, wake: make(chan struct{}, 1)}, nil
}

// Send queues ev for every instance listening on the database and
// returns at once: the request that made the change does not wait for a
// round trip, and while one batch is being sent the events arriving meet
// in the next (a busy round's ratings make one notification per batch,
// not one each). Listen sends them.
func (r *Relay) Send(_ context.Context, ev engine.RoundEvent) error {
	r.mu.Lock()
	if !slices.Contains(r.pending, ev) {
		r.pending = append(r.pending, ev)
	}
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
	return nil
}

// send notifies the other instances of the queued events until ctx ends.
// Live updates are best effort (subscribers re-read state), so a batch
// that fails is dropped after a warning.
func (r *Relay) send(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		}
		r.mu.Lock()
		evs := r.pending
		r.pending = nil
		r.mu.Unlock()
		for len(evs) > 0 {
			n := min(len(evs), maxNotifiesPerStatement)
			if err := r.notify(ctx, evs[:n]); err != nil && ctx.Err() == nil {
				r.log.Warn("round events not relayed to other instances", "events", n, "err", MapError(err, "relay").Error())
			}
			evs = evs[n:]
		}
	}
}

// notify sends evs in one statement.
func (r *Relay) notify(ctx context.Context, evs []engine.RoundEvent) error {
	q := make([]string, len(evs))
	args := make([]any, 0, 2*len(evs))
	for i, ev := range evs {
		payload, err := json.Marshal(notice{Origin: r.origin, Event: ev})
		if err != nil {
			return err
		}
		q[i] = "pg_notify(?, ?)"
		args = append(args, notifyChannel, string(payload))
	}
	_, err := r.db.Bun().ExecContext(ctx, "SELECT "+strings.Join(q, ", "), args...)
	return err
}

// Listen sends this instance's events, and receives other instances'
// events and delivers them to the hub, until ctx ends, reconnecting with
// backoff when the database goes away.
func (r *Relay) Listen(ctx context.Context) {
	go r.send(ctx)
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := r.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		r.log.Warn("round event relay lost its database connection; retrying", "err", MapError(err, "relay").Error(), "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

func (r *Relay) listenOnce(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, r.dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return err
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var msg notice
		if json.Unmarshal([]byte(n.Payload), &msg) != nil || msg.Origin == r.origin {
			continue
		}
		r.hub.Deliver(msg.Event)
	}
}
