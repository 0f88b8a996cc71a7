package export

// Names of the round-level metrics in metrics.csv. Each is computed by the
// engine's analysis of the round (shared/ANALYSIS.md §2–§4) over every
// member, exactly as the round's report shows it.
const (
	MetricInvited             = "participation_invited"
	MetricActive              = "participation_active"
	MetricResponded           = "participation_responded"
	MetricProposed            = "participation_proposed"
	MetricAgendaSize          = "agenda_size"
	MetricConsensusFor        = "verdicts_consensus_for"
	MetricConsensusAgainst    = "verdicts_consensus_against"
	MetricNoConsensus         = "verdicts_no_consensus"
	MetricSplit               = "verdicts_split"
	MetricTooFew              = "verdicts_too_few"
	MetricKendallW            = "kendall_w"
	MetricKendallWUncorrected = "kendall_w_uncorrected"
	MetricKendallChi2         = "kendall_chi_squared"
	MetricKendallDF           = "kendall_df"
	MetricKendallP            = "kendall_p"
	MetricKendallJudges       = "kendall_judges"
	MetricKendallExcluded     = "kendall_excluded"
	MetricAlpha               = "krippendorff_alpha_ordinal"
	MetricAlphaPairable       = "krippendorff_pairable"
	MetricAlphaUnits          = "krippendorff_units"
	MetricCompared            = "stability_compared"
	MetricSettled             = "stability_settled"
	MetricMeanNetChange       = "stability_mean_net_change"
	MetricOpinionGroups       = "opinion_groups"
	MetricOpinionClear        = "opinion_groups_clear"
	MetricSilhouette          = "opinion_groups_silhouette"
	MetricClustered           = "opinion_groups_clustered"
	MetricBridging            = "bridging_proposals"
	MetricMovedPairs          = "trajectory_pairs"
	MetricMovedTowards        = "trajectory_towards"
	MetricMovedAway           = "trajectory_away"
	MetricMovedAcross         = "trajectory_across"
	MetricUnchanged           = "trajectory_unchanged"
	MetricAttritionPrevious   = "attrition_previous"
	MetricAttritionLeft       = "attrition_left"
	MetricAttritionStayed     = "attrition_stayed"
	MetricAttritionJoined     = "attrition_joined"
	MetricGini                = "contribution_gini"
)

// metricDefs labels every metric name for the codebook and the value
// labels of metrics.csv's metric column.
var metricDefs = []Category{
	{MetricInvited, "Members invited to rate in the round (role allows rating, joined before it closed)."},
	{MetricActive, "Members who rated or passed, proposed, or wrote a reflection in the round."},
	{MetricResponded, "Members who rated or passed at least one proposal in the round."},
	{MetricProposed, "Members who authored a proposal first proposed in the round."},
	{MetricAgendaSize, "Proposals on the round's agenda."},
	{MetricConsensusFor, "Agenda proposals with verdict consensus_for under the current rule."},
	{MetricConsensusAgainst, "Agenda proposals with verdict consensus_against under the current rule."},
	{MetricNoConsensus, "Agenda proposals with verdict no_consensus under the current rule."},
	{MetricSplit, "Agenda proposals with verdict split under the current rule."},
	{MetricTooFew, "Agenda proposals with verdict too_few under the current rule."},
	{MetricKendallW, "Kendall's W with tie correction, members who rated every agenda proposal as judges."},
	{MetricKendallWUncorrected, "Kendall's W without tie correction."},
	{MetricKendallChi2, "Friedman's chi-squared m(n−1)W for Kendall's W."},
	{MetricKendallDF, "Degrees of freedom of Kendall's chi-squared (agenda proposals − 1)."},
	{MetricKendallP, "Upper-tail p-value of Kendall's chi-squared (large-sample approximation)."},
	{MetricKendallJudges, "Members whose complete rankings entered Kendall's W."},
	{MetricKendallExcluded, "Members left out of Kendall's W because they did not rate every agenda proposal."},
	{MetricAlpha, "Krippendorff's alpha, ordinal metric, with missing data, over agenda proposals."},
	{MetricAlphaPairable, "Pairable values (in proposals with at least two ratings) behind Krippendorff's alpha."},
	{MetricAlphaUnits, "Proposals with at least two ratings behind Krippendorff's alpha."},
	{MetricCompared, "Agenda proposals compared with a baseline from an earlier round."},
	{MetricSettled, "Agenda proposals judged settled (verdict held, or % net change < 15 % and Wilcoxon p ≥ 0.05)."},
	{MetricMeanNetChange, "Mean % net change (as a proportion) over compared proposals."},
	{MetricOpinionGroups, "Number of opinion groups found (0 when there are no clear groups)."},
	{MetricOpinionClear, "1 when clear opinion groups were found (best mean silhouette ≥ 0.25), else 0."},
	{MetricSilhouette, "Mean silhouette of the chosen opinion-group clustering."},
	{MetricClustered, "Members who rated enough proposals to be placed in an opinion group."},
	{MetricBridging, "Proposals with bridging support across every opinion group and perspective."},
	{MetricMovedPairs, "Paired ratings (same member, same proposal or lineage, baseline and now) compared for movement."},
	{MetricMovedTowards, "Paired ratings that moved towards the baseline median."},
	{MetricMovedAway, "Paired ratings that moved away from the baseline median."},
	{MetricMovedAcross, "Paired ratings that crossed the baseline median at the same distance."},
	{MetricUnchanged, "Paired ratings that did not move."},
	{MetricAttritionPrevious, "Members who rated or passed in the previous round."},
	{MetricAttritionLeft, "Of those, members who did not rate or pass in this round."},
	{MetricAttritionStayed, "Of those, members who rated or passed again in this round."},
	{MetricAttritionJoined, "Members who rated or passed in this round but not in the previous one."},
	{MetricGini, "Normalised Gini coefficient G·N/(N−1) of contributions (proposals, reasons, reflections) in the round."},
}
