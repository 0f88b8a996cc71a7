package api

// registerAnalysis registers the analysis and results operations.
func (a *API) registerAnalysis() {}
