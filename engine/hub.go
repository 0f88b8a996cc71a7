package engine

import (
	"context"
	"sync"
)

// Relay carries round events between instances that share a database
// (PostgreSQL LISTEN/NOTIFY). A Hub with a relay sends every local event
// through it and delivers what arrives from it.
type Relay interface {
	// Send passes ev to every other instance.
	Send(ctx context.Context, ev RoundEvent) error
}

// Hub fans round events out to subscribers in this process. It implements
// Publisher. Slow subscribers never block publishers: each has a small
// buffer, and when it is full further events are coalesced (a subscriber
// re-reads state on any event, so one pending event is as good as many).
type Hub struct {
	mu    sync.Mutex
	subs  map[string]map[*subscription]struct{} // round id → subscribers
	relay Relay
}

type subscription struct {
	ch chan RoundEvent
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[string]map[*subscription]struct{}{}} }

// SetRelay makes the hub send local events to other instances.
func (h *Hub) SetRelay(r Relay) {
	h.mu.Lock()
	h.relay = r
	h.mu.Unlock()
}

// Publish delivers ev to local subscribers and relays it to other instances.
func (h *Hub) Publish(ctx context.Context, ev RoundEvent) {
	h.Deliver(ev)
	h.mu.Lock()
	r := h.relay
	h.mu.Unlock()
	if r != nil {
		_ = r.Send(ctx, ev) // live updates are best effort; state is always re-read
	}
}

// Deliver hands ev to this process's subscribers of its round.
func (h *Hub) Deliver(ev RoundEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs[ev.RoundID] {
		select {
		case s.ch <- ev:
		default: // buffer full: the subscriber already has an update pending
		}
	}
}

// subscribe registers a subscriber to a round's events until ctx ends.
func (h *Hub) subscribe(ctx context.Context, roundID string) <-chan RoundEvent {
	s := &subscription{ch: make(chan RoundEvent, 4)}
	h.mu.Lock()
	if h.subs[roundID] == nil {
		h.subs[roundID] = map[*subscription]struct{}{}
	}
	h.subs[roundID][s] = struct{}{}
	h.mu.Unlock()
	go func() {
		<-ctx.Done()
		h.mu.Lock()
		delete(h.subs[roundID], s)
		if len(h.subs[roundID]) == 0 {
			delete(h.subs, roundID)
		}
		h.mu.Unlock()
	}()
	return s.ch
}

// Subscribers returns how many subscribers a round has in this process.
func (h *Hub) Subscribers(roundID string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs[roundID])
}

// Subscribe returns the events of a round the actor may see, until ctx
// ends. Events carry no content: on each, the subscriber re-reads what the
// actor may see (counts, distributions per the reveal policy).
func (e *Engine) Subscribe(ctx context.Context, actor Actor, roundID string) (<-chan RoundEvent, error) {
	rd, _, err := e.authorizeRound(ctx, e.store, actor, roundID, PermViewGroup)
	if err != nil {
		return nil, err
	}
	if e.hub == nil {
		return nil, Errorf(EUNAVAILABLE, "Live updates are not available.")
	}
	return e.hub.subscribe(ctx, rd.ID), nil
}
