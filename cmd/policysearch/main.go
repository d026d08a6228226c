// Command policysearch indexes Chinese health-policy documents into
// provisions and serves search over them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

const usage = `policysearch: search Chinese health-policy documents by provision.

Usage:
  policysearch serve  [flags]         serve the web interface and API (builds the index on first start)
  policysearch index  [flags]         (re)build the index from a corpus folder
  policysearch search [flags] QUERY   search from the command line
  policysearch eval   [flags]         measure ranking quality on the judged relevance set
  policysearch bench  [flags]         measure indexing and query speed

Run 'policysearch COMMAND -h' for a command's flags. Every flag has an
environment twin: --index is POLICYSEARCH_INDEX, and so on.
`

func main() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	slog.SetDefault(logger)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "policysearch:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stderr)
	case "index":
		return cmdIndex(ctx, rest, stderr)
	case "search":
		return cmdSearch(ctx, rest, stdout, stderr)
	case "eval":
		return cmdEval(ctx, rest, stdout, stderr)
	case "bench":
		return cmdBench(ctx, rest, stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// envDefault returns the environment twin of a flag, or def.
func envDefault(flagName, def string) string {
	key := "POLICYSEARCH_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

// multiFlag collects a repeatable flag (--city A --city B, or --city A,B).
type multiFlag []string

func (m *multiFlag) String() string { return strings.Join(*m, ",") }

func (m *multiFlag) Set(v string) error {
	for _, p := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' }) {
		if p = strings.TrimSpace(p); p != "" {
			*m = append(*m, p)
		}
	}
	return nil
}
