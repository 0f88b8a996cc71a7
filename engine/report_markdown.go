package engine

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/allvoice/allvoice/engine/analysis"
)

// Markdown renders the methods report as a Markdown document that can be
// pasted into a paper's methods section or a project report. Text people
// typed (names, prompts) is escaped so it cannot change the document's
// structure.
func (r *MethodsReport) Markdown() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	g := r.Group
	w("# Methods report: %s\n\n", mdText(g.Name))
	if g.Description != "" {
		w("%s\n\n", mdText(g.Description))
	}
	w("Group created on %s. Figures from Allvoice analysis version %s.\n\n", mdDate(g.CreatedAt), mdText(r.AnalysisVersion))

	w("## Setting\n\n")
	w("- Rating scale: %s (agree zone %s, disagree zone %s), with a pass option that is never counted for or against.\n",
		mdText(g.ScaleKind), zoneText(g.Scale.AgreeMin, g.Scale.AgreeMax, g.ScaleKind), zoneText(g.Scale.DisagreeMin, g.Scale.DisagreeMax, g.ScaleKind))
	w("- Perspectives: %s.\n", mdList(g.Perspectives))
	w("- Members saw the group's ratings: %s.\n", revealWords(g.RevealPolicy))
	if g.Anonymous {
		w("- Ratings were anonymous: members and observers did not see who rated what.\n")
	} else {
		w("- Ratings were not anonymous within the group.\n")
	}
	w("- Smallest group reported by perspective: %d members.\n\n", g.MinCellSize)

	w("## Panel\n\n")
	p := r.Panel
	w("%s rated as members", reportPlural(p.Members, "person", "people"))
	if p.Erased > 0 {
		w(" (%s left and had their details erased; their ratings still count)", reportPlural(p.Erased, "more", "more"))
	}
	w(".\n\n| Perspective | Members |\n|---|---:|\n")
	for _, pc := range p.ByPerspective {
		w("| %s | %s |\n", mdCell(pc.Perspective), mdCount(pc, g.MinCellSize))
	}
	if p.NoPerspective.Suppressed || (p.NoPerspective.Count != nil && *p.NoPerspective.Count > 0) {
		w("| No perspective given | %s |\n", mdCount(p.NoPerspective, g.MinCellSize))
	}
	if len(p.Roles) > 0 {
		var roles []string
		for _, rc := range p.Roles {
			roles = append(roles, fmt.Sprintf("%d %s", rc.Count, strings.ReplaceAll(rc.Role, "_", " ")))
		}
		w("\nOther roles (no ratings): %s.\n", strings.Join(roles, ", "))
	}
	w("\n")

	w("## Rounds\n\n")
	w("| Round | Opened | Closed | Agenda (new / carried / revisit) | Invited | Responded | Response | Left since previous | Rule version |\n")
	w("|---:|---|---|---|---:|---:|---:|---:|---:|\n")
	for _, rd := range r.Rounds {
		invited, responded, rate, left := "–", "–", "–", "–"
		if pt := rd.Participation; pt != nil {
			invited, responded = strconv.Itoa(pt.Invited), strconv.Itoa(pt.Responded)
		}
		if rd.ResponseRate != nil {
			rate = mdPct(*rd.ResponseRate)
		}
		if rd.Attrition != nil {
			left = strconv.Itoa(rd.Attrition.Left)
		}
		w("| %d | %s | %s | %d / %d / %d | %s | %s | %s | %s | %d |\n", rd.Number, mdDatePtr(rd.OpenedAt), mdDatePtr(rd.ClosedAt),
			rd.Agenda.New, rd.Agenda.Carried, rd.Agenda.Revisit, invited, responded, rate, left, rd.RuleVersion)
	}
	w("\n")
	for _, rd := range r.Rounds {
		w("### Round %d: %s\n\n", rd.Number, mdText(rd.Prompt))
		if rd.Participation == nil {
			w("This round has not started.\n\n")
			continue
		}
		if rd.State != RoundClosed {
			w("This round is still open; its figures are those so far.\n\n")
		}
		w("| Perspective | Invited | Responded | Proposed | Left since previous |\n|---|---:|---:|---:|---:|\n")
		for i, pp := range rd.Participation.ByPerspective {
			left := "–"
			if rd.Attrition != nil && i < len(rd.Attrition.ByPerspective) {
				pa := rd.Attrition.ByPerspective[i]
				left = mdOptional(pa.Left, pa.Suppressed, g.MinCellSize)
			}
			if pp.Suppressed {
				w("| %s | %s | | | %s |\n", mdCell(pp.Perspective), suppressedText(g.MinCellSize), left)
				continue
			}
			w("| %s | %s | %s | %s | %s |\n", mdCell(pp.Perspective), mdOptional(pp.Invited, false, 0),
				mdOptional(pp.Responded, false, 0), mdOptional(pp.Proposed, false, 0), left)
		}
		w("\n")
		if v := rd.Verdicts; v != nil {
			w("Verdicts (rule version %d): %d consensus for, %d consensus against, %d no consensus, %d split, %d too few ratings.",
				rd.JudgedBy, v.ConsensusFor, v.ConsensusAgainst, v.NoConsensus, v.Split, v.TooFew)
			if st := rd.Stability; st != nil && st.Compared > 0 {
				w(" %d of %d proposals rated before were settled.", len(st.Settled), st.Compared)
			}
			w("\n\n")
		}
		if n := rd.Decisions.Total(); n > 0 {
			w("Decisions: %d adopted, %d not adopted, %d to revisit, %d parked.\n\n", rd.Decisions.Adopted, rd.Decisions.NotAdopted,
				rd.Decisions.Revisit, rd.Decisions.Parked)
		}
		if len(rd.Changes) > 0 {
			w("What changed since round %d:\n\n", rd.Number-1)
			for _, c := range rd.Changes {
				w("- %s\n", mdText(c))
			}
			w("\n")
		}
	}

	w("## Consensus definition\n\n")
	w("%s\n\n", mdText(r.Consensus.Current.Text))
	if len(r.Consensus.Versions) > 1 {
		w("The definition changed during the process. Every version:\n\n")
	} else {
		w("The definition did not change during the process.\n\n")
	}
	for _, v := range r.Consensus.Versions {
		judged := "no round yet"
		if len(v.Rounds) > 0 {
			var ns []string
			for _, n := range v.Rounds {
				ns = append(ns, strconv.Itoa(n))
			}
			judged = "rounds " + strings.Join(ns, ", ")
		}
		w("- Version %d, declared %s, judged %s: %s\n", v.Version, mdDate(v.CreatedAt), judged, mdText(v.Text))
	}
	w("\n## Decisions\n\n")
	d := r.Decisions
	w("%s in all: %d adopted, %d not adopted, %d to revisit, %d parked.\n\n", reportPlural(d.Total(), "decision", "decisions"),
		d.Adopted, d.NotAdopted, d.Revisit, d.Parked)

	w("## How the figures are computed\n\n")
	for _, m := range r.Methods {
		w("**%s.** %s\n\n", mdText(m.Heading), mdText(m.Text))
	}
	return b.String()
}

