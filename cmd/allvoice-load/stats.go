package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"
)

// recorder collects the latency and outcome of each request. Each worker
// has its own, merged at the end, so recording takes no lock.
type recorder struct {
	ops map[string]*opStats
}

// opStats is one operation's requests.
type opStats struct {
	latencies []time.Duration
	// errors counts failed requests by status ("409", "503") or
	// "transport" for a request that got no answer.
	errors map[string]int
}

func newRecorder() *recorder { return &recorder{ops: map[string]*opStats{}} }

func (r *recorder) op(name string) *opStats {
	s := r.ops[name]
	if s == nil {
		s = &opStats{errors: map[string]int{}}
		r.ops[name] = s
	}
	return s
}

// record notes one request: status 0 means no answer came.
func (r *recorder) record(name string, status int, d time.Duration, ok bool) {
	s := r.op(name)
	s.latencies = append(s.latencies, d)
	if !ok {
		key := "transport"
		if status != 0 {
			key = strconv.Itoa(status)
		}
		s.errors[key]++
	}
}

// merge adds other's requests to r.
func (r *recorder) merge(other *recorder) {
	for name, o := range other.ops {
		s := r.op(name)
		s.latencies = append(s.latencies, o.latencies...)
		for k, n := range o.errors {
			s.errors[k] += n
		}
	}
}

// percentile returns the p-quantile (0 < p ≤ 1) of sorted durations by
// the nearest-rank method; 0 for none.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p*float64(len(sorted))+0.999999999) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

// opReport is one line of the report.
type opReport struct {
	Operation string         `json:"operation"`
	Count     int            `json:"count"`
	Errors    int            `json:"errors"`
	PerSecond float64        `json:"per_second"`
	P50ms     float64        `json:"p50_ms"`
	P95ms     float64        `json:"p95_ms"`
	P99ms     float64        `json:"p99_ms"`
	MaxMs     float64        `json:"max_ms"`
	ByStatus  map[string]int `json:"errors_by_status,omitempty"`
}

// report is what a run found.
type report struct {
	URL         string     `json:"url"`
	Members     int        `json:"members"`
	Concurrency int        `json:"concurrency"`
	Seconds     float64    `json:"seconds"`
	LoadBefore  string     `json:"load_average_before,omitempty"`
	LoadAfter   string     `json:"load_average_after,omitempty"`
	Setup       []opReport `json:"setup"`
	Run         []opReport `json:"run"`
	Ratings     int        `json:"ratings_acknowledged"`
	RatingsPerS float64    `json:"ratings_per_second"`
	SSEEvents   int64      `json:"sse_events,omitempty"`
	SSEStreams  int        `json:"sse_streams,omitempty"`
}

// summarise turns a recorder into report lines; per-second figures are
// over elapsed.
func summarise(r *recorder, elapsed time.Duration) []opReport {
	var out []opReport
	for _, name := range slices.Sorted(maps.Keys(r.ops)) {
		s := r.ops[name]
		lat := slices.Clone(s.latencies)
		slices.Sort(lat)
		errs := 0
		for _, n := range s.errors {
			errs += n
		}
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		line := opReport{Operation: name, Count: len(lat), Errors: errs,
			P50ms: ms(percentile(lat, 0.50)), P95ms: ms(percentile(lat, 0.95)), P99ms: ms(percentile(lat, 0.99)), MaxMs: ms(percentile(lat, 1))}
		if elapsed > 0 {
			line.PerSecond = float64(len(lat)) / elapsed.Seconds()
		}
		if errs > 0 {
			line.ByStatus = maps.Clone(s.errors)
		}
		out = append(out, line)
	}
	return out
}

// print writes the report as a table, or as JSON.
func (rep *report) print(w io.Writer, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	fmt.Fprintf(w, "Allvoice load on %s: %d members, %d concurrent, %.1f s of rating\n", rep.URL, rep.Members, rep.Concurrency, rep.Seconds)
	if rep.LoadBefore != "" {
		fmt.Fprintf(w, "load average before: %s; after: %s\n", rep.LoadBefore, rep.LoadAfter)
	}
	table := func(title string, lines []opReport, rates bool) {
		fmt.Fprintf(w, "\n%s\n", title)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "operation\tcount\terrors\tper second\tp50 ms\tp95 ms\tp99 ms\tmax ms\t")
		for _, l := range lines {
			rate := "-"
			if rates {
				rate = fmt.Sprintf("%.1f", l.PerSecond)
			}
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%.2f\t%.2f\t%.2f\t%.2f\t\n", l.Operation, l.Count, l.Errors, rate, l.P50ms, l.P95ms, l.P99ms, l.MaxMs)
		}
		tw.Flush()
	}
	table("setup", rep.Setup, false)
	table("rating phase", rep.Run, true)
	var errLines []string
	for _, l := range append(slices.Clone(rep.Setup), rep.Run...) {
		for _, status := range slices.Sorted(maps.Keys(l.ByStatus)) {
			errLines = append(errLines, fmt.Sprintf("  %s %s: %d", l.Operation, status, l.ByStatus[status]))
		}
	}
	if len(errLines) > 0 {
		fmt.Fprintln(w, "\nerrors by status")
		for _, l := range errLines {
			fmt.Fprintln(w, l)
		}
	}
	fmt.Fprintf(w, "\nratings acknowledged (2xx): %d, %.1f per second\n", rep.Ratings, rep.RatingsPerS)
	if rep.SSEStreams > 0 {
		fmt.Fprintf(w, "live event streams: %d open, %d events received\n", rep.SSEStreams, rep.SSEEvents)
	}
	return nil
}
