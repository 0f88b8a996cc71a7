package engine

import (
	"context"
	"fmt"

	"github.com/allvoice/allvoice/engine/analysis"
)

// analysisKey identifies a cached analysis: the round, the version of
// everything it read, and whether members appear under pseudonyms.
type analysisKey struct {
	roundID      string
	version      string
	pseudonymous bool
}

// analysisEntry is a cached or in-flight analysis. Concurrent readers of
// the same key wait for the one computation (a live dashboard with many
// viewers re-reads on every rating).
type analysisEntry struct {
	done    chan struct{}
	result  *analysis.Result
	err     error
	readers int // readers waiting for it, under analysisMu (for tests)
}

// analysisView is one round's analysis as seen one way: with names or
// under pseudonyms.
type analysisView struct {
	roundID      string
	pseudonymous bool
}

// analysisQueue is the analysis queued behind a view's running one, with
// the context of the reader who queued it.
type analysisQueue struct {
	next    *analysisEntry
	nextCtx context.Context
}

// maxCachedAnalyses bounds the cache; old versions are useless once a
// round changes, so the bound only matters for many busy groups at once.
const maxCachedAnalyses = 512

// analyse returns the analysis of rd, computing it once per snapshot
// version. The result is shared: callers must not modify it.
//
// While ratings arrive, every one changes the version, so each reader
// would compute its own analysis and, with a room of people reading
// results while they rate, the computations would take all the CPU (the
// load test saw reads of 0.4–0.8 s). So a view runs one computation at a
// time: a reader who finds one running joins the one queued behind it,
// which starts when the running one ends and reads everything afresh.
// Every reader still gets an analysis that began after it arrived, and so
// includes every rating acknowledged before it asked.
//
// A reader who finds one running does not even read the version: the
// queued analysis reads it when it starts, and reuses the cached one if
// nothing changed.
func (e *Engine) analyse(ctx context.Context, g *Group, rd *Round, pseudonymous bool) (*analysis.Result, error) {
	view := analysisView{roundID: rd.ID, pseudonymous: pseudonymous}
	e.analysisMu.Lock()
	ent := e.queueAnalysis(ctx, view)
	e.analysisMu.Unlock()
	if ent == nil {
		rounds, version, err := e.snapshotVersion(ctx, g, rd)
		if err != nil {
			return nil, err
		}
		key := analysisKey{roundID: rd.ID, version: version, pseudonymous: pseudonymous}
		e.analysisMu.Lock()
		var ok bool
		if ent, ok = e.analysisCache[key]; !ok {
			// One may have started while the version was read.
			if ent = e.queueAnalysis(ctx, view); ent == nil {
				ent = &analysisEntry{done: make(chan struct{})}
				e.cacheAnalysis(key, ent)
				e.analysisRunning[view] = &analysisQueue{}
				// Other readers may wait on this computation, so one caller
				// going away must not fail it for them.
				go e.runAnalyses(context.WithoutCancel(ctx), view, key, ent, g, rounds)
			}
		}
		e.analysisMu.Unlock()
	}
	return e.awaitAnalysis(ctx, ent)
}

// queueAnalysis returns the analysis queued behind view's running one,
// queueing one if there is none yet, or nil if none is running. The
// caller holds analysisMu.
func (e *Engine) queueAnalysis(ctx context.Context, view analysisView) *analysisEntry {
	q, running := e.analysisRunning[view]
	if !running {
		return nil
	}
	if q.next == nil {
		q.next, q.nextCtx = &analysisEntry{done: make(chan struct{})}, context.WithoutCancel(ctx)
	}
	return q.next
}

// awaitAnalysis waits for ent as one of its readers.
func (e *Engine) awaitAnalysis(ctx context.Context, ent *analysisEntry) (*analysis.Result, error) {
	e.analysisMu.Lock()
	ent.readers++
	e.analysisMu.Unlock()
	defer func() {
		e.analysisMu.Lock()
		ent.readers--
		e.analysisMu.Unlock()
	}()
	select {
	case <-ent.done:
		return ent.result, ent.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// cacheAnalysis stores ent under key, first dropping finished entries if
// the cache is full. The caller holds analysisMu.
func (e *Engine) cacheAnalysis(key analysisKey, ent *analysisEntry) {
	if len(e.analysisCache) >= maxCachedAnalyses {
		for k, old := range e.analysisCache {
			select {
			case <-old.done:
				delete(e.analysisCache, k)
			default:
			}
			if len(e.analysisCache) < maxCachedAnalyses/2 {
				break
			}
		}
	}
	e.analysisCache[key] = ent
}

// runAnalyses computes ent, the analysis of view at key over rounds, then
// each analysis queued behind it in turn, until none is.
func (e *Engine) runAnalyses(ctx context.Context, view analysisView, key analysisKey, ent *analysisEntry, g *Group, rounds []*Round) {
	for ent != nil {
		e.computeAnalysis(ctx, view, key, ent, g, rounds)
		ctx, ent = e.nextQueued(view)
		for ent != nil {
			// The queued readers came after the group and round were read
			// for the last analysis: read them again.
			var err error
			if g, rounds, key, err = e.analysisInput(ctx, view); err != nil {
				ent.err = err
				close(ent.done)
			} else if !e.reuseAnalysis(key, ent) {
				break
			}
			ctx, ent = e.nextQueued(view)
		}
	}
}

// computeAnalysis loads the snapshot and analyses it into ent.
func (e *Engine) computeAnalysis(ctx context.Context, view analysisView, key analysisKey, ent *analysisEntry, g *Group, rounds []*Round) {
	ent.result, ent.err = e.loadAndAnalyse(ctx, view, g, rounds)
	close(ent.done)
	if ent.err != nil {
		e.analysisMu.Lock()
		delete(e.analysisCache, key)
		e.analysisMu.Unlock()
	}
}

// loadAndAnalyse loads the snapshot and analyses it. It runs on no
// request's goroutine, so a panic in it would end the server rather than
// one request: it becomes the readers' error instead.
func (e *Engine) loadAndAnalyse(ctx context.Context, view analysisView, g *Group, rounds []*Round) (res *analysis.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, &Error{Code: EINTERNAL, Message: "The analysis could not be computed.", Err: fmt.Errorf("panic: %v", r)}
		}
	}()
	in, err := e.loadSnapshot(ctx, g, rounds)
	if err != nil {
		return nil, err
	}
	if res, err = analysis.Analyse(*in.snapshot(g, view.pseudonymous)); err != nil {
		return nil, &Error{Code: EINTERNAL, Message: "The analysis could not be computed.", Err: err}
	}
	return res, nil
}

