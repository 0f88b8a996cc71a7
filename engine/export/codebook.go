package export

import (
	"fmt"
	"strings"
)

func (x *writer) codebook() error {
	cw, err := x.create(PathCodebook)
	if err != nil {
		return err
	}
	_, err = cw.Write([]byte(x.codebookText()))
	return err
}

// codebookText is codebook.md: the conventions, the privacy rules, the
// rules and every variable of every table.
func (x *writer) codebookText() string {
	m := x.p.Meta
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	title := m.Title
	if title == "" {
		title = m.Name
	}
	p("# Codebook: %s\n\n", mdEscape(title))
	p("Allvoice evaluator export made %s (UTC). Analysis version %s. Package name `%s`.\n\n", datetime(m.Created), m.AnalysisVersion, m.Name)
	if m.Imported != "" {
		p("The group was imported from %s.\n\n", m.Imported)
	}

	p("## Files\n\n| File | Rows | What |\n|---|---|---|\n")
	for _, wt := range x.written {
		p("| `%s` | %d | %s |\n", wt.Path, wt.rows, mdEscape(wt.Title))
	}
	p("| `%s` | | the consensus rule, every version, as JSON |\n| `%s` | | SPSS / GNU PSPP syntax reading the tables in data/ with labels |\n| `%s` | | Frictionless Data Package v2 descriptor: a table schema for every CSV |\n\n", PathRules, PathSPSS, PathDescriptor)

	p("## Reading the files\n\n")
	p("- CSV, UTF-8 without byte-order mark, comma-separated, `\"` quotes, one header row, `\\n` line ends. Every record is one line.\n")
	p("- An **empty cell is missing**. Each variable below says what missing means for it (not applicable, undefined, suppressed, withheld).\n")
	p("- Free text (proposal text, reasons, reflections, rationales, prompts) is written on one line: a line break is written as the two characters `\\n` and a backslash as `\\\\`. To restore a text, read it from left to right, turning `\\n` into a line break and `\\\\` into one backslash (in Python: `re.sub(r\"\\\\(.)\", lambda m: \"\\n\" if m.group(1) == \"n\" else m.group(1), x)`).\n")
	p("- Free text is exported raw: a cell may begin with `=`, `+`, `-` or `@`. Spreadsheets may treat such a cell as a formula; import as text.\n")
	p("- Integers are plain digits. Numbers (type number) always carry a decimal point (`75.0`), so R, pandas and SPSS read the column as numeric.\n")
	p("- Yes/no variables are integers 0 = no, 1 = yes.\n")
	p("- Times are ISO 8601 in UTC with microseconds, `YYYY-MM-DDThh:mm:ss.ffffffZ`.\n")
	p("- R: `read.csv(\"data/rating_events.csv\", encoding = \"UTF-8\")`. Python: `csv.DictReader(open(\"data/rating_events.csv\", newline=\"\", encoding=\"utf-8\"))` or pandas `read_csv`. SPSS or GNU PSPP: open `%s` from the folder you unzipped into and run it; it reads every table in data/, labels variables and values, and saves a `.sav` file for each.\n", PathSPSS)
	p("- A column holding only empty cells in a file is read by R as logical; datapackage.json gives its real type.\n\n")

	p("## Privacy\n\n")
	p("- **Pseudonyms.** Members appear only as `member_id`, a stable pseudonym keyed per group (an HMAC of the internal id under the group's secret key): the same in every export of this group, different in every other group, not reversible. Display names, email addresses, accounts, access needs and moderation messages are never exported%s.\n", anonymousNote(m))
	p("- **Consent.** Only members who consented to research use (and were not erased) appear in the row-level tables: %s, and in the Polis view. A member's reasons appear only if they also consented to the export of reasons (`reasons_consent`); otherwise `reason_status` is `withheld_consent`.\n", rowLevelList(x.written))
	p("- **Free text.** Text written by a member who did not consent — a proposal they authored, a reflection, a decision rationale they recorded — is withheld (`text_status` / `rationale_status` = `withheld_consent`). Text of proposals hidden as harmful is withheld (`withheld_hidden`). Round prompts and the group's name are the group's instrument text and are exported.\n")
	p("- **Small cells.** Every aggregate by perspective over fewer than **%d** members (the group's minimum cell size) is suppressed: the row has `suppressed` = 1 and its statistic columns are empty. This holds in rule_evaluations.csv, metrics.csv and checkins.csv. Overall (whole-group) aggregates are not perspective cells and are not suppressed.\n", m.MinCellSize)
	p("- **Populations.** Aggregates (rule_evaluations.csv, metrics.csv, the evidence in decisions.csv) are computed by the engine's analysis over **every** member's current ratings, so they equal the reports the group saw and decided on; `n_unexported` says how many of the ratings behind a rule-evaluation row come from members absent from the row-level tables. Because the consenting members' ratings are in rating_events.csv, subtracting them from an aggregate would reveal the ratings of the members who did not consent. So for each round and proposal Allvoice counts the raters absent from the row-level tables within each perspective (and among members without one): if any of these counts is between 1 and %d, that proposal's rule-evaluation rows are computed from consented members' ratings only (`population` = `consented`, exactly reproducible from rating_events.csv) and the numeric evidence of its decision is withheld. Otherwise the rows are the report's own (`population` = `all`); with `n_unexported` = 0 they are exactly reproducible from rating_events.csv too. Round-level metrics (participation counts, Kendall's W, Krippendorff's alpha, verdict counts, …) are always the report's: they cannot be inverted to single ratings.\n\n", m.MinCellSize-1)

	p("## Scale and consensus rules\n\n")
	p("Scale `%s`, values %s; agree zone %d–%d, disagree zone %d–%d. Medians and quartiles use Hyndman–Fan quantile type %d. A pass counts as seen but never enters a distribution.\n\n",
		m.Scale.Kind, intsText(m.Scale.Values), m.Scale.AgreeMin, m.Scale.AgreeMax, m.Scale.DisagreeMin, m.Scale.DisagreeMax, m.QuantileType)
	for _, r := range m.Rules {
		cur := ""
		if r.Version == m.CurrentRuleVersion {
			cur = " (current: the reports use it)"
		}
		p("- **Version %d**%s, from %s: %s\n  `%s`\n", r.Version, cur, datetime(r.CreatedAt), mdEscape(r.Words), string(r.JSON))
	}
	p("\nVerdicts: `consensus_for` when every criterion holds on the agree zone and the median lies in it; `consensus_against` the same on the disagree zone; `split` when ratings are polarised (van der Eijk's A < 0, RAND/UCLA disagreement on a 9-point scale, or on agree/disagree at least 40 %% on each side); `too_few` with fewer ratings than the rule's minimum; else `no_consensus`. With `within_every_perspective` the overall verdict also needs the same verdict within every perspective with at least the minimum cell size of raters.\n\n")
	p("To recompute a row of rule_evaluations.csv with `population` = `consented`, or `all` with `n_unexported` = 0: keep the latest event per (round, proposal, member_id) in rating_events.csv (or read ratings_current.csv), drop passes, and apply the rule version's criteria to the values (`pct_agree` = 100 × n_agree / n_rated).\n\n")

	p("## Variables\n\n")
	for _, wt := range x.written {
		p("### %s (`%s`)\n\n%s\n\n", mdEscape(wt.Title), wt.Path, mdEscape(wt.Description))
		if len(wt.PrimaryKey) > 0 {
			p("One row per `%s`. ", strings.Join(wt.PrimaryKey, "` × `"))
		}
		p("%d rows.\n\n| Variable | Type | Label | Meaning | Values | Missing |\n|---|---|---|---|---|---|\n", wt.rows)
		for i, f := range wt.Fields {
			if wt.Name == "polis-participants-votes" && i >= 7 {
				p("| … | | | one column per comment not hidden, as the column before | | |\n")
				break
			}
			p("| `%s` | %s | %s | %s | %s | %s |\n", f.Name, f.Type, mdEscape(f.Title), mdEscape(f.Description), mdEscape(valuesText(f)), mdEscape(missingText(f)))
		}
		p("\n")
	}
	p("## Metrics\n\n| metric | definition |\n|---|---|\n")
	for _, c := range metricDefs {
		p("| `%s` | %s |\n", c.Value, mdEscape(c.Label))
	}
	p("\nBy perspective (suppressed below the minimum cell size of the perspective's members in the population counted): the participation counts, the trajectory counts and attrition.\n\n")

	p("## Polis view\n\n")
	p("polis/ holds comments.csv, votes.csv and participants-votes.csv in the format of a Polis open-data export, for tools that read Polis data. Each proposal is a comment (comment-id = proposal number); each consented member is a participant (members.csv `polis_participant`); each rating event is a vote: 1 for a value in the agree zone, −1 in the disagree zone, 0 for a pass or a value in neither zone (on Likert scales this collapses the distribution). Votes from every round are one history: a participant's latest vote on a comment counts, as in Polis. Proposals hidden as harmful are `moderated` = −1 and have no column in participants-votes.csv. author-id 0 stands for an author who is not exported. Importing comments.csv and votes.csv into Allvoice (`allvoice import polis`) reproduces the latest-vote distributions.\n")
	return b.String()
}

