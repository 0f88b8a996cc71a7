package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/analysis"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
	"github.com/allvoice/allvoice/engine/demo"
	"github.com/allvoice/allvoice/engine/export/exporttest"
)

// exportFiles exports a group as actor and unpacks it, after checking the
// descriptor against Data Package v2 and every CSV against its schema.
func exportFiles(t *testing.T, e *engine.Engine, actor engine.Actor, groupID string) exporttest.Files {
	t.Helper()
	var buf bytes.Buffer
	if err := e.ExportGroup(context.Background(), actor, groupID, &buf, nil); err != nil {
		t.Fatalf("export: %v", err)
	}
	fs := exporttest.Open(t, buf.Bytes())
	d := fs.Descriptor(t)
	for _, err := range exporttest.ValidateDescriptor(d) {
		t.Errorf("datapackage.json: %v", err)
	}
	for _, err := range exporttest.ValidateData(fs, d) {
		t.Errorf("data: %v", err)
	}
	return fs
}

// importPolis imports a conversation of shared/data as a new group.
func importPolis(t *testing.T, e *engine.Engine, fac engine.Actor, dir string) *engine.PolisImportResult {
	t.Helper()
	comments, err := os.Open(filepath.Join(polisData, dir, "comments.csv"))
	must(t, err)
	defer comments.Close()
	votes, err := os.Open(filepath.Join(polisData, dir, "votes.csv"))
	must(t, err)
	defer votes.Close()
	res, err := e.ImportPolis(context.Background(), fac, engine.PolisImport{Name: dir, Comments: comments, Votes: votes})
	must(t, err)
	return res
}

// seedDemo seeds the demo group and signs its facilitator in.
func seedDemo(t *testing.T, db *bunstore.DB) (*engine.Engine, engine.Actor, *demo.Result) {
	t.Helper()
	ctx := context.Background()
	store := bunstore.NewStore(db)
	res, err := demo.Seed(ctx, store)
	must(t, err)
	e := engine.New(engine.Config{Store: store})
	_, token, err := e.LogIn(ctx, demo.FacilitatorEmail, demo.FacilitatorPassword)
	must(t, err)
	fac, err := e.Authenticate(ctx, token)
	must(t, err)
	return e, fac, res
}

// rulesFile is consensus_rules.json as a reader decodes it.
type rulesFile struct {
	Current int `json:"current_version"`
	Scale   struct {
		Kind         string `json:"kind"`
		Values       []int  `json:"values"`
		AgreeZone    [2]int `json:"agree_zone"`
		DisagreeZone [2]int `json:"disagree_zone"`
	} `json:"scale"`
	MinCell  int `json:"min_cell_size"`
	Quantile int `json:"quantile_type"`
	Versions []struct {
		Version int                    `json:"version"`
		Rule    analysis.ConsensusRule `json:"rule"`
	} `json:"versions"`
}

// cell is a distribution recomputed from exported rating events.
type cell struct {
	counts          []int // per scale value
	n, passed       int
	agree, disagree int
}

// recomputer rebuilds rule evaluations from rating_events.csv and
// members.csv alone, with this test's own implementation of the
// definitions in shared/ANALYSIS.md §1 (van der Eijk's A is taken from
// the analysis package, applied to the recomputed counts).
type recomputer struct {
	rules  rulesFile
	latest map[[2]string]map[string]map[string]string // (round, proposal) → member → event row
	persp  map[string]string                          // member → perspective
}

func newRecomputer(t *testing.T, fs exporttest.Files) *recomputer {
	rc := &recomputer{latest: map[[2]string]map[string]map[string]string{}, persp: map[string]string{}}
	must(t, json.Unmarshal(fs["consensus_rules.json"], &rc.rules))
	for _, m := range fs.Rows(t, "data/members.csv") {
		rc.persp[m["member_id"]] = m["perspective"]
	}
	for _, ev := range fs.Rows(t, "data/rating_events.csv") {
		k := [2]string{ev["round"], ev["proposal"]}
		if rc.latest[k] == nil {
			rc.latest[k] = map[string]map[string]string{}
		}
		cur := rc.latest[k][ev["member_id"]]
		if cur == nil || atoi(t, ev["event"]) > atoi(t, cur["event"]) {
			rc.latest[k][ev["member_id"]] = ev
		}
	}
	return rc
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q is not an integer", s)
	}
	return n
}

