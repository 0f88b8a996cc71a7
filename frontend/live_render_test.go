package frontend

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestLiveRendersShareAndStayFresh: many streams of one view asking at once
// cause at most two renders (the one running and the one queued behind
// it), every stream gets a render that began after it asked, other views
// render on their own, and an error reaches every stream that shared it.
func TestLiveRendersShareAndStayFresh(t *testing.T) {
	var l liveRenders
	var renders atomic.Int32
	render := func() ([]byte, error) {
		began := time.Now()
		renders.Add(1)
		time.Sleep(30 * time.Millisecond)
		return began.AppendFormat(nil, time.RFC3339Nano), nil
	}
	key := liveKey{account: "a", round: "r", lang: "en"}
	const streams = 200
	var wg sync.WaitGroup
	errs := make(chan error, streams)
	for i := range streams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 1 {
				time.Sleep(10 * time.Millisecond) // asks while the first render runs
			}
			asked := time.Now()
			html, err := l.fragment(key, asked, render)
			if err != nil {
				errs <- err
				return
			}
			began, err := time.Parse(time.RFC3339Nano, string(html))
			if err != nil {
				errs <- err
				return
			}
			if began.Before(asked) {
				errs <- errors.New("a stream got a render that began before it asked")
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := renders.Load(); n < 1 || n > 3 {
		t.Errorf("%d streams caused %d renders, want 1 to 3", streams, n)
	}
	if len(l.views) != 0 {
		t.Errorf("%d views kept after every stream was answered", len(l.views))
	}

	// Another viewer's view is rendered for them, not shared.
	renders.Store(0)
	var wg2 sync.WaitGroup
	for _, k := range []liveKey{key, {account: "b", round: "r", lang: "en"}, {account: "a", round: "r", lang: "en", projector: true}} {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			if _, err := l.fragment(k, time.Now(), render); err != nil {
				t.Error(err)
			}
		}()
	}
	wg2.Wait()
	if n := renders.Load(); n != 3 {
		t.Errorf("three views rendered %d times, want 3", n)
	}

	// A failed render fails every stream that shared it.
	boom := errors.New("boom")
	gate := make(chan struct{})
	var failed atomic.Int32
	var wg3 sync.WaitGroup
	for range 10 {
		wg3.Add(1)
		go func() {
			defer wg3.Done()
			asked := time.Now()
			<-gate
			if _, err := l.fragment(key, asked, func() ([]byte, error) { time.Sleep(20 * time.Millisecond); return nil, boom }); errors.Is(err, boom) {
				failed.Add(1)
			}
		}()
	}
	close(gate)
	wg3.Wait()
	if failed.Load() != 10 {
		t.Errorf("%d of 10 streams saw the failure", failed.Load())
	}
}
