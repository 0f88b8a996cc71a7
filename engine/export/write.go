package export

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// progressEvery is how many streamed rows pass between progress calls.
const progressEvery = 2000

// writtenTable is what writing a table learned that the descriptor, the
// codebook and the SPSS syntax report: rows, bytes, column widths.
type writtenTable struct {
	Table
	rows   int
	bytes  int64
	widths []int
}

// writer carries one Write call.
type writer struct {
	p        *Package
	zw       *zip.Writer
	tables   []Table
	written  []*writtenTable
	progress func(done, total int)
	done     int
	total    int
	polis    *polisView
}

// Write streams the package p to w as a zip archive: the tidy tables under
// data/, the Polis view under polis/, consensus_rules.json, allvoice.sps,
// codebook.md and, last, datapackage.json, which records every file's
// size. Rating events are pulled from p.Events and p.Current as they are
// written, so memory does not grow with their number (the Polis view keeps
// one byte per member and proposal). progress, when not nil, is called
// with the streamed rows written so far and their total.
func Write(w io.Writer, p *Package, progress func(done, total int)) error {
	x := &writer{p: p, zw: zip.NewWriter(w), tables: Tables(p.Meta), progress: progress, total: 3 * p.NEvents}
	x.polis = newPolisView(p)
	x.report()
	steps := []func() error{
		x.members, x.rounds, x.agenda, x.proposals, x.lineage,
		x.ratingEvents, x.ratingsCurrent,
		x.decisions, x.ruleEvaluations, x.metrics, x.reflections, x.checkIns,
		x.polisComments, x.polisVotes, x.polisParticipants,
		x.rules, x.spss, x.codebook, x.descriptor,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	x.done = x.total
	x.report()
	return x.zw.Close()
}

// report calls progress.
func (x *writer) report() {
	if x.progress != nil {
		x.progress(x.done, x.total)
	}
}

// streamed counts one streamed row and reports progress now and then.
func (x *writer) streamed() {
	x.done++
	if x.done%progressEvery == 0 {
		x.report()
	}
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// create starts a file in the zip, stamped with the export's time so the
// same package is byte-for-byte reproducible.
func (x *writer) create(path string) (*countingWriter, error) {
	mod := x.p.Meta.Created
	if mod.IsZero() {
		mod = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	f, err := x.zw.CreateHeader(&zip.FileHeader{Name: path, Method: zip.Deflate, Modified: mod.UTC()})
	if err != nil {
		return nil, err
	}
	return &countingWriter{w: f}, nil
}

// table writes one table: fill calls row for every record.
func (x *writer) table(t Table, fill func(row func(...string) error) error) error {
	cw, err := x.create(t.Path)
	if err != nil {
		return err
	}
	tw, err := newTableWriter(cw, &t)
	if err != nil {
		return err
	}
	if err := fill(tw.row); err != nil {
		return fmt.Errorf("export: writing %s: %w", t.Path, err)
	}
	if err := tw.flush(); err != nil {
		return err
	}
	x.written = append(x.written, &writtenTable{Table: t, rows: tw.rows, bytes: cw.n, widths: tw.widths})
	return nil
}

// named returns the table description called name.
func (x *writer) named(name string) Table {
	for _, t := range x.tables {
		if t.Name == name {
			return t
		}
	}
	panic("export: no table " + name)
}

func (x *writer) members() error {
	return x.table(x.named("members"), func(row func(...string) error) error {
		for _, m := range x.p.Members {
			if err := row(m.ID, itoa(m.PolisID), m.Perspective, m.Role, optDatetime(m.JoinedAt), flag(m.ReasonsConsent)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (x *writer) rounds() error {
	return x.table(x.named("rounds"), func(row func(...string) error) error {
		for _, r := range x.p.Rounds {
			if err := row(itoa(r.Number), text(r.Prompt), r.State, flag(r.Combined), positive(r.RuleVersion),
				datetime(r.CreatedAt), optDatetime(r.OpenedAt), optDatetime(r.ClosedAt), itoa(r.AgendaSize)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (x *writer) agenda() error {
	return x.table(x.named("agenda"), func(row func(...string) error) error {
		for _, a := range x.p.Agenda {
			if err := row(itoa(a.Round), itoa(a.Proposal), itoa(a.Position), a.Source, positive(a.BaselineRound)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (x *writer) proposals() error {
	return x.table(x.named("proposals"), func(row func(...string) error) error {
		for _, p := range x.p.Proposals {
			if err := row(itoa(p.Number), itoa(p.Round), p.AuthorID, p.AuthorStatus, text(p.Text), text(p.EasyRead),
				p.TextStatus, p.State, p.LineageKind, datetime(p.CreatedAt)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (x *writer) lineage() error {
	return x.table(x.named("lineage"), func(row func(...string) error) error {
		for _, l := range x.p.Lineage {
			if err := row(itoa(l.Proposal), itoa(l.Parent), l.Kind); err != nil {
				return err
			}
		}
		return nil
	})
}

// ratingEvents streams rating_events.csv and, on the way, the latest vote
// of each member on each proposal for the Polis view.
func (x *writer) ratingEvents() error {
	return x.table(x.named("rating_events"), func(row func(...string) error) error {
		if x.p.Events == nil {
			return nil
		}
		return x.p.Events(func(e *RatingEvent) error {
			x.polis.vote(e)
			x.streamed()
			return row(itoa(e.Seq), itoa(e.Round), itoa(e.Proposal), e.MemberID, optInt(e.Value), flag(e.Pass), e.Mode,
				text(e.Reason), e.ReasonStatus, e.ChangeCategory, positive(e.PreviousSeq), flag(e.EnteredBySelf), e.EnteredBy,
				datetime(e.CreatedAt))
		})
	})
}

func (x *writer) ratingsCurrent() error {
	return x.table(x.named("ratings_current"), func(row func(...string) error) error {
		if x.p.Current == nil {
			return nil
		}
		return x.p.Current(func(e *RatingEvent) error {
			x.streamed()
			return row(itoa(e.Round), itoa(e.Proposal), e.MemberID, itoa(e.Seq), optInt(e.Value), flag(e.Pass), e.Mode,
				text(e.Reason), e.ReasonStatus, datetime(e.CreatedAt))
		})
	})
}

func (x *writer) decisions() error {
	return x.table(x.named("decisions"), func(row func(...string) error) error {
		for _, d := range x.p.Decisions {
			if err := row(itoa(d.Round), itoa(d.Proposal), d.Outcome, text(d.Rationale), d.RationaleStatus, positive(d.RuleVersion),
				d.Verdict, optInt(d.NRated), optNumber(d.PctAgree), optInt(d.Dissenters), optDatetime(d.ReviewDate), datetime(d.CreatedAt)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (x *writer) ruleEvaluations() error {
	return x.table(x.named("rule_evaluations"), func(row func(...string) error) error {
		for _, r := range x.p.RuleEvaluations {
			if err := row(itoa(r.Round), itoa(r.Proposal), itoa(r.RuleVersion), flag(r.Current), flag(r.RoundRule),
				r.Scope, r.Perspective, r.Population, flag(r.Suppressed),
				optInt(r.NRated), optInt(r.NPassed), optInt(r.NUnexported), optInt(r.NAgree), optInt(r.NDisagree),
				optNumber(r.PctAgree), optNumber(r.PctAgreeLower), optNumber(r.PctAgreeUpper), optNumber(r.PctDisagree),
				optNumber(r.Median), optNumber(r.Q1), optNumber(r.Q3), optNumber(r.IQR), optNumber(r.AgreementA), r.Verdict); err != nil {
				return err
			}
		}
		return nil
	})
}

func (x *writer) metrics() error {
	return x.table(x.named("metrics"), func(row func(...string) error) error {
		for _, m := range x.p.Metrics {
			if err := row(itoa(m.Round), m.Name, m.Scope, m.Perspective, flag(m.Suppressed), optNumber(m.Value), text(m.Note)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (x *writer) reflections() error {
	return x.table(x.named("reflections"), func(row func(...string) error) error {
		for _, r := range x.p.Reflections {
			if err := row(itoa(r.Round), r.MemberID, text(r.Text), datetime(r.CreatedAt)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (x *writer) checkIns() error {
	return x.table(x.named("checkins"), func(row func(...string) error) error {
		for _, c := range x.p.CheckIns {
			if err := row(itoa(c.Round), c.Zone, c.Scope, c.Perspective, flag(c.Suppressed), optInt(c.N)); err != nil {
				return err
			}
		}
		return nil
	})
}

// rulesFile is consensus_rules.json: every version of the group's rule as
// the engine applies it.
type rulesFile struct {
	Current  int           `json:"current_version"`
	Scale    rulesScale    `json:"scale"`
	MinCell  int           `json:"min_cell_size"`
	Quantile int           `json:"quantile_type"`
	Versions []ruleVersion `json:"versions"`
}

type rulesScale struct {
	Kind         string `json:"kind"`
	Values       []int  `json:"values"`
	AgreeZone    [2]int `json:"agree_zone"`
	DisagreeZone [2]int `json:"disagree_zone"`
}

type ruleVersion struct {
	Version   int             `json:"version"`
	CreatedAt string          `json:"created_at"`
	Words     string          `json:"in_words"`
	Rule      json.RawMessage `json:"rule"`
}

func (x *writer) rules() error {
	m := x.p.Meta
	f := rulesFile{Current: m.CurrentRuleVersion, MinCell: m.MinCellSize, Quantile: m.QuantileType,
		Scale: rulesScale{Kind: m.Scale.Kind, Values: m.Scale.Values, AgreeZone: [2]int{m.Scale.AgreeMin, m.Scale.AgreeMax},
			DisagreeZone: [2]int{m.Scale.DisagreeMin, m.Scale.DisagreeMax}}}
	for _, r := range m.Rules {
		f.Versions = append(f.Versions, ruleVersion{Version: r.Version, CreatedAt: datetime(r.CreatedAt), Words: r.Words, Rule: r.JSON})
	}
	return x.json(PathRules, f)
}

// json writes v, indented, as the file path.
func (x *writer) json(path string, v any) error {
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	cw, err := x.create(path)
	if err != nil {
		return err
	}
	_, err = cw.Write(append(raw, '\n'))
	return err
}