func anonymousNote(m Meta) string {
	if m.Anonymous {
		return " (this group is anonymous)"
	}
	return ""
}

func rowLevelList(ws []*writtenTable) string {
	var names []string
	for _, w := range ws {
		if w.RowLevel {
			names = append(names, w.Name+".csv")
		}
	}
	return strings.Join(names, ", ")
}

func valuesText(f Field) string {
	if len(f.Categories) == 0 {
		var parts []string
		if f.Minimum != nil {
			parts = append(parts, "≥ "+number(*f.Minimum))
		}
		if f.Maximum != nil {
			parts = append(parts, "≤ "+number(*f.Maximum))
		}
		if f.Unique {
			parts = append(parts, "unique")
		}
		return strings.Join(parts, ", ")
	}
	parts := make([]string, len(f.Categories))
	for i, c := range f.Categories {
		if c.Label == c.Value {
			parts[i] = "`" + c.Value + "`"
		} else {
			parts[i] = "`" + c.Value + "` " + c.Label
		}
	}
	return strings.Join(parts, "; ")
}

func missingText(f Field) string {
	if f.Missing != "" {
		return f.Missing
	}
	if f.Required {
		return missingNone
	}
	return ""
}

func intsText(v []int) string {
	parts := make([]string, len(v))
	for i, n := range v {
		parts[i] = itoa(n)
	}
	return strings.Join(parts, ", ")
}

// mdEscape keeps text inside a Markdown table cell.
func mdEscape(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.ReplaceAll(s, "\n", " ")
}
