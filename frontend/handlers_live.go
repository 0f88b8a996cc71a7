package frontend

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/allvoice/allvoice/engine"
)

// dashboardPage is the model of the live round dashboard and of the
// projector view, which shows the same counts in large type and never any
// names.
type dashboardPage struct {
	*roundPage
	Projector bool
	Ideas     int
	Hidden    int
	Decisions int
	Members   int
	// Perspectives counts the members who rate, by perspective.
	Perspectives []perspectiveCount
	Updated      time.Time
}

// perspectiveCount is one row of the members-by-perspective table.
type perspectiveCount struct {
	Name  string
	Count int
}

// dashboardData reads everything the live views show. Participation and
// distributions plug in here once the engine's round analysis lands; the
// views show only what the engine already gives.
func (f *Frontend) dashboardData(ctx context.Context, actor engine.Actor, roundID string, projector bool) (*dashboardPage, error) {
	rp, err := f.roundData(ctx, actor, roundID)
	if err != nil {
		return nil, err
	}
	if !rp.Manage {
		return nil, engine.Errorf(engine.EFORBIDDEN, "Your role in this group does not allow this.")
	}
	dp := &dashboardPage{roundPage: rp, Projector: projector, Updated: f.eng.Now()}
	for _, e := range rp.Round.Agenda {
		switch e.Proposal.State {
		case engine.ProposalVisible:
			dp.Ideas++
		case engine.ProposalHidden:
			dp.Hidden++
		}
	}
	ms, err := f.eng.ListMembers(ctx, actor, rp.Group.ID)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for _, m := range ms {
		if m.Erased || !engine.RoleAllows(m.Role, engine.PermRate) {
			continue
		}
		dp.Members++
		counts[m.Perspective]++
	}
	for _, p := range rp.Group.Settings.Perspectives {
		dp.Perspectives = append(dp.Perspectives, perspectiveCount{Name: p, Count: counts[p]})
	}
	if n := counts[""]; n > 0 {
		dp.Perspectives = append(dp.Perspectives, perspectiveCount{Name: "", Count: n})
	}
	ds, err := f.eng.ListDecisions(ctx, actor, rp.Group.ID)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if d.RoundID == rp.Round.ID {
			dp.Decisions++
		}
	}
	return dp, nil
}

func (f *Frontend) dashboard(c *fiber.Ctx) error {
	dp, err := f.dashboardData(c.UserContext(), actorOf(c), utils.CopyString(c.Params("rid")), false)
	if err != nil {
		return f.renderError(c, err)
	}
	return f.render(c, fiber.StatusOK, "dashboard", &page{Title: f.title(c, "dashboard.title", "number", dp.Round.Number), Data: dp})
}

func (f *Frontend) projector(c *fiber.Ctx) error {
	dp, err := f.dashboardData(c.UserContext(), actorOf(c), utils.CopyString(c.Params("rid")), true)
	if err != nil {
		return f.renderError(c, err)
	}
	return f.render(c, fiber.StatusOK, "dashboard", &page{Title: f.title(c, "projector.title", "number", dp.Round.Number),
		BodyClass: "projector", Data: dp})
}

// liveFragment renders the part of the dashboard that live updates replace.
func (f *Frontend) liveFragment(ctx context.Context, lang string, actor engine.Actor, roundID string, projector bool) ([]byte, error) {
	dp, err := f.dashboardData(ctx, actor, roundID, projector)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.views.pages[lang]["dashboard"].ExecuteTemplate(&buf, "dashboard-live", &page{Lang: lang, Data: dp}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// events streams a round's changes as Server-Sent Events. Each engine
// event (which carries no content) makes the stream re-read the round as
// this viewer may see it and send the dashboard's live part as HTML, which
// htmx's SSE extension swaps in. The stream ends when the client goes,
// when the viewer loses access, or when the server shuts down.
func (f *Frontend) events(c *fiber.Ctx) error {
	actor := actorOf(c)
	rid := utils.CopyString(c.Params("rid"))
	projector := c.Query("view") == "projector"
	lang := f.catalogue(c).Lang
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := f.dashboardData(ctx, actor, rid, projector); err != nil {
		cancel()
		return f.renderError(c, err)
	}
	evs, err := f.eng.Subscribe(ctx, actor, rid)
	if err != nil {
		cancel()
		return f.renderError(c, err)
	}
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-cache, no-store")
	c.Set(fiber.HeaderConnection, "keep-alive")
	c.Set("X-Accel-Buffering", "no")
	done, heartbeat, log := f.done, f.heartbeat, f.log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer cancel()
		ping := time.NewTicker(heartbeat)
		defer ping.Stop()
		fmt.Fprint(w, "retry: 3000\n: connected\n\n")
		if w.Flush() != nil {
			return
		}
		for {
			select {
			case _, ok := <-evs:
				if !ok {
					return
				}
				html, err := f.liveFragment(ctx, lang, actor, rid, projector)
				if err != nil {
					if code := engine.ErrorCode(err); code != engine.EUNAVAILABLE {
						return // access ended (signed out, removed): so does the stream
					}
					log.Warn("frontend: live update skipped", "err", err)
					continue
				}
				writeEvent(w, "update", html)
			case <-ping.C:
				fmt.Fprint(w, ": ping\n\n")
			case <-done:
				return
			}
			if err := w.Flush(); err != nil {
				return
			}
		}
	})
	return nil
}

// writeEvent writes one SSE event; every line of data gets its own
// "data:" field, as the format requires.
func writeEvent(w *bufio.Writer, name string, data []byte) {
	fmt.Fprintf(w, "event: %s\n", name)
	for _, line := range strings.Split(string(data), "\n") {
		fmt.Fprintf(w, "data: %s\n", strings.TrimRight(line, "\r"))
	}
	fmt.Fprint(w, "\n")
}
