package frontend

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
)

// sseReader reads Server-Sent Events from a live response.
type sseReader struct {
	r    *bufio.Reader
	resp *http.Response
}

func openEvents(t *testing.T, h *harness, token, path string) *sseReader {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.base+path, nil)
	req.AddCookie(&http.Cookie{Name: SessionCookie, Value: token})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("events: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return &sseReader{r: bufio.NewReader(resp.Body), resp: resp}
}

// next returns the next event's name and data, skipping comments, or
// fails after the timeout.
func (s *sseReader) next(t *testing.T, timeout time.Duration) (string, string, bool) {
	t.Helper()
	type ev struct {
		name, data string
		ok         bool
	}
	ch := make(chan ev, 1)
	go func() {
		var name string
		var data []string
		for {
			line, err := s.r.ReadString('\n')
			if err != nil {
				ch <- ev{ok: false}
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case line == "":
				if name != "" || len(data) > 0 {
					ch <- ev{name, strings.Join(data, "\n"), true}
					return
				}
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data = append(data, strings.TrimPrefix(line, "data: "))
			}
		}
	}()
	select {
	case e := <-ch:
		return e.name, e.data, e.ok
	case <-time.After(timeout):
		t.Fatalf("no event within %v", timeout)
		return "", "", false
	}
}

// TestLiveEventsCarryTheUpdatedDashboard checks that a proposal and a
// rating reach an open event stream as a re-rendered dashboard fragment,
// that the projector stream never carries names, and that Close ends the
// streams so the server can shut down.
func TestLiveEventsCarryTheUpdatedDashboard(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld(engine.TransitionOpen, engine.GroupSettings{})
	ctx := context.Background()
	member, memberTok, err := h.eng.Join(ctx, engine.Actor{}, engine.JoinInput{Token: w.inviteToken, DisplayName: "Mo", Perspective: "Carer"})
	if err != nil {
		t.Fatal(err)
	}
	_ = member
	memberActor, _ := h.eng.Authenticate(ctx, memberTok)
	dash := openEvents(t, h, w.facilitatorTok, "/rounds/"+w.round.ID+"/events")
	proj := openEvents(t, h, w.facilitatorTok, "/rounds/"+w.round.ID+"/events?view=projector")
	time.Sleep(100 * time.Millisecond) // both subscribed before the change

	p, err := h.eng.AddProposal(ctx, memberActor, w.round.ID, engine.ProposalInput{Text: "Free tea and coffee all day"})
	if err != nil {
		t.Fatal(err)
	}
	name, data, ok := dash.next(t, 5*time.Second)
	if !ok || name != "update" {
		t.Fatalf("event %q ok=%v", name, ok)
	}
	for _, want := range []string{"Free tea and coffee all day", "Idea from Mo", `data-stat="ideas">1<`} {
		if !strings.Contains(data, want) {
			t.Errorf("dashboard update lacks %q:\n%s", want, data)
		}
	}
	_, pdata, _ := proj.next(t, 5*time.Second)
	if !strings.Contains(pdata, "Free tea and coffee all day") || strings.Contains(pdata, "Mo") {
		t.Errorf("projector update must show the idea without names:\n%s", pdata)
	}

	if _, err := h.eng.TransitionRound(ctx, w.facilitator, w.round.ID, engine.TransitionRating); err != nil {
		t.Fatal(err)
	}
	dash.next(t, 5*time.Second)
	v := 5
	if _, err := h.eng.SubmitRating(ctx, memberActor, engine.RatingInput{RoundID: w.round.ID, ProposalID: p.ID, Value: &v}); err != nil {
		t.Fatal(err)
	}
	_, data, _ = dash.next(t, 5*time.Second)
	if !strings.Contains(data, `data-stat="responded">1<`) || !strings.Contains(data, "1 person rated this idea") {
		t.Errorf("rating did not fill in the dashboard:\n%s", data)
	}

	// Shutting down ends the streams.
	h.fe.Close()
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, dash.r) // returns when the server ends the stream
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end after Close")
	}
}
