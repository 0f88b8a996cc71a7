package engine

import (
	"context"
)

// TEMPORARY while engine/analysis's Snapshot and Analyse land; replaced by
// the real wiring in analysis.go before this work is finished.

type analysisKey struct{}
type analysisEntry struct{}

func (e *Engine) roundVerdicts(ctx context.Context, g *Group, rd *Round) (map[string]string, error) {
	return nil, Errorf(EINTERNAL, "analysis is not wired yet")
}

func (e *Engine) proposalSummaries(ctx context.Context, g *Group, rd *Round) (map[string]proposalSummary, string, error) {
	return nil, "", Errorf(EINTERNAL, "analysis is not wired yet")
}
