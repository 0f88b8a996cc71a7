package analysis

import (
	"math"
	"strconv"
	"strings"
)

// pct renders a proportion as a percentage for sentences: whole numbers
// where that does not hide a threshold ("82%"), one decimal otherwise
// ("74.6%").
func pct(p float64) string {
	x := p * 100
	if math.Abs(x-math.Round(x)) < 0.05 {
		return strconv.FormatFloat(math.Round(x), 'f', -1, 64) + "%"
	}
	return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64) + "%"
}

// num renders a number with at most two decimals and no trailing zeros.
func num(x float64) string {
	r := math.Round(x*100) / 100
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// avg renders an average count: whole when it is one, else one decimal.
func avg(x float64) string {
	if math.Abs(x-math.Round(x)) < 0.05 {
		return strconv.FormatFloat(math.Round(x), 'f', -1, 64)
	}
	return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64)
}

// plural returns "1 proposal" or "3 proposals".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// sentence joins clauses with commas and a final "and".
func sentence(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// possessive returns "Sam's" or "James'".
func possessive(name string) string {
	if strings.HasSuffix(name, "s") {
		return name + "'"
	}
	return name + "'s"
}

// pText renders a p-value for sentences: "p = 0.412" or "p < 0.001".
func pText(p float64) string {
	if p < 0.001 {
		return "p < 0.001"
	}
	return "p = " + strconv.FormatFloat(p, 'f', 3, 64)
}
