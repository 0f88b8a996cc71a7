package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

// config is everything Allvoice can be told at start. This file is the only
// place that reads flags and the environment.
type config struct {
	Addr          string
	DatabaseURL   string
	DataDir       string
	Demo          bool
	SecureCookies bool
	LogLevel      string
	// ShutdownGrace bounds how long in-flight requests may finish.
	ShutdownGrace time.Duration
	// RateLimit is the number of sign-in, sign-up and join attempts one
	// address may make per minute; 0 disables the limit.
	RateLimit int
	// Migrate runs pending migrations when the server starts.
	Migrate bool
}

// newFlagSet returns a flag set for a subcommand with the database flags
// every subcommand shares, reading defaults from the environment.
func newFlagSet(name string, cfg *config, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("allvoice "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DatabaseURL, "database-url", env("DATABASE_URL", ""),
		"PostgreSQL URL (postgres://…); empty uses the SQLite file allvoice.db in --data-dir (env DATABASE_URL)")
	fs.StringVar(&cfg.DataDir, "data-dir", env("ALLVOICE_DATA_DIR", "."), "directory of the SQLite database (env ALLVOICE_DATA_DIR)")
	fs.StringVar(&cfg.LogLevel, "log-level", env("ALLVOICE_LOG_LEVEL", "info"), "debug, info, warn or error (env ALLVOICE_LOG_LEVEL)")
	return fs
}

// serveFlags adds the server's own flags.
func serveFlags(fs *flag.FlagSet, cfg *config) {
	fs.StringVar(&cfg.Addr, "addr", env("ALLVOICE_ADDR", "127.0.0.1:8080"), "address to listen on (env ALLVOICE_ADDR)")
	fs.BoolVar(&cfg.Demo, "demo", envBool("ALLVOICE_DEMO", false), "seed the demo group when the database is empty (env ALLVOICE_DEMO)")
	fs.BoolVar(&cfg.SecureCookies, "secure-cookies", envBool("ALLVOICE_SECURE_COOKIES", false),
		"mark cookies Secure with the __Host- prefix; set when served over HTTPS (env ALLVOICE_SECURE_COOKIES)")
	fs.DurationVar(&cfg.ShutdownGrace, "shutdown-grace", envDuration("ALLVOICE_SHUTDOWN_GRACE", 15*time.Second),
		"how long in-flight requests may finish on shutdown (env ALLVOICE_SHUTDOWN_GRACE)")
	fs.IntVar(&cfg.RateLimit, "rate-limit", envInt("ALLVOICE_RATE_LIMIT", 20),
		"sign-in, sign-up and join attempts per minute per address; 0 disables (env ALLVOICE_RATE_LIMIT)")
	fs.BoolVar(&cfg.Migrate, "migrate", envBool("ALLVOICE_MIGRATE", true), "apply pending migrations at start (env ALLVOICE_MIGRATE)")
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

func envBool(key string, def bool) bool {
	if v, ok := os.LookupEnv(key); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			fmt.Fprintf(os.Stderr, "allvoice: %s=%q is not true or false; using %v\n", key, v, def)
			return def
		}
		return b
	}
	return def
}

func envInt(key string, def int) int {
	if v, ok := os.LookupEnv(key); ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			fmt.Fprintf(os.Stderr, "allvoice: %s=%q is not a whole number; using %d\n", key, v, def)
			return def
		}
		return n
	}
	return def
}

func envDuration(key string, def time.Duration) time.Duration {
	if v, ok := os.LookupEnv(key); ok {
		d, err := time.ParseDuration(v)
		if err != nil {
			fmt.Fprintf(os.Stderr, "allvoice: %s=%q is not a duration like 15s; using %v\n", key, v, def)
			return def
		}
		return d
	}
	return def
}

// exportConfig is what the export subcommand is told.
type exportConfig struct {
	// Email is the account the export acts as: a facilitator or evaluator
	// of the group.
	Email string
	// Out is the zip file to write ("-" for standard output).
	Out string
	// Progress draws a progress bar on standard error.
	Progress bool
}

// exportFlags adds the export subcommand's own flags.
func exportFlags(fs *flag.FlagSet, ec *exportConfig) {
	fs.StringVar(&ec.Email, "email", env("ALLVOICE_EXPORT_EMAIL", ""),
		"email of a facilitator or evaluator account of the group (env ALLVOICE_EXPORT_EMAIL)")
	fs.StringVar(&ec.Out, "out", env("ALLVOICE_EXPORT_OUT", ""), "zip file to write, - for standard output (env ALLVOICE_EXPORT_OUT)")
	fs.BoolVar(&ec.Progress, "progress", envBool("ALLVOICE_EXPORT_PROGRESS", true), "show a progress bar on standard error (env ALLVOICE_EXPORT_PROGRESS)")
}
