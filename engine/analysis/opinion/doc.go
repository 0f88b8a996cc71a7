// Package opinion finds opinion groups among the members of a round and the
// proposals that bridge them, after Polis (shared/ANALYSIS.md §3,
// shared/reference/polis-and-bridging.md §1).
//
// The pipeline is Polis's, made deterministic and sparse:
//
//  1. Agreement matrix: member × proposal values in [−1, 1], a pass coded 0.
//     Missing cells are imputed with the column mean of observed values, so
//     the centred matrix is zero where a member did not rate: the principal
//     components need only the ratings (O(ratings) per iteration, no dense
//     matrix; ARCHITECTURE.md §7).
//  2. The top two principal components by block power iteration (subspace
//     iteration with Rayleigh–Ritz) from a start block drawn from the seed,
//     each component's sign fixed so that its largest-|loading| entry is
//     positive.
//  3. Members projected with Polis's sparsity-aware scaling
//     √(n_proposals / n_rated), so members who rated little are not pulled
//     to the centre.
//  4. Members who rated at least MinRated proposals are clustered by seeded
//     k-means++ with restarts for k = 2..MaxK, each group at least
//     max(3, 5 % of members). k is chosen by mean silhouette (exact up to
//     5,000 members, on a seeded sample above), preferring fewer groups when
//     scores are within ParsimonyMargin and keeping the previous round's k
//     within KeepMargin. "No clear opinion groups" is reported when the
//     silhouette is below 0.25, or when it is no higher than the same
//     analysis reaches on 19 copies of the ratings shuffled within each
//     proposal: k-means on a 2-D projection finds "groups" (silhouette
//     0.3–0.5) even in noise, most of all among a few members.
//  5. Per group: agree/disagree/seen tallies, Polis's representative
//     proposals (repness with its one- and two-proportion z-tests at
//     z > 1.2816), and per proposal the group-informed consensus
//     Π_g (agree_g + 1)/(seen_g + 2) and the minimum over groups of the agree
//     rate.
//
// Everything random is drawn from math/rand/v2's PCG seeded from
// Options.Seed, every seeded choice is made over members and proposals in a
// canonical order (by position and loading), and every parallel reduction
// sums in a fixed order. So the same input gives a byte-identical Result
// whatever the number of CPUs, and renumbering members or proposals gives the
// same groups. Undefined values are absent (nil) with a reason; NaN and Inf
// never reach a Result.
//
// Cost: O(ratings) per PCA iteration plus a fixed amount for k-means,
// silhouettes and the shuffled replicates (bounded samples), so 100,000
// members × 2,000 proposals with 10 M ratings take about 1.5 s of CPU and
// 0.4 GB of heap, input included (BenchmarkAnalyse).
package opinion
