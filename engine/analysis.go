package engine

import (
	"context"

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
	done   chan struct{}
	result *analysis.Result
	err    error
}

// maxCachedAnalyses bounds the cache; old versions are useless once a
// round changes, so the bound only matters for many busy groups at once.
const maxCachedAnalyses = 512

// analyse returns the analysis of rd, computing it once per snapshot
// version. The result is shared: callers must not modify it.
func (e *Engine) analyse(ctx context.Context, g *Group, rd *Round, pseudonymous bool) (*analysis.Result, error) {
	rounds, version, err := e.snapshotVersion(ctx, g, rd)
	if err != nil {
		return nil, err
	}
	key := analysisKey{roundID: rd.ID, version: version, pseudonymous: pseudonymous}
	e.analysisMu.Lock()
	if ent, ok := e.analysisCache[key]; ok {
		e.analysisMu.Unlock()
		select {
		case <-ent.done:
			return ent.result, ent.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if len(e.analysisCache) >= maxCachedAnalyses {
		for k, ent := range e.analysisCache {
			select {
			case <-ent.done:
				delete(e.analysisCache, k)
			default:
			}
			if len(e.analysisCache) < maxCachedAnalyses/2 {
				break
			}
		}
	}
	ent := &analysisEntry{done: make(chan struct{})}
	e.analysisCache[key] = ent
	e.analysisMu.Unlock()

	// Other readers may be waiting on this computation, so one caller
	// going away must not fail it for them.
	in, err := e.loadSnapshot(context.WithoutCancel(ctx), g, rounds)
	if err != nil {
		ent.err = err
	} else if ent.result, err = analysis.Analyse(*in.snapshot(g, pseudonymous)); err != nil {
		ent.err = &Error{Code: EINTERNAL, Message: "The analysis could not be computed.", Err: err}
	}
	close(ent.done)
	if ent.err != nil {
		e.analysisMu.Lock()
		delete(e.analysisCache, key)
		e.analysisMu.Unlock()
	}
	return ent.result, ent.err
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
