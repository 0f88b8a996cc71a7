package opinion

// Synthetic exposes the synthetic generator to the external tests and
// benchmarks.
var Synthetic = synthetic
