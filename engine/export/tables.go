package export

import (
	"fmt"
	"slices"
	"strconv"
)

// Paths of the files in the zip.
const (
	PathDescriptor = "datapackage.json"
	PathCodebook   = "codebook.md"
	PathRules      = "consensus_rules.json"
	PathSPSS       = "allvoice.sps"
)

// Missing-value wording shared by many columns.
const (
	missingNone       = "Never empty."
	missingSuppressed = "Empty when the row is suppressed (suppressed = 1) or the statistic is undefined (no ratings in the cell)."
)

var flag01 = intCategories(0, "no", 1, "yes")

// Tables returns the description of every table the package holds, with
// the categories that depend on the group (scale, perspectives, rule
// versions). The order is the order of the resources in datapackage.json.
func Tables(m Meta) []Table {
	persp := perspectiveCategories(m.Perspectives)
	values := scaleCategories(m.Scale)
	ruleVersions := make([]Category, 0, len(m.Rules))
	for _, r := range m.Rules {
		ruleVersions = append(ruleVersions, Category{strconv.Itoa(r.Version), "Consensus rule version " + strconv.Itoa(r.Version)})
	}
	memberID := func(title, desc string, required bool) Field {
		f := Field{Name: "member_id", Type: TypeString, Title: title, Level: LevelNominal, Required: required,
			Description: desc + " A stable pseudonym (\"m_\" and 16 hex digits): an HMAC of the internal id under the group's secret key. It is the same in every export of this group, differs between groups, and cannot be turned back into a person."}
		return f
	}
	roundF := Field{Name: "round", Type: TypeInteger, Title: "Round number", Required: true, Level: LevelOrdinal,
		Description: "The round's number within the group, from 1.", Minimum: bound(1)}
	proposalF := Field{Name: "proposal", Type: TypeInteger, Title: "Proposal number", Required: true, Level: LevelNominal,
		Description: "The proposal's number within this export: 1, 2, … in the order members met the proposals (by the round first proposed in, then agenda position, then creation); proposals.csv describes it. It is also the comment-id of the Polis view.", Minimum: bound(1)}
	created := func(what string) Field {
		return Field{Name: "created_at", Type: TypeDatetime, Title: "Created at (UTC)", Required: true, Level: LevelScale,
			Description: "When " + what + ", ISO 8601 in UTC with microseconds (YYYY-MM-DDThh:mm:ss.ffffffZ)."}
	}
	textStatus := func(name, what string) Field {
		return Field{Name: name, Type: TypeString, Title: "Status of " + what, Required: true, Level: LevelNominal,
			Description: "Why the " + what + " column is or is not filled.",
			Categories: strCategories(TextExported, "exported as written", TextNone, "none was given",
				TextWithheldConsent, "withheld: its author did not consent to research use (or to the export of reasons)",
				TextWithheldHidden, "withheld: hidden by moderation as harmful")}
	}
	perspectiveF := func(desc string) Field {
		return Field{Name: "perspective", Type: TypeString, Title: "Perspective", Level: LevelNominal, Categories: persp,
			Description: desc, Missing: "Empty when the member gave no perspective."}
	}
	scopeFields := []Field{
		{Name: "scope", Type: TypeString, Title: "Scope", Required: true, Level: LevelNominal,
			Description: "Whether the row is about everyone (overall) or one perspective.",
			Categories:  strCategories(ScopeOverall, "all members", ScopePerspective, "the members of one perspective")},
		{Name: "perspective", Type: TypeString, Title: "Perspective", Level: LevelNominal, Categories: persp,
			Description: "The perspective of a perspective row.", Missing: "Empty on overall rows."},
	}
	suppressedF := Field{Name: "suppressed", Type: TypeInteger, Title: "Suppressed small cell", Required: true, Level: LevelNominal, Categories: flag01,
		Description: fmt.Sprintf("1 when the row's statistics are withheld because the cell holds fewer than the group's minimum cell size (%d) of members; its statistic columns are then empty. This is the suppression marker.", m.MinCellSize)}

	tables := []Table{
		{Name: "members", Path: "data/members.csv", Title: "Members", RowLevel: true, SPSS: true,
			Description: "One row per member who consented to research use (and was not erased). Members who did not consent appear in no row-level table.",
			PrimaryKey:  []string{"member_id"},
			Fields: []Field{
				withUnique(memberID("Member (pseudonym)", "The member.", true)),
				{Name: "polis_participant", Type: TypeInteger, Title: "Polis participant number", Required: true, Unique: true, Level: LevelNominal, Minimum: bound(1),
					Description: "The member's participant / voter-id / author-id in the polis/ files of this export (1, 2, … by pseudonym). Numbers are per export; member_id is the stable key."},
				perspectiveF("The stakeholder perspective the member chose (for example lived experience, carer, practitioner)."),
				{Name: "role", Type: TypeString, Title: "Role", Required: true, Level: LevelNominal,
					Description: "The member's group-wide role at the time of export (roles given for single rounds are not shown).",
					Categories: strCategories("member", "member", "facilitator", "facilitator", "observer", "observer",
						"evaluator", "evaluator", "safeguarding_lead", "safeguarding lead")},
				{Name: "joined_at", Type: TypeDatetime, Title: "Joined at (UTC)", Level: LevelScale,
					Description: "When the member joined the group, ISO 8601 in UTC.",
					Missing:     "Empty in anonymous groups, where the moment someone joined would name them to anyone who saw the group's member list."},
				{Name: "reasons_consent", Type: TypeInteger, Title: "Consented to the export of reasons", Required: true, Level: LevelNominal, Categories: flag01,
					Description: "1 when the member also consented to their reasons being exported; otherwise their reasons are withheld (reason_status = withheld_consent)."},
			}},
		{Name: "rounds", Path: "data/rounds.csv", Title: "Rounds", SPSS: true,
			Description: "One row per round of the group.",
			PrimaryKey:  []string{"round"},
			Fields: []Field{
				withUnique(roundF),
				{Name: "prompt", Type: TypeString, Title: "Prompt", Level: LevelNominal, Missing: "Empty when the round has no prompt.",
					Description: "The question the facilitator put to the group (instrument text). Line breaks are written as \\n."},
				{Name: "state", Type: TypeString, Title: "State", Required: true, Level: LevelNominal,
					Description: "The round's state at export.",
					Categories:  strCategories("draft", "draft (not yet open)", "proposing", "proposing", "rating", "rating", "closed", "closed")},
				{Name: "combined", Type: TypeInteger, Title: "Proposing and rating together", Required: true, Level: LevelNominal, Categories: flag01,
					Description: "1 when members could propose and rate at the same time."},
				{Name: "rule_version", Type: TypeInteger, Title: "Rule version fixed for the round", Level: LevelNominal, Categories: ruleVersions,
					Description: "The consensus-rule version fixed when the round opened.", Missing: "Empty for a round that never opened."},
				created("the round was created"),
				{Name: "opened_at", Type: TypeDatetime, Title: "Opened at (UTC)", Level: LevelScale, Missing: "Empty when the round has not opened.",
					Description: "When the round opened, ISO 8601 in UTC."},
				{Name: "closed_at", Type: TypeDatetime, Title: "Closed at (UTC)", Level: LevelScale, Missing: "Empty when the round has not closed.",
					Description: "When the round closed, ISO 8601 in UTC."},
				{Name: "agenda_size", Type: TypeInteger, Title: "Proposals on the agenda", Required: true, Level: LevelScale, Minimum: bound(0),
					Description: "Number of proposals on the round's agenda (agenda.csv)."},
			}},
		{Name: "agenda", Path: "data/agenda.csv", Title: "Agenda", SPSS: true,
			Description: "Which proposals each round asked members to rate, in order, and why they were there.",
			PrimaryKey:  []string{"round", "proposal"},
			ForeignKeys: []ForeignKey{{[]string{"round"}, "rounds", []string{"round"}}, {[]string{"proposal"}, "proposals", []string{"proposal"}}},
			Fields: []Field{roundF, proposalF,
				{Name: "position", Type: TypeInteger, Title: "Position on the agenda", Required: true, Level: LevelOrdinal, Minimum: bound(0),
					Description: "Order on the agenda, from 0."},
				{Name: "source", Type: TypeString, Title: "Why on the agenda", Required: true, Level: LevelNominal,
					Description: "How the proposal came onto the agenda.",
					Categories: strCategories("new", "proposed in this round", "carried", "carried forward from the previous round",
						"revisit", "brought back by a revisit decision or a due review")},
				{Name: "baseline_round", Type: TypeInteger, Title: "Baseline round", Level: LevelOrdinal, Minimum: bound(1),
					Description: "For carried and revisited proposals, the round whose distribution members saw as the baseline.", Missing: "Empty for new proposals."},
			}},
		{Name: "proposals", Path: "data/proposals.csv", Title: "Proposals", SPSS: true,
			Description: "One row per proposal, with its author (if exported), text (if its author consented) and lineage kind; lineage.csv links it to the proposals it supersedes.",
			PrimaryKey:  []string{"proposal"},
			ForeignKeys: []ForeignKey{{[]string{"round"}, "rounds", []string{"round"}}},
			Fields: []Field{withUnique(proposalF),
				{Name: "round", Type: TypeInteger, Title: "Round first proposed", Required: true, Level: LevelOrdinal, Minimum: bound(1),
					Description: "The round in which the proposal was first proposed."},
				{Name: "author_id", Type: TypeString, Title: "Author (pseudonym)", Level: LevelNominal,
					Description: "The credited author's member_id when the author consented to research use.", Missing: "Empty unless author_status is exported."},
				{Name: "author_status", Type: TypeString, Title: "Author status", Required: true, Level: LevelNominal,
					Description: "Whether the author appears in the export.",
					Categories: strCategories(AuthorExported, "the author consented and appears in members.csv",
						AuthorNotExported, "the author did not consent (or was erased); who it is is not exported",
						AuthorNone, "no member is credited (for example a facilitator's seed proposal or an imported comment without author)",
						AuthorWithheldAnonymous, "the group's ratings are anonymous while who proposed what is known in the group, so the author is not linked to the pseudonyms that carry ratings")},
				{Name: "text", Type: TypeString, Title: "Text", Level: LevelNominal, Missing: "Empty unless text_status is exported.",
					Description: "The proposal as members saw it. Line breaks are written as \\n and backslashes as \\\\."},
				{Name: "easy_read", Type: TypeString, Title: "Easy Read text", Level: LevelNominal, Missing: "Empty when there is none or the text is withheld.",
					Description: "The Easy Read version, under the same rule as text."},
				textStatus("text_status", "text"),
				{Name: "state", Type: TypeString, Title: "Moderation state", Required: true, Level: LevelNominal,
					Description: "The proposal's state at export.",
					Categories:  strCategories("visible", "visible", "hidden", "hidden as harmful by a facilitator", "superseded", "reworded, merged or split into newer proposals")},
				{Name: "lineage_kind", Type: TypeString, Title: "How it came from earlier proposals", Level: LevelNominal,
					Description: "How this proposal came from the proposals it supersedes (lineage.csv).", Missing: "Empty for an original proposal.",
					Categories: strCategories("reword", "a rewording of one proposal", "merge", "a merge of several proposals", "split", "one part of a split proposal")},
				created("the proposal was created"),
			}},
		{Name: "lineage", Path: "data/lineage.csv", Title: "Lineage", SPSS: true,
			Description: "One row per link from a proposal to an earlier proposal it rewords, merges or splits; the earlier proposal's ratings are its baseline.",
			PrimaryKey:  []string{"proposal", "parent"},
			ForeignKeys: []ForeignKey{{[]string{"proposal"}, "proposals", []string{"proposal"}}, {[]string{"parent"}, "proposals", []string{"proposal"}}},
			Fields: []Field{proposalF,
				{Name: "parent", Type: TypeInteger, Title: "Superseded proposal", Required: true, Level: LevelNominal, Minimum: bound(1),
					Description: "The earlier proposal this one supersedes."},
				{Name: "kind", Type: TypeString, Title: "Kind of link", Required: true, Level: LevelNominal,
					Description: "How the proposal came from its parent.",
					Categories:  strCategories("reword", "reword", "merge", "merge", "split", "split")},
			}},
		{Name: "rating_events", Path: "data/rating_events.csv", Title: "Rating events", RowLevel: true, SPSS: true,
			Description: "Every rating event of consented members in order of creation, changes of mind included: the append-only history. The latest event per (round, proposal, member) is the current rating (ratings_current.csv).",
			PrimaryKey:  []string{"event"},
			ForeignKeys: []ForeignKey{{[]string{"member_id"}, "members", []string{"member_id"}}, {[]string{"round"}, "rounds", []string{"round"}}, {[]string{"proposal"}, "proposals", []string{"proposal"}}},
			Fields: append([]Field{
				{Name: "event", Type: TypeInteger, Title: "Event number", Required: true, Unique: true, Level: LevelOrdinal, Minimum: bound(1),
					Description: "Numbers the exported events 1, 2, … in order of creation."},
				roundF, proposalF, memberID("Member (pseudonym)", "Who rated (members.csv).", true)},
				ratingFields(values, m.Scale)...),
		},
		{Name: "ratings_current", Path: "data/ratings_current.csv", Title: "Current ratings", RowLevel: true, SPSS: true,
			Description: "Each consented member's current rating per round and proposal: the latest of their events. These are the ratings the analysis of the round reads.",
			PrimaryKey:  []string{"round", "proposal", "member_id"},
			ForeignKeys: []ForeignKey{{[]string{"event"}, "rating_events", []string{"event"}}, {[]string{"member_id"}, "members", []string{"member_id"}}},
			Fields:      currentFields(roundF, proposalF, memberID("Member (pseudonym)", "Who rated (members.csv).", true), values, m.Scale),
		},
		{Name: "decisions", Path: "data/decisions.csv", Title: "Decisions", SPSS: true,
			Description: "Decisions recorded when rounds closed, with the rule evidence frozen at the time.",
			PrimaryKey:  []string{"round", "proposal"},
			ForeignKeys: []ForeignKey{{[]string{"round"}, "rounds", []string{"round"}}, {[]string{"proposal"}, "proposals", []string{"proposal"}}},
			Fields: []Field{roundF, proposalF,
				{Name: "outcome", Type: TypeString, Title: "Outcome", Required: true, Level: LevelNominal,
					Description: "What the group decided.",
					Categories:  strCategories("adopted", "adopted", "not_adopted", "not adopted", "revisit", "to revisit in a later round", "parked", "parked")},
				{Name: "rationale", Type: TypeString, Title: "Rationale", Level: LevelNominal, Missing: "Empty unless rationale_status is exported.",
					Description: "Why, in the words of the member who recorded the decision. Line breaks are written as \\n."},
				textStatus("rationale_status", "rationale"),
				{Name: "rule_version", Type: TypeInteger, Title: "Rule version of the evidence", Level: LevelNominal, Categories: ruleVersions,
					Description: "The consensus-rule version the evidence was judged by.", Missing: "Empty when none was recorded."},
				{Name: "verdict", Type: TypeString, Title: "Verdict at the time", Level: LevelNominal, Categories: verdictCategories(),
					Description: "The rule verdict when the decision was taken.", Missing: "Empty when none was recorded."},
				{Name: "n_rated", Type: TypeInteger, Title: "Ratings behind the evidence", Level: LevelScale, Minimum: bound(0),
					Description: "Ratings (passes excluded) when the decision was taken, over every member.",
					Missing:     "Empty when withheld: some of these ratings came from fewer than the minimum cell size of members absent from the row-level tables, whose ratings subtraction would reveal (see the codebook)."},
				{Name: "pct_agree", Type: TypeNumber, Title: "% in the agree zone then", Level: LevelScale, Minimum: bound(0), Maximum: bound(100),
					Description: "Percent of ratings in the agree zone when the decision was taken.", Missing: "Empty when withheld (as n_rated) or undefined."},
				{Name: "dissenters", Type: TypeInteger, Title: "Dissenters then", Level: LevelScale, Minimum: bound(0),
					Description: "Members outside the zone of a consensus when the decision was taken.", Missing: "Empty when withheld (as n_rated)."},
				{Name: "review_date", Type: TypeDatetime, Title: "Review date (UTC)", Level: LevelScale, Missing: "Empty when no review was set.",
					Description: "When the decision is due for review."},
				created("the decision was recorded"),
			}},
		{Name: "rule_evaluations", Path: "data/rule_evaluations.csv", Title: "Rule evaluations", SPSS: true,
			Description: "The consensus rule applied to each agenda proposal of each analysed round, under every rule version of the group, overall and within each perspective; computed by the engine's analysis, so rows of the current rule version equal the round's report.",
			ForeignKeys: []ForeignKey{{[]string{"round", "proposal"}, "agenda", []string{"round", "proposal"}}},
			Fields: append([]Field{roundF, proposalF,
				{Name: "rule_version", Type: TypeInteger, Title: "Rule version", Required: true, Level: LevelNominal, Categories: ruleVersions,
					Description: "The consensus-rule version applied (consensus_rules.json)."},
				{Name: "rule_current", Type: TypeInteger, Title: "Current rule", Required: true, Level: LevelNominal, Categories: flag01,
					Description: "1 for the version the group's reports use now: these rows equal the round's analysis report."},
				{Name: "rule_of_round", Type: TypeInteger, Title: "Rule fixed for the round", Required: true, Level: LevelNominal, Categories: flag01,
					Description: "1 for the version fixed when the round opened."}},
				append(scopeFields,
					Field{Name: "population", Type: TypeString, Title: "Whose ratings", Required: true, Level: LevelNominal,
						Description: "Whose ratings the row summarises (see \"Populations\" in the codebook).",
						Categories: strCategories(PopulationAll, "every member's current rating, as in the report",
							PopulationConsented, "only consented members' ratings (rating_events.csv), because fewer than the minimum cell size of members absent from the row-level tables rated the proposal")},
					suppressedF,
					Field{Name: "n_rated", Type: TypeInteger, Title: "Ratings", Level: LevelScale, Minimum: bound(0), Missing: "Empty when suppressed.",
						Description: "Ratings on the scale (passes excluded)."},
					Field{Name: "n_passed", Type: TypeInteger, Title: "Passes", Level: LevelScale, Minimum: bound(0), Missing: "Empty when suppressed.",
						Description: "Passes (seen, no position)."},
					Field{Name: "n_unexported", Type: TypeInteger, Title: "Ratings from unexported members", Level: LevelScale, Minimum: bound(0),
						Description: "Ratings and passes in the cell from members absent from the row-level tables (population all). 0 means the row can be recomputed from rating_events.csv.",
						Missing:     "Empty for population consented and for perspective rows."},
					Field{Name: "n_agree", Type: TypeInteger, Title: "Ratings in the agree zone", Level: LevelScale, Minimum: bound(0), Missing: missingSuppressed,
						Description: fmt.Sprintf("Ratings in the agree zone (%d–%d).", m.Scale.AgreeMin, m.Scale.AgreeMax)},
					Field{Name: "n_disagree", Type: TypeInteger, Title: "Ratings in the disagree zone", Level: LevelScale, Minimum: bound(0), Missing: missingSuppressed,
						Description: fmt.Sprintf("Ratings in the disagree zone (%d–%d).", m.Scale.DisagreeMin, m.Scale.DisagreeMax)},
					Field{Name: "pct_agree", Type: TypeNumber, Title: "% in the agree zone", Level: LevelScale, Minimum: bound(0), Maximum: bound(100), Missing: missingSuppressed,
						Description: "Percent agreement: n_agree / n_rated × 100 (computed as the proportion times 100)."},
					Field{Name: "pct_agree_lower", Type: TypeNumber, Title: "% agree, Wilson 95 % lower", Level: LevelScale, Minimum: bound(0), Maximum: bound(100), Missing: missingSuppressed + " Empty on perspective rows.",
						Description: "Lower end of the Wilson 95 % interval of pct_agree."},
					Field{Name: "pct_agree_upper", Type: TypeNumber, Title: "% agree, Wilson 95 % upper", Level: LevelScale, Minimum: bound(0), Maximum: bound(100), Missing: missingSuppressed + " Empty on perspective rows.",
						Description: "Upper end of the Wilson 95 % interval of pct_agree."},
					Field{Name: "pct_disagree", Type: TypeNumber, Title: "% in the disagree zone", Level: LevelScale, Minimum: bound(0), Maximum: bound(100), Missing: missingSuppressed,
						Description: "n_disagree / n_rated × 100."},
					Field{Name: "median", Type: TypeNumber, Title: "Median", Level: LevelScale, Missing: missingSuppressed,
						Description: fmt.Sprintf("Median rating, Hyndman–Fan quantile type %d.", m.QuantileType)},
					Field{Name: "q1", Type: TypeNumber, Title: "First quartile", Level: LevelScale, Missing: missingSuppressed + " Empty on perspective rows.",
						Description: fmt.Sprintf("First quartile, Hyndman–Fan type %d.", m.QuantileType)},
					Field{Name: "q3", Type: TypeNumber, Title: "Third quartile", Level: LevelScale, Missing: missingSuppressed + " Empty on perspective rows.",
						Description: fmt.Sprintf("Third quartile, Hyndman–Fan type %d.", m.QuantileType)},
					Field{Name: "iqr", Type: TypeNumber, Title: "Interquartile range", Level: LevelScale, Minimum: bound(0), Missing: missingSuppressed + " Empty on perspective rows.",
						Description: "q3 − q1."},
					Field{Name: "agreement_a", Type: TypeNumber, Title: "van der Eijk's A", Level: LevelScale, Minimum: bound(-1), Maximum: bound(1),
						Missing:     missingSuppressed + " Also empty with fewer than two ratings or on a two-point scale, and on perspective rows.",
						Description: "van der Eijk's agreement A: 1 unanimity, 0 uniform, below 0 polarised."},
					Field{Name: "verdict", Type: TypeString, Title: "Verdict", Level: LevelNominal, Categories: verdictCategories(), Missing: "Empty when suppressed.",
						Description: "The rule's verdict. Overall rows include the within-every-perspective requirement when the rule has it; perspective rows judge the perspective alone."},
				)...),
		},
		{Name: "metrics", Path: "data/metrics.csv", Title: "Round metrics", SPSS: true,
			Description: "Round-level statistics from the engine's analysis of each analysed round, over every member, as in the round's report; one row per round, metric and scope (long format).",
			ForeignKeys: []ForeignKey{{[]string{"round"}, "rounds", []string{"round"}}},
			Fields: append([]Field{roundF,
				{Name: "metric", Type: TypeString, Title: "Metric", Required: true, Level: LevelNominal, Categories: metricDefs,
					Description: "Which statistic (the codebook lists each with its definition)."}},
				append(scopeFields, suppressedF,
					Field{Name: "value", Type: TypeNumber, Title: "Value", Level: LevelScale, Missing: "Empty when suppressed or undefined (note says why).",
						Description: "The statistic's value; counts are whole numbers written with .0."},
					Field{Name: "note", Type: TypeString, Title: "Why undefined", Level: LevelNominal, Missing: "Empty when value is present or suppressed.",
						Description: "The analysis's reason when the statistic is undefined."})...),
		},
		{Name: "reflections", Path: "data/reflections.csv", Title: "Reflections", RowLevel: true, SPSS: true,
			Description: "\"What worked / what didn't\" notes written by consented members.",
			ForeignKeys: []ForeignKey{{[]string{"member_id"}, "members", []string{"member_id"}}, {[]string{"round"}, "rounds", []string{"round"}}},
			Fields: []Field{roundF, memberID("Author (pseudonym)", "Who wrote the note.", true),
				{Name: "text", Type: TypeString, Title: "Text", Required: true, Level: LevelNominal,
					Description: "The note. Line breaks are written as \\n and backslashes as \\\\."},
				created("the note was written"),
			}},
		{Name: "checkins", Path: "data/checkins.csv", Title: "Check-ins", SPSS: true,
			Description: checkInsDescription(m),
			ForeignKeys: []ForeignKey{{[]string{"round"}, "rounds", []string{"round"}}},
			Fields: append([]Field{roundF,
				{Name: "zone", Type: TypeString, Title: "Zone", Required: true, Level: LevelOrdinal, CategoriesOrdered: true,
					Description: "How members said they felt about the round.",
					Categories:  strCategories("comfort", "comfort zone", "stretch", "stretch zone", "panic", "panic zone")}},
				append(scopeFields, suppressedF,
					Field{Name: "n", Type: TypeInteger, Title: "Members", Level: LevelScale, Minimum: bound(0), Missing: "Empty when suppressed.",
						Description: "Members who checked in in this zone (counts only; who said what is never exported)."})...),
		},
	}
	return tables
}

