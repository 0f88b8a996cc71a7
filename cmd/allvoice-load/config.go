package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// config is what a load run is told. This file is the only place that
// reads flags.
type config struct {
	URL         string
	Duration    time.Duration
	Members     int
	Concurrency int
	Proposals   int
	Email       string
	Password    string
	AllowRemote bool
	Timeout     time.Duration
	Think       time.Duration
	SSE         int
	Mix         mix
	JSON        bool
	Close       bool
}

// mix weighs what a member does once every idea has a rating.
type mix struct {
	Change, Results, Mine, Analysis, Report int
}

func (m *mix) String() string {
	return fmt.Sprintf("change=%d,results=%d,mine=%d,analysis=%d,report=%d", m.Change, m.Results, m.Mine, m.Analysis, m.Report)
}

// Set parses "change=60,results=20,…"; unnamed actions keep their weight.
func (m *mix) Set(s string) error {
	for _, part := range strings.Split(s, ",") {
		name, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(val)
		if !ok || err != nil || n < 0 {
			return fmt.Errorf("%q is not action=weight with a whole number weight", part)
		}
		switch name {
		case "change":
			m.Change = n
		case "results":
			m.Results = n
		case "mine":
			m.Mine = n
		case "analysis":
			m.Analysis = n
		case "report":
			m.Report = n
		default:
			return fmt.Errorf("unknown action %q (change, results, mine, analysis, report)", name)
		}
	}
	return nil
}

func (m *mix) total() int { return m.Change + m.Results + m.Mine + m.Analysis + m.Report }

// parseConfig reads the flags.
func parseConfig(args []string, stderr io.Writer) (*config, error) {
	cfg := &config{Mix: mix{Change: 60, Results: 20, Mine: 10, Analysis: 5, Report: 5}}
	fs := flag.NewFlagSet("allvoice-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080", "the Allvoice server to load (its base URL)")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "how long members rate (setup and joining come first)")
	fs.IntVar(&cfg.Members, "members", 64, "members who join and rate")
	fs.IntVar(&cfg.Concurrency, "concurrency", 64, "requests in flight at once (workers sharing the members)")
	fs.IntVar(&cfg.Proposals, "proposals", 20, "ideas proposed by the first members (at most one each)")
	fs.StringVar(&cfg.Email, "email", "", "facilitator's email; empty signs up a new facilitator account")
	fs.StringVar(&cfg.Password, "password", "", "facilitator's password, with --email")
	fs.BoolVar(&cfg.AllowRemote, "allow-remote", false, "allow a server that is not on a loopback address (only ever one you run)")
	fs.DurationVar(&cfg.Timeout, "timeout", 10*time.Second, "bound on each request")
	fs.DurationVar(&cfg.Think, "think", 0, "pause between one member's actions (0: as fast as answers come)")
	fs.IntVar(&cfg.SSE, "sse", 0, "live event streams the facilitator holds open on the round")
	fs.Var(&cfg.Mix, "mix", "weights of what members do after rating every idea: change (with a reason), results, mine, analysis, report (the last two as the facilitator)")
	fs.BoolVar(&cfg.JSON, "json", false, "print the report as JSON")
	fs.BoolVar(&cfg.Close, "close", true, "close the round at the end and read its report once more")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var errs []error
	if cfg.Duration <= 0 {
		errs = append(errs, errors.New("--duration must be positive"))
	}
	if cfg.Members < 1 || cfg.Members > 10000 {
		errs = append(errs, errors.New("--members must be between 1 and 10000"))
	}
	if cfg.Concurrency < 1 || cfg.Concurrency > 10000 {
		errs = append(errs, errors.New("--concurrency must be between 1 and 10000"))
	}
	if cfg.Proposals < 1 || cfg.Proposals > cfg.Members {
		errs = append(errs, errors.New("--proposals must be between 1 and --members (each is proposed by another member)"))
	}
	if (cfg.Email == "") != (cfg.Password == "") {
		errs = append(errs, errors.New("--email and --password go together"))
	}
	if cfg.Timeout <= 0 {
		errs = append(errs, errors.New("--timeout must be positive"))
	}
	if cfg.SSE < 0 || cfg.SSE > 10000 {
		errs = append(errs, errors.New("--sse must be between 0 and 10000"))
	}
	if cfg.Mix.total() == 0 {
		errs = append(errs, errors.New("--mix must give some action a weight"))
	}
	return cfg, errors.Join(errs...)
}
