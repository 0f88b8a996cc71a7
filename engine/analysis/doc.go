// Package analysis computes every statistic Allvoice shows about a round:
// per-proposal agreement and consensus verdicts, group-level concordance and
// reliability, stability between rounds, opinion groups and bridging,
// trajectories and attrition, and the under-heard voices panel
// (shared/ANALYSIS.md; formulas and test vectors in
// shared/reference/agreement-statistics.md).
//
// The package is pure and deterministic: it takes a frozen Snapshot of one
// group's history, never reads a clock, the environment or a file, and
// returns a Result whose JSON encoding is byte-identical for the same
// Snapshot and Version. Ratings are held in columnar slices so that every
// statistic is O(ratings); the large-conversation benchmarks (100,000
// members × 2,000 proposals) depend on it.
//
// Entry points: Analyse computes a round's Result from a Snapshot;
// MemberTrajectory returns one member's rating paths for the member view;
// ConsensusRule.Validate and Snapshot.Validate report bad input as a
// *FieldError naming the field. The statistical building blocks (Quantile,
// Wilson, VanDerEijkA, KendallW, KrippendorffAlpha, WilcoxonSignedRank,
// AssessLowRates, JustifiedRepresentation, …) are exported for evaluators
// who want to re-run a computation, and each is tested on the published
// vectors of agreement-statistics §7. Opinion groups come from the opinion
// subpackage.
//
// A statistic that is undefined for the data at hand (no ratings, one rater,
// a constant rating, …) is absent from the Result (a nil pointer) and its
// sibling reason field says why; NaN and Inf never reach a Result. The
// low-level functions report the same situation by returning an Undefined
// error.
package analysis
