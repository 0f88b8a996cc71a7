package frontend

import (
	"sync"
	"time"
)

// liveRenders shares the re-rendering of a live view among the streams
// of one viewer. Every open dashboard re-reads and re-renders the round
// on each event; with many streams of the same viewer (a facilitator's
// dashboard open on many screens, the projector) that work is identical,
// so at most one render per view runs at a time, and streams that asked
// while it ran share the next one.
type liveRenders struct {
	mu    sync.Mutex
	views map[liveKey]*liveView
}

// liveKey is one viewer's view of a round: what it shows depends only on
// who is looking, at which round, in which view and language.
type liveKey struct {
	account, member, round, lang string
	projector                    bool
}

// liveView holds the render in progress and the one queued behind it.
type liveView struct {
	running, next *liveRender
}

// liveRender is one render of a view, shared by every stream waiting on
// it.
type liveRender struct {
	start time.Time
	done  chan struct{}
	html  []byte
	err   error
}

// fragment returns a render of the view that started no earlier than
// asked — the moment the stream received its event, after the change was
// made — so a shared render is never older than the change it reports.
func (l *liveRenders) fragment(key liveKey, asked time.Time, render func() ([]byte, error)) ([]byte, error) {
	l.mu.Lock()
	if l.views == nil {
		l.views = map[liveKey]*liveView{}
	}
	v := l.views[key]
	if v == nil {
		v = &liveView{}
		l.views[key] = v
	}
	var r *liveRender
	switch {
	case v.running != nil && !v.running.start.Before(asked):
		r = v.running
	case v.running != nil:
		if v.next == nil {
			v.next = &liveRender{done: make(chan struct{})}
		}
		r = v.next
	default:
		r = &liveRender{start: time.Now(), done: make(chan struct{})}
		v.running = r
		l.mu.Unlock()
		l.run(key, v, r, render)
		return r.html, r.err
	}
	l.mu.Unlock()
	<-r.done
	return r.html, r.err
}

// run renders r, then any render queued meanwhile (it starts now, after
// every queued stream asked), and forgets the view once nothing waits.
func (l *liveRenders) run(key liveKey, v *liveView, r *liveRender, render func() ([]byte, error)) {
	for r != nil {
		r.html, r.err = render()
		close(r.done)
		l.mu.Lock()
		r, v.next = v.next, nil
		v.running = r
		if r == nil {
			delete(l.views, key)
		} else {
			r.start = time.Now()
		}
		l.mu.Unlock()
	}
}