// ratingFields are the columns every rating table shares after its keys.
func ratingFields(values []Category, s Scale) []Field {
	lo, hi := 0.0, 0.0
	if len(s.Values) > 0 {
		lo, hi = float64(slices.Min(s.Values)), float64(slices.Max(s.Values))
	}
	return []Field{
		{Name: "value", Type: TypeInteger, Title: "Rating", Level: LevelOrdinal, Categories: values, CategoriesOrdered: true, Minimum: bound(lo), Maximum: bound(hi),
			Description: "The position on the group's scale (" + s.Kind + ").", Missing: "Empty for a pass."},
		{Name: "pass", Type: TypeInteger, Title: "Passed", Required: true, Level: LevelNominal, Categories: flag01,
			Description: "1 when the member passed (\"can't say / not for me\"): seen, no position. A pass never enters a distribution."},
		{Name: "mode", Type: TypeString, Title: "Mode", Required: true, Level: LevelNominal,
			Description: "How the rating reached Allvoice.",
			Categories: strCategories("self", "the member rated themselves", "assisted", "a facilitator entered it with the member",
				"in_room", "collected live in the room", "paper", "transcribed from paper")},
		{Name: "reason", Type: TypeString, Title: "Reason", Level: LevelNominal, Missing: "Empty unless reason_status is exported.",
			Description: "The member's optional reason. Line breaks are written as \\n and backslashes as \\\\."},
		{Name: "reason_status", Type: TypeString, Title: "Status of reason", Required: true, Level: LevelNominal,
			Description: "Whether a reason was given and exported.",
			Categories: strCategories(TextExported, "exported as written", TextNone, "no reason was given",
				TextWithheldConsent, "a reason was given but the member did not consent to the export of reasons")},
		{Name: "change_category", Type: TypeString, Title: "What changed their mind", Level: LevelNominal, Missing: "Empty when not a change or not answered.",
			Description: "The answer to \"what changed your mind?\" on a changed rating.",
			Categories: strCategories("new_information", "new information", "discussion", "discussion", "others_views", "others' views",
				"lived_experience", "lived experience", "other", "other")},
		{Name: "previous_event", Type: TypeInteger, Title: "Replaced event", Level: LevelOrdinal, Minimum: bound(1), Missing: "Empty for a first rating.",
			Description: "The event this one replaced as the member's current rating."},
		{Name: "entered_by_self", Type: TypeInteger, Title: "Entered by the member", Required: true, Level: LevelNominal, Categories: flag01,
			Description: "1 when the member entered the rating themselves; 0 when someone else (a facilitator) entered it for them."},
		{Name: "entered_by", Type: TypeString, Title: "Entered by (pseudonym)", Level: LevelNominal,
			Description: "The member_id of who entered the rating for the member, when that person consented to research use.",
			Missing:     "Empty when the member entered it, or when who entered it is not exported."},
		{Name: "created_at", Type: TypeDatetime, Title: "Created at (UTC)", Required: true, Level: LevelScale,
			Description: "When the rating was submitted, ISO 8601 in UTC with microseconds."},
	}
}