// mdEscaper escapes the characters that Markdown gives a meaning.
var mdEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`, `<`, `\<`, `>`, `\>`,
	`#`, `\#`, `|`, `\|`, "\r\n", " ", "\n", " ", "\r", " ")

// mdText escapes text for a Markdown paragraph or list item.
func mdText(s string) string { return mdEscaper.Replace(s) }

// mdCell escapes text for a Markdown table cell.
func mdCell(s string) string { return mdText(s) }

func mdList(xs []string) string {
	if len(xs) == 0 {
		return "none declared"
	}
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = mdText(x)
	}
	return strings.Join(out, ", ")
}

func mdDate(t time.Time) string { return t.UTC().Format("2 January 2006") }

func mdDatePtr(t *time.Time) string {
	if t == nil {
		return "–"
	}
	return mdDate(*t)
}

func mdPct(p float64) string { return strconv.Itoa(int(math.Round(p*100))) + " %" }

func suppressedText(minCell int) string { return fmt.Sprintf("fewer than %d", minCell) }

// mdCount is a perspective count, or its suppression.
func mdCount(pc analysis.PerspectiveCount, minCell int) string {
	return mdOptional(pc.Count, pc.Suppressed, minCell)
}

func mdOptional(n *int, suppressed bool, minCell int) string {
	switch {
	case suppressed:
		return suppressedText(minCell)
	case n == nil:
		return "–"
	}
	return strconv.Itoa(*n)
}

// revealWords says when members saw the group's ratings.
func revealWords(policy string) string {
	switch policy {
	case RevealNever:
		return "never"
	case RevealAfterClose:
		return "after each round closed"
	}
	return "after rating each proposal themselves"
}
