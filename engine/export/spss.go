package export

import (
	"fmt"
	"path"
	"strings"
)

// SPSS limits: string variables hold at most 32767 bytes, variable labels
// 255 and value labels 120.
const (
	spssMaxString     = 32767
	spssMaxLabel      = 255
	spssMaxValueLabel = 120
)

func (x *writer) spss() error {
	cw, err := x.create(PathSPSS)
	if err != nil {
		return err
	}
	_, err = cw.Write([]byte(x.spssText()))
	return err
}

// spssText is allvoice.sps: for each table, GET DATA /TYPE=TXT with each
// column's format (string widths from the widest value written), variable
// and value labels, measurement levels, and SAVE OUTFILE. It is checked
// with GNU PSPP; it avoids SPSS-only commands (SET UNICODE).
func (x *writer) spssText() string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("* Allvoice evaluator export: reads every table of data/ with labels and saves a .sav file for each.\n")
	p("* Run it from the folder the package was unzipped into (File > Open > Syntax, then Run > All; or: pspp %s).\n", PathSPSS)
	p("* Free text is on one line: \\n stands for a line break and \\\\ for a backslash (see codebook.md).\n")
	p("* Times are kept as text (ISO 8601, UTC).\n\n")
	for _, wt := range x.written {
		if !wt.SPSS {
			continue
		}
		p("* %s: %s.\n", wt.Name, spssComment(wt.Title))
		p("GET DATA /TYPE=TXT\n  /FILE='%s'\n  /ENCODING='UTF8'\n  /ARRANGEMENT=DELIMITED\n  /DELCASE=LINE\n  /FIRSTCASE=2\n  /DELIMITERS=\",\"\n  /QUALIFIER='\"'\n  /VARIABLES=\n", wt.Path)
		for i, f := range wt.Fields {
			p("    %s %s\n", f.Name, spssFormat(f, wt.widths[i]))
		}
		p(".\n")
		p("VARIABLE LABELS\n")
		for i, f := range wt.Fields {
			sep := "  /"
			if i == 0 {
				sep = "  "
			}
			p("%s%s %s\n", sep, f.Name, spssQuote(f.Title, spssMaxLabel))
		}
		p(".\n")
		first := true
		for _, f := range wt.Fields {
			if len(f.Categories) == 0 {
				continue
			}
			if first {
				p("VALUE LABELS\n  ")
				first = false
			} else {
				p("  /")
			}
			p("%s", f.Name)
			for _, c := range f.Categories {
				v := c.Value
				if f.Type == TypeString {
					v = spssQuote(v, spssMaxString)
				}
				p("\n    %s %s", v, spssQuote(c.Label, spssMaxValueLabel))
			}
			p("\n")
		}
		if !first {
			p(".\n")
		}
		p("VARIABLE LEVEL\n")
		for i, f := range wt.Fields {
			sep := "  /"
			if i == 0 {
				sep = "  "
			}
			p("%s%s (%s)\n", sep, f.Name, strings.ToUpper(level(f)))
		}
		p(".\n")
		for _, f := range wt.Fields {
			if f.Type == TypeNumber {
				p("FORMATS %s (F12.4).\n", f.Name)
			}
		}
		p("EXECUTE.\nSAVE OUTFILE='%s.sav'.\n\n", strings.TrimSuffix(path.Base(wt.Path), ".csv"))
	}
	return b.String()
}

// spssFormat is a column's input format: F for numbers (the data's own
// decimal point wins on input), A with the widest value for text.
func spssFormat(f Field, width int) string {
	switch f.Type {
	case TypeInteger:
		return fmt.Sprintf("F%d.0", min(max(width, 1), 40))
	case TypeNumber:
		return "F40.6"
	}
	for _, c := range f.Categories {
		width = max(width, len(c.Value))
	}
	return fmt.Sprintf("A%d", min(max(width, 1), spssMaxString))
}

func level(f Field) string {
	if f.Level != "" {
		return f.Level
	}
	return LevelNominal
}

// spssQuote quotes s for syntax, cut to max bytes on a character boundary.
func spssQuote(s string, max int) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r", " "), "\n", " ")
	if len(s) > max {
		cut := max
		for cut > 0 && (s[cut]&0xC0) == 0x80 {
			cut--
		}
		s = s[:cut]
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// spssComment keeps a comment on one line without ending it early.
func spssComment(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\n", " "), ".", "")
}
