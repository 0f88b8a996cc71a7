package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/allvoice/allvoice/engine"
)

// pingEvery keeps idle streams alive through proxies and is how a gone
// client is noticed: fasthttp reports a dead connection only on a write.
const pingEvery = 15 * time.Second

// streams tracks the live event streams so Close can end them: fiber's
// graceful shutdown waits for every open connection, and a stream never
// ends by itself.
type streams struct {
	mu      sync.Mutex
	closed  bool
	next    int
	cancels map[int]context.CancelFunc
}

// add registers a stream's cancel function; false once closed.
func (s *streams) add(cancel context.CancelFunc) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, false
	}
	if s.cancels == nil {
		s.cancels = map[int]context.CancelFunc{}
	}
	s.next++
	s.cancels[s.next] = cancel
	return s.next, true
}

// done ends and forgets stream id.
func (s *streams) done(id int) {
	s.mu.Lock()
	cancel := s.cancels[id]
	delete(s.cancels, id)
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// endAll ends every open stream; with closing set, no new one starts.
func (s *streams) endAll(closing bool) {
	s.mu.Lock()
	s.closed = s.closed || closing
	cancels := s.cancels
	s.cancels = nil
	s.mu.Unlock()
	for _, cancel := range cancels {
		cancel()
	}
}

func (s *streams) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.cancels)
}

// Close ends the API's live event streams and refuses new ones. Call it
// before shutting the fiber app down, so open streams do not hold the drain.
func (a *API) Close() { a.streams.endAll(true) }

// streamBody is implemented by huma's fiber contexts: fasthttp can only
// stream a body through a callback that runs after the handler returns.
type streamBody interface {
	StreamBody(fn func(io.Writer))
}

func (a *API) registerEvents() {
	o := op("streamRoundEvents", http.MethodGet, "/rounds/{roundId}/events", "Rounds",
		"Live round events (Server-Sent Events): a notice on every rating, proposal, state change and decision")
	o.Description = "Each event is `event: <kind>` (rating, proposal, state, decision) with `data: {\"group_id\",\"round_id\",\"kind\"}`. " +
		"Events carry no content; on each, re-read what you need (results, the round). Comment lines keep the stream alive."
	o.Responses = map[string]*huma.Response{"200": {Description: "A stream of round events.", Content: map[string]*huma.MediaType{
		"text/event-stream": {Schema: &huma.Schema{Type: huma.TypeString}}}}}
	huma.Register(a.huma, o, func(ctx context.Context, in *struct{ RoundPath }) (*huma.StreamResponse, error) {
		// The stream outlives the handler; its context ends with the
		// client, Close, or a failed write, not with the request.
		sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		events, err := a.eng.Subscribe(sctx, actorFrom(ctx), in.id())
		if err != nil {
			cancel()
			return nil, err
		}
		id, ok := a.streams.add(cancel)
		if !ok {
			cancel()
			return nil, engine.Errorf(engine.EUNAVAILABLE, "The server is shutting down; reconnect in a moment.")
		}
		return &huma.StreamResponse{Body: func(hctx huma.Context) {
			hctx.SetHeader("Content-Type", "text/event-stream")
			hctx.SetHeader("Cache-Control", "no-cache")
			hctx.SetHeader("X-Accel-Buffering", "no")
			hctx.SetStatus(http.StatusOK)
			sb, ok := hctx.(streamBody)
			if !ok {
				a.streams.done(id)
				return
			}
			sb.StreamBody(func(w io.Writer) {
				defer a.streams.done(id)
				pump(sctx, w, events)
			})
		}}, nil
	})
}

// pump writes events to w until ctx ends or a write fails. bufio keeps a
// failed flush's error and returns it from the next write, so a gone
// client is noticed at the next event or ping at the latest.
func pump(ctx context.Context, w io.Writer, events <-chan engine.RoundEvent) {
	flusher, _ := w.(interface{ Flush() })
	write := func(s string) bool {
		if _, err := io.WriteString(w, s); err != nil {
			return false
		}
		if flusher != nil {
			flusher.Flush()
		}
		return true
	}
	if !write(": connected\n\n") { // lets EventSource.onopen fire at once
		return
	}
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-events:
			data, err := json.Marshal(ev)
			if err != nil || !write("event: "+ev.Kind+"\ndata: "+string(data)+"\n\n") {
				return
			}
		case <-ping.C:
			if !write(": ping\n\n") {
				return
			}
		}
	}
}
