package engine

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/allvoice/allvoice/engine/analysis"
)

// How each section of the consensus report is computed, in plain words.
// They describe the analysis (ANALYSIS.md) rather than repeat its code.
const (
	howHeadline = "Each proposal on the round's agenda is judged by the group's declared consensus rule; undecided counts " +
		"proposals with no consensus yet and those with too few ratings to judge. Settled proposals are those whose " +
		"positions stopped moving since they were last rated."
	howAgreement = "Kendall's W (0 to 1) says how far members rank the proposals in the same order; only members who rated " +
		"every proposal count, with ties corrected. Krippendorff's alpha (ordinal) says how far ratings agree beyond " +
		"chance, allowing for missing ratings."
	howStability = "Each proposal is compared with the last round it, or the proposals it came from, was rated in. Net " +
		"change is the share of paired ratings that changed zone, net of changes that cancel out; a proposal is settled " +
		"when its verdict held in both rounds, or when the net change is under 15 % and a Wilcoxon signed-rank test finds " +
		"no shift (p ≥ 0.05). Movement is counted towards, away from or across the earlier median."
	howOpinionGroups = "Members who rated enough proposals are placed on a map by principal components of their ratings and " +
		"grouped by k-means (seeded, so the result repeats). When the groups are not clearly separated (silhouette " +
		"below 0.25) the report says so instead of inventing groups. Representative proposals are those a group agrees " +
		"or disagrees with much more than everyone else (Polis's representativeness test)."
	howBridging = "A bridging proposal has at least half of every opinion group and of every perspective large enough to " +
		"report in agreement; its score is the lowest of those agree rates."
	howUnderHeard = "Flags compare each member's or perspective's participation, the attention their proposals received and " +
		"how many were adopted with the group as a whole, shrunk towards the group's rate so that small numbers do not " +
		"raise alarms, and corrected for testing many members at once (Benjamini–Hochberg). A flag is a prompt for the " +
		"facilitator, not a judgement of anyone; flags are listed in a fixed order, never ranked."
	howAttrition = "Members who rated in the previous round but not in this one, by perspective (small groups suppressed) and " +
		"by where they stood in the previous round on its leading proposals. A warning is raised when those who left " +
		"lean one way."
	howAgenda = "Proposals at consensus without a decision are suggested for a decision; proposals without consensus are " +
		"carried, unless positions have stopped moving; proposals decided for revisiting, or at consensus while one " +
		"perspective stands far apart, are suggested for revisiting. Under-heard flags suggest whose proposals to make " +
		"room for, by pseudonym or perspective only."
)

// ruleText describes a consensus rule in plain words, with the zones of
// the group's scale.
func ruleText(rule analysis.ConsensusRule, s analysis.Scale, kind string, minCell int) string {
	agree, disagree := zoneText(s.AgreeMin, s.AgreeMax, kind), zoneText(s.DisagreeMin, s.DisagreeMax, kind)
	var crit []string
	if p := rule.MinPercentAgree; p != nil {
		crit = append(crit, fmt.Sprintf("at least %s%% of the people who rated it chose %s", reportNum(*p), agree))
	}
	if p := rule.MaxPercentOpposite; p != nil {
		crit = append(crit, fmt.Sprintf("fewer than %s%% chose %s", reportNum(*p), disagree))
	}
	if p := rule.MaxIQR; p != nil {
		crit = append(crit, fmt.Sprintf("the middle half of the ratings spans at most %s (IQR ≤ %s)", reportPoints(*p), reportNum(*p)))
	}
	if p := rule.MinAgreementA; p != nil {
		crit = append(crit, fmt.Sprintf("van der Eijk's agreement A is at least %s", reportNum(*p)))
	}
	if rule.MinPercentAgree == nil {
		crit = append(crit, "the median rating is "+agree)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "A proposal has consensus for when %s. ", reportJoin(crit))
	fmt.Fprintf(&b, "Consensus against is the same test the other way round (%s instead of %s). ", disagree, agree)
	fmt.Fprintf(&b, "At least %s must rate a proposal before it is judged; passes (\"can't say\") are not counted for or against. ",
		reportPlural(rule.MinRaters, "person", "people"))
	if rule.WithinEveryPerspective {
		fmt.Fprintf(&b, "The test must also hold within every perspective in which at least %s rated. ", reportPlural(minCell, "person", "people"))
	}
	b.WriteString("A proposal is split when ratings pull towards both ends of the scale at once. ")
	fmt.Fprintf(&b, "This is version %d of the group's rule.", rule.Version)
	return b.String()
}

// zoneText names a zone of a scale: "4–5", "7", or "agree".
func zoneText(lo, hi int, kind string) string {
	if kind == ScaleAgreeDisagree {
		if lo == 1 && hi == 1 {
			return "agree"
		}
		if lo == -1 && hi == -1 {
			return "disagree"
		}
	}
	if lo == hi {
		return strconv.Itoa(lo)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

func reportPoints(x float64) string {
	if x == 1 {
		return "1 point"
	}
	return reportNum(x) + " points"
}

// fmtNum formats a number without trailing zeros.
func reportNum(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func reportPlural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// joinAnd joins phrases as "a, b and c".
func reportJoin(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// howToRead explains the report in plain words, with this report's rule,
// minimum cell size and versions.
func howToRead(r *ConsensusReport) []ReportParagraph {
	b := r.Basis
	agree := zoneText(b.Scale.AgreeMin, b.Scale.AgreeMax, b.ScaleKind)
	verdicts := b.RuleText
	if b.RuleNote != "" {
		verdicts += " " + b.RuleNote
	}
	who := "People are named because the group's settings let you see who rated what."
	if !r.Identities {
		who = "People appear only by a pseudonym (a code that stays the same for the same person in this group), because the group's settings, or your role, do not show who rated what."
	}
	return []ReportParagraph{
		{Heading: "What the verdicts mean", Text: verdicts},
		{Heading: "Percent agree and its range", Text: fmt.Sprintf("Percent agree is the share of the people who rated a proposal "+
			"(passes not counted) who chose %s. The range after it is a 95%% Wilson interval: where support would probably "+
			"lie if the same kind of people were asked again. With few ratings the range is wide, so read small "+
			"differences with care.", agree)},
		{Heading: "Median and IQR", Text: fmt.Sprintf("The median is the middle rating. The IQR (interquartile range) is how "+
			"far apart the middle half of the ratings lie: 0 or 1 means people broadly agree, more means views are spread "+
			"out. Quartiles use Hyndman and Fan's definition %d.", b.QuantileType)},
		{Heading: "Perspectives and small groups", Text: fmt.Sprintf("A perspective's results are shown only when at least %s "+
			"of it rated the proposal. Smaller groups are marked \"too few to show\" and given no figures, so nobody can "+
			"be singled out.", reportPlural(b.MinCellSize, "member", "members"))},
		{Heading: "Change since the last round", Text: howStability},
		{Heading: "Dissent and reasons", Text: "For each proposal with consensus, the report counts who rated outside the " +
			"agreed zone, by perspective, and shows their reasons only where the member agreed to share them. " + who},
		{Heading: "Opinion groups and bridging", Text: howOpinionGroups + " " + howBridging},
		{Heading: "Under-heard voices", Text: howUnderHeard},
		{Heading: "Versions", Text: fmt.Sprintf("Every figure in this report comes from analysis version %s and consensus "+
			"rule version %d, computed from a frozen copy of the round, so the same data always gives the same report.",
			b.AnalysisVersion, b.RuleVersion)},
	}
}
