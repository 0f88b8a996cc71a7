// Command allvoice runs Allvoice, the survey and deliberation engine for
// co-design groups: its web pages and JSON API (serve), its database
// migrations (migrate), a demo group (demo), imports (import) and exports.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `Allvoice — survey and deliberation for co-design groups.

Usage:
  allvoice [serve] [flags]            run the web pages and JSON API (default)
  allvoice migrate up|down|status     manage the database schema
  allvoice demo [flags]               add the demo group to the database
  allvoice import polis DIR [flags]   import a Polis open-data export
  allvoice export GROUP --out FILE    write a group's evaluator data package (zip)
  allvoice version                    print the version

Run "allvoice COMMAND --help" for a command's flags. Every flag can also be
set by the environment variable named in its help.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "allvoice:", err)
		}
		os.Exit(1)
	}
}

// run dispatches to a subcommand; serve is the default.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		fmt.Fprint(stdout, usage)
		return nil
	}
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return runServe(ctx, args, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, args, stdout, stderr)
	case "demo":
		return runDemo(ctx, args, stdout, stderr)
	case "import":
		return runImport(ctx, args, stdout, stderr)
	case "export":
		return runExport(ctx, args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "allvoice", version)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}