// cellOf recomputes the distribution of one proposal in one round, within
// one perspective unless perspective is "*".
func (rc *recomputer) cellOf(t *testing.T, round, proposal, perspective string) cell {
	sc := rc.rules.Scale
	c := cell{counts: make([]int, len(sc.Values))}
	for member, ev := range rc.latest[[2]string{round, proposal}] {
		if perspective != "*" && rc.persp[member] != perspective {
			continue
		}
		if ev["pass"] == "1" {
			c.passed++
			continue
		}
		v := atoi(t, ev["value"])
		c.counts[slices.Index(sc.Values, v)]++
		c.n++
		if v >= sc.AgreeZone[0] && v <= sc.AgreeZone[1] {
			c.agree++
		}
		if v >= sc.DisagreeZone[0] && v <= sc.DisagreeZone[1] {
			c.disagree++
		}
	}
	return c
}

// quantile is the Hyndman–Fan quantile of type 6 or 7 of the cell.
func (rc *recomputer) quantile(c cell, p float64) float64 {
	var x []float64
	for i, f := range c.counts {
		for range f {
			x = append(x, float64(rc.rules.Scale.Values[i]))
		}
	}
	n := float64(len(x))
	h := (n-1)*p + 1
	if rc.rules.Quantile == 6 {
		h = (n + 1) * p
	}
	h = math.Min(math.Max(h, 1), n)
	j := int(math.Floor(h))
	if j >= len(x) {
		return x[len(x)-1]
	}
	return x[j-1] + (h-float64(j))*(x[j]-x[j-1])
}

// verdict applies a rule to a recomputed cell.
func (rc *recomputer) verdict(c cell, rule analysis.ConsensusRule) string {
	if c.n < rule.MinRaters {
		return "too_few"
	}
	sc := rc.rules.Scale
	med, iqr := rc.quantile(c, 0.5), rc.quantile(c, 0.75)-rc.quantile(c, 0.25)
	a, aErr := math.NaN(), error(nil)
	if len(sc.Values) >= 3 && c.n >= 2 {
		f := make([]float64, len(c.counts))
		for i, v := range c.counts {
			f[i] = float64(v)
		}
		a, aErr = analysis.VanDerEijkA(f)
	} else {
		aErr = strconv.ErrSyntax
	}
	holds := func(zone, opp int, zlo, zhi int) bool {
		ok := med >= float64(zlo) && med <= float64(zhi)
		if rule.MinPercentAgree != nil {
			ok = ok && float64(zone)*100 >= *rule.MinPercentAgree*float64(c.n)
		}
		if rule.MaxPercentOpposite != nil {
			ok = ok && float64(opp)*100 < *rule.MaxPercentOpposite*float64(c.n)
		}
		if rule.MaxIQR != nil {
			ok = ok && iqr <= *rule.MaxIQR+1e-9
		}
		if rule.MinAgreementA != nil {
			ok = ok && aErr == nil && a >= *rule.MinAgreementA
		}
		return ok
	}
	switch {
	case holds(c.agree, c.disagree, sc.AgreeZone[0], sc.AgreeZone[1]):
		return "consensus_for"
	case holds(c.disagree, c.agree, sc.DisagreeZone[0], sc.DisagreeZone[1]):
		return "consensus_against"
	case aErr == nil && a < 0:
		return "split"
	case len(sc.Values) == 2 && float64(min(c.agree, c.disagree)) >= 0.4*float64(c.n):
		return "split"
	}
	return "no_consensus"
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return f
}

