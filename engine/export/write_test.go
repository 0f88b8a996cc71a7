package export_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine/export"
	"github.com/allvoice/allvoice/engine/export/exporttest"
)

var t0 = time.Date(2026, 11, 2, 9, 30, 0, 123456000, time.UTC)

func ip(v int) *int             { return &v }
func fp(v float64) *float64     { return &v }
func tp(t time.Time) *time.Time { return &t }

// fixture is a small package on a 5-point scale with every kind of row:
// awkward text, a pass, a change of mind, a suppressed perspective cell,
// an undefined metric, an empty check-in table.
func fixture() *export.Package {
	scale := export.Scale{Kind: "likert5", Values: []int{1, 2, 3, 4, 5}, AgreeMin: 4, AgreeMax: 5, DisagreeMin: 1, DisagreeMax: 2}
	rule, _ := json.Marshal(map[string]any{"version": 1, "min_percent_agree": 75, "min_raters": 5})
	p := &export.Package{
		Meta: export.Meta{Name: "allvoice-test", Title: "Test group", Created: t0, AnalysisVersion: "1.0.0+test",
			Scale: scale, QuantileType: 7, MinCellSize: 2, Perspectives: []string{"carer", "lived experience"},
			CurrentRuleVersion: 1, Rules: []export.Rule{{Version: 1, CreatedAt: t0, JSON: rule, Words: "At least 75 % rate 4–5."}}},
		Members: []export.Member{
			{ID: "m_0000000000000001", PolisID: 1, Perspective: "carer", Role: "member", JoinedAt: &t0, ReasonsConsent: true},
			{ID: "m_0000000000000002", PolisID: 2, Role: "facilitator", JoinedAt: &t0},
		},
		Rounds: []export.Round{{Number: 1, Prompt: "What, \"first\"?\nSay it.", State: "closed", RuleVersion: 1, CreatedAt: t0, OpenedAt: tp(t0), ClosedAt: tp(t0.Add(time.Hour)), AgendaSize: 2},
			{Number: 2, State: "draft", CreatedAt: t0}},
		Agenda: []export.AgendaItem{{Round: 1, Proposal: 1, Position: 0, Source: "new"}, {Round: 1, Proposal: 2, Position: 1, Source: "new"}},
		Proposals: []export.Proposal{
			{Number: 1, Round: 1, AuthorID: "m_0000000000000001", AuthorStatus: export.AuthorExported, Text: `Back\slash, "quotes", ünïcode`, TextStatus: export.TextExported, State: "visible", CreatedAt: t0},
			{Number: 2, Round: 1, AuthorStatus: export.AuthorNotExported, TextStatus: export.TextWithheldConsent, State: "visible", CreatedAt: t0},
			{Number: 3, Round: 1, AuthorStatus: export.AuthorNone, Text: "Two\r\nlines", TextStatus: export.TextExported, State: "visible", LineageKind: "reword", CreatedAt: t0},
		},
		Lineage:   []export.LineageLink{{Proposal: 3, Parent: 1, Kind: "reword"}},
		Decisions: []export.Decision{{Round: 1, Proposal: 1, Outcome: "adopted", Rationale: "Everyone agreed", RationaleStatus: export.TextExported, RuleVersion: 1, Verdict: "consensus_for", NRated: ip(2), PctAgree: fp(100), Dissenters: ip(0), CreatedAt: t0}},
		RuleEvaluations: []export.RuleEvaluation{
			{Round: 1, Proposal: 1, RuleVersion: 1, Current: true, RoundRule: true, Scope: export.ScopeOverall, Population: export.PopulationAll,
				NRated: ip(2), NPassed: ip(0), NUnexported: ip(0), NAgree: ip(2), NDisagree: ip(0), PctAgree: fp(100), PctAgreeLower: fp(34.2), PctAgreeUpper: fp(100),
				PctDisagree: fp(0), Median: fp(4.5), Q1: fp(4.25), Q3: fp(4.75), IQR: fp(0.5), AgreementA: fp(1), Verdict: "too_few"},
			{Round: 1, Proposal: 1, RuleVersion: 1, Current: true, RoundRule: true, Scope: export.ScopePerspective, Perspective: "carer", Population: export.PopulationAll, Suppressed: true},
		},
		Metrics: []export.Metric{
			{Round: 1, Name: export.MetricInvited, Scope: export.ScopeOverall, Value: fp(2)},
			{Round: 1, Name: export.MetricKendallW, Scope: export.ScopeOverall, Note: "fewer than two judges"},
			{Round: 1, Name: export.MetricInvited, Scope: export.ScopePerspective, Perspective: "carer", Suppressed: true},
		},
		Reflections:   []export.Reflection{{Round: 1, MemberID: "m_0000000000000001", Text: "=SUM(A1) went well", CreatedAt: t0}},
		OpinionGroups: map[string]int{"m_0000000000000001": 1},
	}
	events := []export.RatingEvent{
		{Seq: 1, Round: 1, Proposal: 1, MemberID: "m_0000000000000001", PolisID: 1, Value: ip(2), Mode: "self", ReasonStatus: export.TextNone, EnteredBySelf: true, CreatedAt: t0},
		{Seq: 2, Round: 1, Proposal: 1, MemberID: "m_0000000000000001", PolisID: 1, Value: ip(4), Mode: "self", Reason: "Heard\nmore", ReasonStatus: export.TextExported, ChangeCategory: "discussion", PreviousSeq: 1, EnteredBySelf: true, CreatedAt: t0.Add(time.Minute)},
		{Seq: 3, Round: 1, Proposal: 1, MemberID: "m_0000000000000002", PolisID: 2, Value: ip(5), Mode: "assisted", ReasonStatus: export.TextWithheldConsent, CreatedAt: t0.Add(time.Minute)},
		{Seq: 4, Round: 1, Proposal: 2, MemberID: "m_0000000000000002", PolisID: 2, Pass: true, Mode: "self", ReasonStatus: export.TextNone, EnteredBySelf: true, CreatedAt: t0.Add(2 * time.Minute)},
	}
	p.NEvents = len(events)
	p.Events = func(fn func(*export.RatingEvent) error) error {
		for i := range events {
			if err := fn(&events[i]); err != nil {
				return err
			}
		}
		return nil
	}
	p.Current = func(fn func(*export.RatingEvent) error) error {
		for i := range events {
			if i == 0 {
				continue // replaced by event 2
			}
			if err := fn(&events[i]); err != nil {
				return err
			}
		}
		return nil
	}
	return p
}