// nextQueued takes the analysis queued behind view's running one, or
// records that none runs any more and returns nil.
func (e *Engine) nextQueued(view analysisView) (context.Context, *analysisEntry) {
	e.analysisMu.Lock()
	defer e.analysisMu.Unlock()
	q := e.analysisRunning[view]
	ctx, ent := q.nextCtx, q.next
	q.next, q.nextCtx = nil, nil
	if ent == nil {
		delete(e.analysisRunning, view)
	}
	return ctx, ent
}

// analysisInput reads what an analysis of view needs afresh: its group,
// the rounds it covers and the key of their version.
func (e *Engine) analysisInput(ctx context.Context, view analysisView) (*Group, []*Round, analysisKey, error) {
	rd, err := e.store.RoundByID(ctx, view.roundID)
	if err != nil {
		return nil, nil, analysisKey{}, err
	}
	g, err := e.store.GroupByID(ctx, rd.GroupID)
	if err != nil {
		return nil, nil, analysisKey{}, err
	}
	rounds, version, err := e.snapshotVersion(ctx, g, rd)
	if err != nil {
		return nil, nil, analysisKey{}, err
	}
	return g, rounds, analysisKey{roundID: rd.ID, version: version, pseudonymous: view.pseudonymous}, nil
}

// reuseAnalysis answers ent from the analysis cached at key, if there is
// one (only the running loop computes a view, so it is finished), and
// reports whether it did; otherwise it caches ent at key to be computed.
func (e *Engine) reuseAnalysis(key analysisKey, ent *analysisEntry) bool {
	e.analysisMu.Lock()
	defer e.analysisMu.Unlock()
	if done, ok := e.analysisCache[key]; ok {
		ent.result, ent.err = done.result, done.err
		close(ent.done)
		return true
	}
	e.cacheAnalysis(key, ent)
	return false
}

// RoundAnalysis returns everything ANALYSIS.md defines for a round: per
// proposal statistics and verdicts, agreement across the round, stability,
// opinion groups and bridging, trajectories, attrition and the under-heard
// panel. Facilitators see it with identities unless the group is anonymous
// and does not allow that; evaluators always see pseudonyms and only the
// reasons of members who consented. Members and observers see results per
// the reveal policy through RoundResults instead.
func (e *Engine) RoundAnalysis(ctx context.Context, actor Actor, roundID string) (*analysis.Result, error) {
	rd, a, err := e.roundAccess(ctx, e.store, actor, roundID)
	if err != nil {
		return nil, err
	}
	if !a.can(rd.ID, PermViewFlags) && !a.can(rd.ID, PermExport) {
		return nil, Errorf(EFORBIDDEN, "The full analysis is for facilitators and evaluators; members see the results of each proposal.")
	}
	res, err := e.analyse(ctx, a.group, rd, !a.seesIdentities(rd.ID))
	if err == nil && a.unlinksRaters(rd.ID) {
		res = unlinkRaters(a.group, res)
	}
	return res, err
}

// summaries extracts what decisions and carry-forward need.
func summaries(res *analysis.Result) map[string]proposalSummary {
	out := make(map[string]proposalSummary, len(res.Proposals))
	for _, p := range res.Proposals {
		s := proposalSummary{Verdict: string(p.Verdict), NRated: p.NRated}
		if p.Agree != nil {
			pct := p.Agree.Proportion
			s.PctAgree = &pct
		}
		if p.Dissent != nil {
			s.Dissenters = p.Dissent.Count
		}
		out[p.ID] = s
	}
	return out
}

// roundVerdicts returns each agenda proposal's verdict in rd.
func (e *Engine) roundVerdicts(ctx context.Context, g *Group, rd *Round) (map[string]string, error) {
	res, err := e.analyse(ctx, g, rd, true)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(res.Proposals))
	for _, p := range res.Proposals {
		out[p.ID] = string(p.Verdict)
	}
	return out, nil
}

// proposalSummaries returns the evidence a decision freezes, and the
// analysis version it came from.
func (e *Engine) proposalSummaries(ctx context.Context, g *Group, rd *Round) (map[string]proposalSummary, string, error) {
	res, err := e.analyse(ctx, g, rd, true)
	if err != nil {
		return nil, "", err
	}
	return summaries(res), res.AnalysisVersion, nil
}