// checkRecomputed recomputes every reproducible row of
// rule_evaluations.csv (population consented, or all where no unexported
// member rated) from rating_events.csv and compares counts, percent
// agreement, median, quartiles and verdict exactly; a suppressed row must
// be a perspective cell with fewer ratings than the minimum cell size. It
// returns how many rows it checked.
func checkRecomputed(t *testing.T, fs exporttest.Files) int {
	rc := newRecomputer(t, fs)
	rules := map[string]analysis.ConsensusRule{}
	for _, v := range rc.rules.Versions {
		rules[strconv.Itoa(v.Version)] = v.Rule
	}
	checked := 0
	unexported := map[[2]string]string{}
	for _, row := range fs.Rows(t, "data/rule_evaluations.csv") {
		if row["scope"] == "overall" {
			unexported[[2]string{row["round"], row["proposal"]}] = row["n_unexported"]
		}
	}
	for _, row := range fs.Rows(t, "data/rule_evaluations.csv") {
		if row["population"] != "consented" && unexported[[2]string{row["round"], row["proposal"]}] != "0" {
			continue // the report's own figures over unexported members too
		}
		persp := "*"
		if row["scope"] == "perspective" {
			persp = row["perspective"]
		}
		c := rc.cellOf(t, row["round"], row["proposal"], persp)
		where := "round " + row["round"] + " proposal " + row["proposal"] + " rule " + row["rule_version"] + " " + row["scope"] + " " + row["perspective"]
		if row["suppressed"] == "1" {
			if row["scope"] != "perspective" || c.n >= rc.rules.MinCell || row["n_rated"] != "" || row["verdict"] != "" {
				t.Errorf("%s: suppressed with %d ratings in the cell (minimum %d): %v", where, c.n, rc.rules.MinCell, row)
			}
			checked++
			continue
		}
		if atoi(t, row["n_rated"]) != c.n || atoi(t, row["n_passed"]) != c.passed {
			t.Errorf("%s: n_rated %s n_passed %s, recomputed %d %d", where, row["n_rated"], row["n_passed"], c.n, c.passed)
			continue
		}
		checked++
		if c.n == 0 {
			if row["pct_agree"] != "" || row["median"] != "" {
				t.Errorf("%s: statistics of an empty cell: %v", where, row)
			}
			continue
		}
		if atoi(t, row["n_agree"]) != c.agree || atoi(t, row["n_disagree"]) != c.disagree {
			t.Errorf("%s: n_agree %s n_disagree %s, recomputed %d %d", where, row["n_agree"], row["n_disagree"], c.agree, c.disagree)
		}
		if got, want := num(t, row["pct_agree"]), float64(c.agree)/float64(c.n)*100; got != want {
			t.Errorf("%s: pct_agree %v, recomputed %v", where, got, want)
		}
		if got, want := num(t, row["median"]), rc.quantile(c, 0.5); got != want {
			t.Errorf("%s: median %v, recomputed %v", where, got, want)
		}
		if row["scope"] == "overall" {
			if num(t, row["q1"]) != rc.quantile(c, 0.25) || num(t, row["q3"]) != rc.quantile(c, 0.75) {
				t.Errorf("%s: quartiles %s %s, recomputed %v %v", where, row["q1"], row["q3"], rc.quantile(c, 0.25), rc.quantile(c, 0.75))
			}
		}
		rule := rules[row["rule_version"]]
		want := rc.verdict(c, rule)
		if row["scope"] == "overall" && rule.WithinEveryPerspective && (want == "consensus_for" || want == "consensus_against") {
			for _, p := range rc.rules.perspectives(rc) {
				if pc := rc.cellOf(t, row["round"], row["proposal"], p); pc.n >= rc.rules.MinCell && rc.verdict(pc, rule) != want {
					want = "no_consensus"
				}
			}
		}
		if row["verdict"] != want {
			t.Errorf("%s: verdict %s, recomputed %s", where, row["verdict"], want)
		}
	}
	return checked
}

// perspectives are the perspectives members.csv names.
func (rulesFile) perspectives(rc *recomputer) []string {
	var out []string
	for _, p := range rc.persp {
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// checkAgainstReport compares every current-rule row of population all
// with RoundAnalysis as the actor sees it, field by field.
func checkAgainstReport(t *testing.T, e *engine.Engine, actor engine.Actor, groupID string, fs exporttest.Files) int {
	ctx := context.Background()
	rounds, err := e.ListRounds(ctx, actor, groupID)
	must(t, err)
	// The report lists proposals in agenda order; agenda.csv numbers them.
	agenda := map[string][]string{}
	positions := map[string]int{}
	for _, a := range fs.Rows(t, "data/agenda.csv") {
		agenda[a["round"]] = append(agenda[a["round"]], a["proposal"])
		positions[a["round"]+"|"+a["proposal"]] = atoi(t, a["position"])
	}
	reports := map[string]map[string]analysis.ProposalResult{}
	for _, r := range rounds {
		if r.State == engine.RoundDraft {
			continue
		}
		res, err := e.RoundAnalysis(ctx, actor, r.ID)
		must(t, err)
		nums := agenda[strconv.Itoa(r.Number)]
		slices.SortFunc(nums, func(a, b string) int {
			return positions[strconv.Itoa(r.Number)+"|"+a] - positions[strconv.Itoa(r.Number)+"|"+b]
		})
		if len(nums) != len(res.Proposals) {
			t.Fatalf("round %d: agenda.csv has %d proposals, the report %d", r.Number, len(nums), len(res.Proposals))
		}
		byNum := map[string]analysis.ProposalResult{}
		for i, p := range res.Proposals {
			byNum[nums[i]] = p
		}
		reports[strconv.Itoa(r.Number)] = byNum
	}
	opt := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'g', -1, 64)
	}
	numOrEmpty := func(s string) string {
		if s == "" {
			return ""
		}
		return strconv.FormatFloat(num(t, s), 'g', -1, 64)
	}
	checked := 0
	for _, row := range fs.Rows(t, "data/rule_evaluations.csv") {
		if row["rule_current"] != "1" || row["population"] != "all" {
			continue
		}
		p, ok := reports[row["round"]][row["proposal"]]
		if !ok {
			t.Errorf("round %s proposal %s: not in the round's report", row["round"], row["proposal"])
			continue
		}
		where := "round " + row["round"] + " proposal " + row["proposal"] + " " + row["scope"] + " " + row["perspective"]
		if row["scope"] == "overall" {
			var agree, pct string
			if p.Agree != nil {
				agree, pct = strconv.Itoa(p.Agree.Count), strconv.FormatFloat(p.Agree.Proportion*100, 'g', -1, 64)
			}
			got := []string{row["n_rated"], row["n_passed"], row["n_agree"], numOrEmpty(row["pct_agree"]), numOrEmpty(row["median"]),
				numOrEmpty(row["q1"]), numOrEmpty(row["q3"]), numOrEmpty(row["agreement_a"]), row["verdict"]}
			want := []string{strconv.Itoa(p.NRated), strconv.Itoa(p.NPassed), agree, pct, opt(p.Median), opt(p.Q1), opt(p.Q3), opt(p.AgreementA), string(p.Verdict)}
			if !slices.Equal(got, want) {
				t.Errorf("%s: export %v, report %v", where, got, want)
			}
			checked++
			continue
		}
		i := slices.IndexFunc(p.ByPerspective, func(pr analysis.PerspectiveResult) bool { return pr.Perspective == row["perspective"] })
		if i < 0 {
			t.Errorf("%s: no such perspective in the report", where)
			continue
		}
		pr := p.ByPerspective[i]
		if pr.Suppressed != (row["suppressed"] == "1") {
			t.Errorf("%s: suppressed %s, report %v", where, row["suppressed"], pr.Suppressed)
			continue
		}
		if pr.Cell != nil && (row["n_rated"] != strconv.Itoa(pr.Cell.NRated) || row["verdict"] != string(pr.Cell.Verdict) ||
			numOrEmpty(row["median"]) != opt(pr.Cell.Median)) {
			t.Errorf("%s: export %v, report %+v", where, row, *pr.Cell)
		}
		checked++
	}
	return checked
}