func write(t *testing.T, p *export.Package) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := export.Write(&buf, p, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestWriteLayout checks the files of a package, that the descriptor
// follows Data Package v2 and that every CSV conforms to its schema.
func TestWriteLayout(t *testing.T) {
	fs := exporttest.Open(t, write(t, fixture()))
	want := []string{"allvoice.sps", "codebook.md", "consensus_rules.json", "data/agenda.csv", "data/checkins.csv",
		"data/decisions.csv", "data/lineage.csv", "data/members.csv", "data/metrics.csv", "data/proposals.csv",
		"data/rating_events.csv", "data/ratings_current.csv", "data/reflections.csv", "data/rounds.csv",
		"data/rule_evaluations.csv", "datapackage.json", "polis/comments.csv", "polis/participants-votes.csv", "polis/votes.csv"}
	if got := fs.Paths(); !slices.Equal(got, want) {
		t.Fatalf("files %v, want %v", got, want)
	}
	d := fs.Descriptor(t)
	for _, err := range exporttest.ValidateDescriptor(d) {
		t.Error(err)
	}
	for _, err := range exporttest.ValidateData(fs, d) {
		t.Error(err)
	}
	if got := len(fs.Records(t, "data/checkins.csv")); got != 1 {
		t.Errorf("checkins.csv has %d records, want the header only", got)
	}
	if !strings.Contains(string(fs["codebook.md"]), "does not record check-ins yet") {
		t.Error("the codebook does not say why checkins.csv is empty")
	}
}

// TestWriteDeterministic: the same package gives the same bytes.
func TestWriteDeterministic(t *testing.T) {
	if !bytes.Equal(write(t, fixture()), write(t, fixture())) {
		t.Fatal("two writes of the same package differ")
	}
}

// TestTextOnOneLine: free text keeps every character, on one line, and
// the codebook's rule restores it exactly.
func TestTextOnOneLine(t *testing.T) {
	fs := exporttest.Open(t, write(t, fixture()))
	rows := fs.Rows(t, "data/proposals.csv")
	unescape := regexp.MustCompile(`\\(.)`)
	restore := func(s string) string {
		return unescape.ReplaceAllStringFunc(s, func(m string) string {
			if m[1] == 'n' {
				return "\n"
			}
			return m[1:]
		})
	}
	cases := []struct{ proposal, written, original string }{
		{"1", `Back\\slash, "quotes", ünïcode`, `Back\slash, "quotes", ünïcode`},
		{"2", "", ""},
		{"3", `Two\nlines`, "Two\nlines"},
	}
	for _, c := range cases {
		var got map[string]string
		for _, r := range rows {
			if r["proposal"] == c.proposal {
				got = r
			}
		}
		if got["text"] != c.written || restore(got["text"]) != c.original {
			t.Errorf("proposal %s: text %q (restored %q), want %q from %q", c.proposal, got["text"], restore(got["text"]), c.written, c.original)
		}
	}
	for path, raw := range fs {
		if !strings.HasSuffix(path, ".csv") {
			continue
		}
		if n := len(fs.Records(t, path)); n != bytes.Count(raw, []byte("\n")) {
			t.Errorf("%s: %d records on %d lines", path, n, bytes.Count(raw, []byte("\n")))
		}
	}
}

// TestPolisVote maps each scale's zones onto Polis's agree/disagree/pass.
func TestPolisVote(t *testing.T) {
	five := export.Scale{Values: []int{1, 2, 3, 4, 5}, AgreeMin: 4, AgreeMax: 5, DisagreeMin: 1, DisagreeMax: 2}
	binary := export.Scale{Values: []int{-1, 1}, AgreeMin: 1, AgreeMax: 1, DisagreeMin: -1, DisagreeMax: -1}
	cases := []struct {
		s     export.Scale
		value *int
		pass  bool
		want  int
	}{
		{five, ip(5), false, 1}, {five, ip(4), false, 1}, {five, ip(3), false, 0}, {five, ip(2), false, -1},
		{five, ip(1), false, -1}, {five, nil, true, 0}, {binary, ip(1), false, 1}, {binary, ip(-1), false, -1}, {binary, nil, true, 0},
	}
	for _, c := range cases {
		if got := export.PolisVote(c.s, c.value, c.pass); got != c.want {
			t.Errorf("PolisVote(%v, pass %v) = %d, want %d", c.value, c.pass, got, c.want)
		}
	}
}

// TestPolisView checks the fixture's Polis files cell by cell.
func TestPolisView(t *testing.T) {
	fs := exporttest.Open(t, write(t, fixture()))
	comments := fs.Records(t, export.PathPolisComments)
	want := [][]string{
		{"timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated", "comment-body"},
		{fmt.Sprint(t0.Unix()), "2026-11-02T09:30:00.123456Z", "1", "1", "2", "0", "1", `Back\\slash, "quotes", ünïcode`},
		{fmt.Sprint(t0.Unix()), "2026-11-02T09:30:00.123456Z", "2", "0", "0", "0", "1", export.WithheldText},
		{fmt.Sprint(t0.Unix()), "2026-11-02T09:30:00.123456Z", "3", "0", "0", "0", "1", `Two\nlines`},
	}
	if fmt.Sprint(comments) != fmt.Sprint(want) {
		t.Errorf("comments.csv\n%v\nwant\n%v", comments, want)
	}
	pv := fs.Records(t, export.PathPolisParticipants)
	wantPV := [][]string{
		{"participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree", "1", "2", "3"},
		{"1", "0", "1", "1", "1", "0", "1", "", ""},
		{"2", "", "0", "2", "1", "0", "1", "0", ""},
	}
	if fmt.Sprint(pv) != fmt.Sprint(wantPV) {
		t.Errorf("participants-votes.csv\n%v\nwant\n%v", pv, wantPV)
	}
	if n := len(fs.Records(t, export.PathPolisVotes)); n != 5 {
		t.Errorf("votes.csv has %d records, want header + 4 events", n)
	}
}

// TestReadersAgree runs R, Python and GNU PSPP on the fixture package.
func TestReadersAgree(t *testing.T) {
	fs := exporttest.Open(t, write(t, fixture()))
	dir := t.TempDir()
	fs.WriteDir(t, dir)
	t.Run("R", func(t *testing.T) { exporttest.CheckR(t, fs, dir) })
	t.Run("Python", func(t *testing.T) { exporttest.CheckPython(t, fs, dir) })
	t.Run("PSPP", func(t *testing.T) { exporttest.CheckPSPP(t, fs, dir) })
}

// TestProgress reports every streamed row up to the total.
func TestProgress(t *testing.T) {
	var last, calls int
	total := -1
	err := export.Write(&bytes.Buffer{}, fixture(), func(done, tot int) {
		if done < last {
			t.Errorf("progress went back from %d to %d", last, done)
		}
		last, total = done, tot
		calls++
	})
	if err != nil {
		t.Fatal(err)
	}
	if last != total || total != 12 || calls < 2 {
		t.Errorf("progress ended at %d of %d after %d calls, want 12 of 12", last, total, calls)
	}
}