// currentFields are the columns of ratings_current.csv: the keys, the
// event that is current, and the rating columns that describe a position.
func currentFields(roundF, proposalF, memberF Field, values []Category, s Scale) []Field {
	rf := ratingFields(values, s)
	out := []Field{roundF, proposalF, memberF,
		{Name: "event", Type: TypeInteger, Title: "Event number", Required: true, Unique: true, Level: LevelOrdinal, Minimum: bound(1),
			Description: "The rating event that is current (rating_events.csv)."}}
	out = append(out, rf[:5]...) // value, pass, mode, reason, reason_status
	return append(out, rf[len(rf)-1])
}

func withUnique(f Field) Field {
	f.Unique = true
	return f
}

func verdictCategories() []Category {
	return strCategories("consensus_for", "consensus for", "consensus_against", "consensus against",
		"no_consensus", "no consensus", "split", "split (polarised)", "too_few", "too few ratings to judge")
}

func perspectiveCategories(ps []string) []Category {
	out := make([]Category, 0, len(ps))
	for _, p := range ps {
		out = append(out, Category{Value: p, Label: p})
	}
	return out
}

// scaleCategories labels each scale value with its zone.
func scaleCategories(s Scale) []Category {
	out := make([]Category, 0, len(s.Values))
	for _, v := range s.Values {
		label := strconv.Itoa(v)
		switch {
		case s.Kind == "agree_disagree" && v > 0:
			label = "agree"
		case s.Kind == "agree_disagree":
			label = "disagree"
		case s.InAgree(v):
			label += " (agree zone)"
		case s.InDisagree(v):
			label += " (disagree zone)"
		default:
			label += " (neither)"
		}
		out = append(out, Category{Value: strconv.Itoa(v), Label: label})
	}
	return out
}

func checkInsDescription(m Meta) string {
	d := "Counts of check-ins (comfort, stretch or panic zone at the start of a round), overall and by perspective, suppressed below the minimum cell size. Who checked in how is never exported."
	if !m.CheckInsRecorded {
		d += " This version of Allvoice does not record check-ins yet, so the table has its header and no rows."
	}
	return d
}
