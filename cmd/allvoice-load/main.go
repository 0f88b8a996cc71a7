package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := runLoad(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "allvoice-load:", err)
		}
		os.Exit(1)
	}
}

// runLoad parses the flags, prepares the group, runs the rating phase
// and prints the report.
func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, stderr)
	if err != nil {
		return err
	}
	base, err := checkTarget(ctx, cfg.URL, cfg.AllowRemote, net.DefaultResolver.LookupIPAddr)
	if err != nil {
		return err
	}
	cl := newClient(base, cfg.Concurrency, cfg.Timeout)
	r := newRun(cfg, cl)
	fmt.Fprintf(stderr, "allvoice-load: preparing a group of %d members on %s\n", cfg.Members, base)
	if err := r.prepare(ctx); err != nil {
		return fmt.Errorf("preparing the group: %w", err)
	}
	rep := &report{URL: base.String(), Members: cfg.Members, Concurrency: cfg.Concurrency, LoadBefore: loadAverage()}

	phase, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	var ready sync.WaitGroup
	streams := r.listen(phase, cfg.SSE, &ready)
	ready.Wait()
	fmt.Fprintf(stderr, "allvoice-load: rating for %s with %d workers\n", cfg.Duration, cfg.Concurrency)
	start := time.Now()
	ran := r.rate(ctx, phase)
	elapsed := time.Since(start)
	cancel()
	streams.Wait()
	rep.LoadAfter = loadAverage()

	if cfg.Close && ctx.Err() == nil {
		if err := r.transition(ctx, "close"); err == nil {
			_, _ = r.cl.do(ctx, r.setup, call{op: "getRoundReport", method: http.MethodGet, path: "/rounds/" + r.roundID + "/report", token: r.facToken}, nil)
		}
	}
	rep.Seconds = elapsed.Seconds()
	rep.Setup = summarise(r.setup, 0)
	rep.Run = summarise(ran, elapsed)
	rep.Ratings = int(r.ratings.Load())
	rep.RatingsPerS = float64(rep.Ratings) / elapsed.Seconds()
	rep.SSEStreams, rep.SSEEvents = int(r.sseOpen.Load()), r.sseEvents.Load()
	return rep.print(stdout, cfg.JSON)
}

// loadAverage returns the 1, 5 and 15 minute load averages, or "" where
// the system does not tell.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