// TestExportRecomputesRuleEvaluations exports a real Polis conversation
// (everyone consented) and the demo group (three rounds, lineage,
// changes of mind, a member who did not consent, perspectives), recomputes
// percent agreement, median and verdicts from the exported rating events
// alone, and compares rule_evaluations.csv with the engine's RoundAnalysis.
func TestExportRecomputesRuleEvaluations(t *testing.T) {
	if _, err := os.Stat(polisData); err != nil {
		t.Skipf("no Polis open data beside the project: %v", err)
	}
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		t.Run("polis", func(t *testing.T) {
			ctx := context.Background()
			e := engine.New(engine.Config{Store: bunstore.NewStore(db)})
			acct, _, err := e.SignUp(ctx, engine.SignUpInput{Email: "exporter@example.org", Name: "Exporter", Password: "exporter password"})
			must(t, err)
			fac := engine.Actor{AccountID: acct.ID}
			res := importPolis(t, e, fac, "brexit-consensus")
			fs := exportFiles(t, e, fac, res.Group.ID)
			rows := fs.Rows(t, "data/rule_evaluations.csv")
			if len(rows) != res.Proposals {
				t.Fatalf("%d rule evaluations, want one per proposal (%d)", len(rows), res.Proposals)
			}
			if n := checkRecomputed(t, fs); n != len(rows) {
				t.Errorf("recomputed %d of %d rows; everyone consented, so all should be", n, len(rows))
			}
			if n := checkAgainstReport(t, e, fac, res.Group.ID, fs); n != len(rows) {
				t.Errorf("compared %d of %d rows with the report", n, len(rows))
			}
		})
		t.Run("demo", func(t *testing.T) {
			e, fac, res := seedDemo(t, db)
			fs := exportFiles(t, e, fac, res.GroupID)
			rows := fs.Rows(t, "data/rule_evaluations.csv")
			recomputed := checkRecomputed(t, fs)
			reported := checkAgainstReport(t, e, fac, res.GroupID, fs)
			consented := 0
			for _, r := range rows {
				if r["population"] == "consented" {
					consented++
				}
			}
			t.Logf("%d rows: %d recomputed from events, %d compared with the report, %d from consented members only", len(rows), recomputed, reported, consented)
			if recomputed == 0 || reported == 0 || consented == 0 || recomputed+reported < len(rows) {
				t.Errorf("rows %d, recomputed %d, compared with the report %d, consented-only %d: every row must be checked one way or the other",
					len(rows), recomputed, reported, consented)
			}
		})
	})
}
