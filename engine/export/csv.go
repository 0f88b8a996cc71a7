package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// tableWriter writes one table's CSV: the header from its fields, then
// rows checked against them. It counts rows and remembers each column's
// widest value in bytes, which the SPSS syntax needs for string widths.
type tableWriter struct {
	t      *Table
	cw     *csv.Writer
	rows   int
	widths []int
}

func newTableWriter(w io.Writer, t *Table) (*tableWriter, error) {
	tw := &tableWriter{t: t, cw: csv.NewWriter(w), widths: make([]int, len(t.Fields))}
	header := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		header[i] = f.Name
	}
	if err := tw.cw.Write(header); err != nil {
		return nil, err
	}
	return tw, nil
}

// row writes one record; the values must follow the table's fields.
func (tw *tableWriter) row(vals ...string) error {
	if len(vals) != len(tw.t.Fields) {
		return fmt.Errorf("export: %s: %d values for %d columns", tw.t.Name, len(vals), len(tw.t.Fields))
	}
	for i, v := range vals {
		tw.widths[i] = max(tw.widths[i], len(v))
	}
	tw.rows++
	return tw.cw.Write(vals)
}

func (tw *tableWriter) flush() error {
	tw.cw.Flush()
	return tw.cw.Error()
}

// text writes free text on one line: a backslash becomes \\ and a line
// break \n, so every record is one line (GNU PSPP, and many tools besides,
// cannot read line breaks inside quoted fields). The codebook says how to
// undo it. Invalid UTF-8 is replaced so every file is valid UTF-8.
func text(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if !strings.ContainsAny(s, "\\\r\n") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString(`\n`)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func itoa(v int) string { return strconv.Itoa(v) }

// optInt writes v, or empty for nil.
func optInt(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

// positive writes v, or empty for 0 (a reference to nothing).
func positive(v int) string {
	if v <= 0 {
		return ""
	}
	return strconv.Itoa(v)
}

// flag writes 1 or 0.
func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// number writes a float in plain decimal with at least one digit after
// the point, so that R, pandas and SPSS read the column as numeric (a
// column of whole numbers written "75" would be read as integer). NaN and
// infinities never reach an export; they are written empty if they do.
func number(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	if x == 0 {
		x = 0 // no "-0"
	}
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

func optNumber(x *float64) string {
	if x == nil {
		return ""
	}
	return number(*x)
}

// datetimeFormat is ISO 8601 in UTC with microseconds, the precision both
// databases keep.
const datetimeFormat = "2006-01-02T15:04:05.000000Z"

func datetime(t time.Time) string { return t.UTC().Format(datetimeFormat) }

func optDatetime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return datetime(*t)
}
