package bunstore

import (
	"context"
	"encoding/json"
	"log/slog"
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
}

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
	return &Relay{db: db, dsn: t.dsn, origin: engine.NewID(time.Now()), hub: hub, log: log}, nil
}

// Send notifies every instance listening on the database.
func (r *Relay) Send(ctx context.Context, ev engine.RoundEvent) error {
	payload, err := json.Marshal(notice{Origin: r.origin, Event: ev})
	if err != nil {
		return err
	}
	_, err = r.db.Bun().ExecContext(ctx, "SELECT pg_notify(?, ?)", notifyChannel, string(payload))
	return err
}

// Listen receives other instances' events and delivers them to the hub
// until ctx ends, reconnecting with backoff when the database goes away.
func (r *Relay) Listen(ctx context.Context) {
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
