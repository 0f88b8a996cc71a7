package engine

// AnalysisReaders returns how many readers are waiting for an analysis
// of the round, running or queued, for tests that must know every reader
// has arrived.
func AnalysisReaders(e *Engine, roundID string) int {
	e.analysisMu.Lock()
	defer e.analysisMu.Unlock()
	n := 0
	for k, ent := range e.analysisCache {
		if k.roundID == roundID {
			n += ent.readers
		}
	}
	for v, q := range e.analysisRunning {
		if v.roundID == roundID && q.next != nil {
			n += q.next.readers
		}
	}
	return n
}
