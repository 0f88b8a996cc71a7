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
	Updated   time.Time
	// From the round's analysis: who has taken part (counts only) and
	// each proposal's distribution as it fills in.
	Invited       int
	Responded     int
	Proposed      int
	Participation []participationRow
	Verdicts      []verdictCount
	Items         []dashboardItem
	// UnderHeard are the analysis's equity warnings, for the facilitator's
	// dashboard only: the projector is public and nobody is ranked in
	// public.
	UnderHeard []underHeardFlag
}

// underHeardFlag is one equity warning as the dashboard shows it.
type underHeardFlag struct {
	Sentence string
	// Escalated: the same warning was raised last round too.
	Escalated bool
}

// participationRow is one perspective's participation; Suppressed rows
// show no numbers (fewer members than the group's minimum cell size).
type participationRow struct {
	Perspective string
	Suppressed  bool
	Invited     int
	Responded   int
}

// verdictCount is how many agenda items have one verdict.
type verdictCount struct {
	Verdict string
	Count   int
}

// dashboardItem is one agenda proposal with its results so far.
type dashboardItem struct {
	N        int
	Text     string
	Author   string
	Verdict  string
	Decision string
	Results  *resultView
	Change   *chart
}

// dashboardData reads everything the live views show, as the actor may
// see it.
func (f *Frontend) dashboardData(ctx context.Context, lang string, actor engine.Actor, roundID string, projector bool) (*dashboardPage, error) {
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
	ds, err := f.eng.ListDecisions(ctx, actor, rp.Group.ID)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if d.RoundID == rp.Round.ID {
			dp.Decisions++
		}
	}
	if err := f.dashboardAnalysis(ctx, lang, actor, dp); err != nil {
		return nil, err
	}
	return dp, nil
}

// dashboardAnalysis adds the round's analysis to the dashboard: counts of
// who has taken part, by perspective with small cells suppressed, and each
// proposal's distribution and change since its baseline round.
func (f *Frontend) dashboardAnalysis(ctx context.Context, lang string, actor engine.Actor, dp *dashboardPage) error {
	cat := f.cats[lang]
	res, err := f.eng.RoundAnalysis(ctx, actor, dp.Round.ID)
	if err != nil {
		return err
	}
	part := res.Round.Participation
	dp.Invited, dp.Responded, dp.Proposed = part.Invited, part.Responded, part.Proposed
	for _, p := range part.ByPerspective {
		row := participationRow{Perspective: p.Perspective, Suppressed: p.Suppressed}
		if p.Invited != nil {
			row.Invited = *p.Invited
		}
		if p.Responded != nil {
			row.Responded = *p.Responded
		}
		dp.Participation = append(dp.Participation, row)
	}
	if !dp.Projector {
		for _, fl := range res.UnderHeard.Flags {
			dp.UnderHeard = append(dp.UnderHeard, underHeardFlag{Sentence: fl.Sentence, Escalated: fl.Escalated})
		}
	}
	v := res.Round.Verdicts
	for _, vc := range []verdictCount{{engine.VerdictConsensusFor, v.ConsensusFor}, {engine.VerdictConsensusAgainst, v.ConsensusAgainst},
		{engine.VerdictSplit, v.Split}, {engine.VerdictNoConsensus, v.NoConsensus}, {engine.VerdictTooFew, v.TooFew}} {
		if vc.Count > 0 {
			dp.Verdicts = append(dp.Verdicts, vc)
		}
	}
	text := map[string]*engine.ProposalView{}
	for _, e := range dp.Round.Agenda {
		text[e.ProposalID] = e.Proposal
	}
	baselines := map[string][]engine.ProposalResults{}
	for i, p := range res.Proposals {
		pv := text[p.ID]
		if pv == nil {
			continue
		}
		it := dashboardItem{N: i + 1, Text: pv.Text, Verdict: string(p.Verdict), Decision: p.Decision}
		if !dp.Projector {
			it.Author = pv.AuthorName
		}
		var agree *float64
		if p.Agree != nil {
			a := p.Agree.Proportion
			agree = &a
		}
		title := cat.T("dashboard.chart_title", "n", i+1)
		pr := &engine.ProposalResults{ProposalID: p.ID, Visible: true, Values: res.Scale.Values, Distribution: p.Distribution,
			NRated: p.NRated, NPassed: p.NPassed, Median: p.Median, PctAgree: agree, Verdict: string(p.Verdict), ByPerspective: p.ByPerspective}
		it.Results = resultCharts(cat, dp.Group, p.ID, title, pr)
		if ch := p.Change; ch != nil && ch.BaselineRoundID != "" {
			rs, ok := baselines[ch.BaselineRoundID]
			if !ok {
				if rs, err = f.eng.RoundResults(ctx, actor, ch.BaselineRoundID); err != nil {
					return err
				}
				baselines[ch.BaselineRoundID] = rs
			}
			before := make([]int, len(res.Scale.Values))
			found := false
			for _, bid := range ch.BaselineProposals {
				if br := resultFor(rs, bid); br != nil && br.Visible {
					found = true
					for j := range before {
						before[j] += at(br.Distribution, j)
					}
				}
			}
			if found {
				it.Change = changeChart(cat, chartID("change", p.ID), cat.T("dashboard.change_title", "n", i+1), dp.Group.Settings.Scale,
					zonesOf(dp.Group), res.Scale.Values, before, p.Distribution, cat.T("dashboard.change_before"), cat.T("dashboard.change_now"))
			}
		}
		dp.Items = append(dp.Items, it)
	}
	return nil
}

func (f *Frontend) dashboard(c *fiber.Ctx) error {
	dp, err := f.dashboardData(c.UserContext(), f.catalogue(c).Lang, actorOf(c), utils.CopyString(c.Params("rid")), false)
	if err != nil {
		return f.renderError(c, err)
	}
	return f.render(c, fiber.StatusOK, "dashboard", &page{Title: f.title(c, "dashboard.title", "number", dp.Round.Number), Data: dp})
}

func (f *Frontend) projector(c *fiber.Ctx) error {
	dp, err := f.dashboardData(c.UserContext(), f.catalogue(c).Lang, actorOf(c), utils.CopyString(c.Params("rid")), true)
	if err != nil {
		return f.renderError(c, err)
	}
	return f.render(c, fiber.StatusOK, "dashboard", &page{Title: f.title(c, "projector.title", "number", dp.Round.Number),
		BodyClass: "projector", Data: dp})
}

// liveFragment renders the part of the dashboard that live updates replace.
func (f *Frontend) liveFragment(ctx context.Context, lang string, actor engine.Actor, roundID string, projector bool) ([]byte, error) {
	dp, err := f.dashboardData(ctx, lang, actor, roundID, projector)
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
	if _, err := f.dashboardData(ctx, lang, actor, rid, projector); err != nil {
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
	key := liveKey{account: actor.AccountID, member: actor.MemberID, round: rid, lang: lang, projector: projector}
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
				html, err := f.live.fragment(key, time.Now(), func() ([]byte, error) {
					// Not this stream's context: the render may be shared,
					// and one viewer leaving must not fail the others'.
					rctx, rcancel := context.WithTimeout(context.Background(), 30*time.Second)
					defer rcancel()
					return f.liveFragment(rctx, lang, actor, rid, projector)
				})
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
