package main

import (
	"context"
	"io"
	"log/slog"
	"strings"

	"github.com/allvoice/allvoice/engine/bunstore"
)

// openDB opens the configured database.
func openDB(ctx context.Context, cfg *config) (*bunstore.DB, error) {
	return bunstore.Open(ctx, bunstore.Config{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir})
}

// newLogger returns the JSON logger at the configured level. Request logs
// and errors never carry bodies, rating values, reasons or concern text.
func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	switch strings.ToLower(level) {
	case "debug":
		l = slog.LevelDebug
	case "warn":
		l = slog.LevelWarn
	case "error":
		l = slog.LevelError
	default:
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}
