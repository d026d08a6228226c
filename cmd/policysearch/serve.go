package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"

	"github.com/policysearch/policysearch/server"
)

// serveGCPercent is the GOGC a server runs with unless told otherwise.
const serveGCPercent = 50

// cmdServe listens at once, builds or opens the index (the API answers 503
// meanwhile), then serves until ctx is cancelled (SIGTERM, interrupt): it
// finishes in-flight requests and then closes the index.
func cmdServe(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	c.register(fs)
	addr := fs.String("addr", envDefault("addr", "127.0.0.1:8080"), "address to listen on (env POLICYSEARCH_ADDR)")
	token := fs.String("token", envDefault("token", ""), "bearer token required to upload and delete documents; empty disables writes (env POLICYSEARCH_TOKEN)")
	envWorkers := envDefault("workers", "0")
	defWorkers, err := strconv.Atoi(envWorkers)
	if err != nil {
		return fmt.Errorf("POLICYSEARCH_WORKERS=%q: want a number of workers, 0 for one per CPU", envWorkers)
	}
	workers := fs.Int("workers", defWorkers, "queries worked on at once, the others waiting their turn; 0: one per CPU. Raise it when an external embedding service is slow to answer (env POLICYSEARCH_WORKERS)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *workers < 0 {
		return fmt.Errorf("--workers %d: want a number of workers, 0 for one per CPU", *workers)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve takes no arguments, got %q", fs.Args())
	}

	log := slog.Default()
	if *token == "" {
		log.Warn("no write token: uploads and deletions are disabled (set --token or POLICYSEARCH_TOKEN)")
	}
	// Queries take turns, one per CPU unless told otherwise; the scheduler
	// gets twice as many Ps as CPUs, so that reading a request and writing
	// an answer need not wait for a P behind running queries. Turns are
	// given first come, first served; the Go scheduler's run queue is not,
	// and with a P per CPU some requests waited there far longer than the
	// rest (filtered searches at concurrency 8 on 2 cores: p99 15–25%
	// lower with the extra Ps). A GOMAXPROCS set by the operator is kept.
	cpus := runtime.GOMAXPROCS(0)
	if *workers == 0 {
		*workers = cpus
	}
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(2 * cpus)
	}
	srv := server.New(server.Config{Token: *token, Logger: log, Workers: *workers})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}

	// serveCtx stops the listener: on a signal, or when opening the index
	// fails. openCtx stops building the index: on a signal, or when serving
	// fails.
	serveCtx, stop := context.WithCancel(ctx)
	defer stop()
	openCtx, cancelOpen := context.WithCancel(ctx)
	defer cancelOpen()
	served := make(chan error, 1)
	go func() {
		err := srv.Serve(serveCtx, ln)
		cancelOpen()
		served <- err
	}()

	a, openErr := c.open(openCtx, stderr)
	if openErr == nil {
		openErr = a.engine.Warm(openCtx)
	}
	// Once the index is open (built and its model trained, if need be, at
	// Go's pace), the heap may grow to 1.5 times what is live between
	// collections instead of twice: a server holds caches of a few hundred
	// MiB, and the garbage of busy searches kept it near twice their size
	// (100 MB benchmark corpus, the query mix at concurrency 8: 1,046 MiB
	// resident, 933 MiB with this, latencies within the runs' noise). A
	// GOGC set by the operator is kept.
	if openErr == nil && os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
	// Read now: once serving stops, openCtx is cancelled whatever the cause.
	interrupted := openErr != nil && openCtx.Err() != nil
	if openErr == nil {
		srv.SetEngine(a.engine)
	} else {
		stop()
	}
	serveErr := <-served
	// Serve has returned: no request can reach the index any more.
	if a != nil {
		a.close()
		log.Info("index closed")
	}
	switch {
	case interrupted:
		if serveErr == nil {
			log.Info("interrupted before the index was ready")
		}
		return serveErr
	case openErr != nil:
		return errors.Join(fmt.Errorf("open index: %w", openErr), serveErr)
	}
	return serveErr
}
