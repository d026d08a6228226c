package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/policysearch/policysearch/benchmark"
	"github.com/policysearch/policysearch/search"
)

// benchOptions are the bench command's flags.
type benchOptions struct {
	mb          float64
	corpus      string
	gen         string
	seed        int
	work        string
	reuse       bool
	concurrency []int
	perKind     int
	rounds      int
	peer        bool
	scan        bool
	cache       bool
	soak        time.Duration
	out         string
	dict        string
	// stage runs one step in a child process, so that its memory is
	// measured alone ("sqlite": build the peer's index).
	stage string
	db    string
	stats string
}

func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o benchOptions
	conc := "1,8"
	fs.Float64Var(&o.mb, "mb", 10, "size of the synthetic corpus to generate, in MB (10^6 bytes)")
	fs.StringVar(&o.corpus, "corpus", "", "benchmark this corpus folder (.txt files and manifest.jsonl) instead of generating one")
	fs.StringVar(&o.gen, "gen", "", "the gen-corpus script (default: shared/bench/gen-corpus found above the current folder)")
	fs.IntVar(&o.seed, "seed", 1, "seed of the generated corpus and of the query mix")
	fs.StringVar(&o.work, "work", "", "folder for the corpus, the indexes and logs (default: a temporary folder, removed afterwards)")
	fs.BoolVar(&o.reuse, "reuse", false, "reuse the corpus, index and peer database already in --work instead of building them")
	fs.StringVar(&conc, "concurrency", conc, "comma-separated concurrencies of the query runs")
	fs.IntVar(&o.perKind, "queries", 20, "queries of each kind in the mix")
	fs.IntVar(&o.rounds, "rounds", 5, "times each query is sent per concurrency")
	fs.BoolVar(&o.peer, "peer", true, "also measure the SQLite FTS5 trigram peer")
	fs.BoolVar(&o.cache, "cache", false, "let the server answer a query sent again from its cache of recent matches (by default every request asks for a fresh search: Cache-Control: no-cache)")
	fs.BoolVar(&o.scan, "scan", true, "also measure a brute-force scan of the text (concurrency 1, one round)")
	fs.DurationVar(&o.soak, "soak", 0, "then soak the server with mixed reads and writes for this long at the highest concurrency (0: no soak)")
	fs.StringVar(&o.out, "out", "", "also write the Markdown report to this file")
	fs.StringVar(&o.dict, "dict", envDefault("dict", ""), "folder of jieba dictionaries; empty: the built-in copies")
	fs.StringVar(&o.stage, "stage", "", "internal: run one stage in this process")
	fs.StringVar(&o.db, "db", "", "internal: the peer database of --stage sqlite")
	fs.StringVar(&o.stats, "stats", "", "internal: where --stage writes its figures")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("bench takes no arguments, got %q", fs.Args())
	}
	for _, f := range strings.Split(conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("--concurrency: %q is not a positive number", f)
		}
		o.concurrency = append(o.concurrency, n)
	}
	if o.stage == "sqlite" {
		return benchSQLiteStage(ctx, o)
	}
	if o.stage != "" {
		return fmt.Errorf("unknown stage %q", o.stage)
	}
	return runBench(ctx, o, stdout, stderr)
}

// peerFigures is what the sqlite stage writes for its parent.
type peerFigures struct {
	Provisions int     `json:"provisions"`
	TextBytes  int64   `json:"text_bytes"`
	Seconds    float64 `json:"seconds"`
	Size       int64   `json:"size"`
	PeakRSS    int64   `json:"peak_rss"`
}

// benchSQLiteStage builds the peer's database from the corpus.
func benchSQLiteStage(ctx context.Context, o benchOptions) error {
	c, err := benchmark.LoadCorpus(o.corpus)
	if err != nil {
		return err
	}
	p, b, err := benchmark.BuildSQLite(ctx, o.db, c)
	if err != nil {
		return err
	}
	if err := p.Close(); err != nil {
		return fmt.Errorf("close peer database: %w", err)
	}
	fig := peerFigures{Provisions: b.Provisions, TextBytes: b.TextBytes, Seconds: b.Elapsed.Seconds(), Size: b.Size}
	if m, err := benchmark.ReadProcMemory(0); err == nil {
		fig.PeakRSS = m.Peak
	}
	return writeJSON(o.stats, fig)
}

func runBench(ctx context.Context, o benchOptions, stdout, stderr io.Writer) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find own executable: %w", err)
	}
	work := o.work
	if work == "" {
		if work, err = os.MkdirTemp("", "policysearch-bench-"); err != nil {
			return fmt.Errorf("work folder: %w", err)
		}
		defer os.RemoveAll(work)
	} else if err := os.MkdirAll(work, 0o755); err != nil {
		return fmt.Errorf("work folder: %w", err)
	}
	var load []string
	logf := func(format string, args ...any) {
		if l := benchmark.LoadAverage(); l != "" {
			load = append(load, l)
		}
		fmt.Fprintf(stderr, "bench: "+format+"\n", args...)
	}

	// The corpus.
	corpusDir := o.corpus
	corpusDesc := ""
	if corpusDir == "" {
		corpusDir = filepath.Join(work, fmt.Sprintf("corpus-%gmb-seed%d", o.mb, o.seed))
		corpusDesc = fmt.Sprintf("gen-corpus --mb %g --seed %d", o.mb, o.seed)
		if !o.reuse || !exists(corpusDir) {
			gen := o.gen
			if gen == "" {
				wd, _ := os.Getwd()
				gen = benchmark.FindGenerator(wd)
			}
			if gen == "" {
				return errors.New("no corpus: give --corpus DIR, or --gen with the path of shared/bench/gen-corpus")
			}
			_ = os.RemoveAll(corpusDir)
			logf("generating a %g MB corpus in %s", o.mb, corpusDir)
			if err := benchmark.Generate(ctx, gen, corpusDir, o.mb, o.seed); err != nil {
				return err
			}
		}
	}
	logf("reading the corpus %s", corpusDir)
	corpus, err := benchmark.LoadCorpus(corpusDir)
	if err != nil {
		return err
	}
	if corpusDesc == "" {
		corpusDesc = corpusDir
	}
	rep := &benchmark.Report{
		Date:    time.Now().Format("2006-01-02"),
		Machine: benchmark.Machine(),
		Corpus: fmt.Sprintf("%s: %d files, %.1f MB, %d documents, %d provisions", corpusDesc,
			corpus.Files, float64(corpus.Bytes)/benchmark.MB, corpus.Documents, len(corpus.Provisions)),
	}

	// Our index, built by a child process so that its peak memory is its own.
	indexDir := filepath.Join(work, "index")
	indexStats := filepath.Join(work, "index-stats.json")
	if !o.reuse || !exists(indexStats) {
		logf("indexing with policysearch")
		_ = os.RemoveAll(indexDir)
		if err := runChild(ctx, stderr, self, "index", "--corpus", corpusDir, "--index", indexDir, "--dict", o.dict, "--stats", indexStats); err != nil {
			return fmt.Errorf("index the corpus: %w", err)
		}
	}
	var fig indexFigures
	if err := readJSON(indexStats, &fig); err != nil {
		return err
	}
	rep.Indexing = append(rep.Indexing, benchmark.IndexFigures{System: "policysearch", Bytes: fig.Bytes,
		Provisions: fig.Provisions, Elapsed: seconds(fig.Seconds), PeakRSS: fig.PeakRSS, Size: fig.IndexBytes,
		Note: "time from the first file read to the index's swap-in (reading, parsing, themes, analysis, segments, merges); peak RSS of the whole `policysearch index` process"})

	// The peer, also in a child process.
	var peer *benchmark.SQLitePeer
	if o.peer {
		db := filepath.Join(work, "peer.db")
		peerStats := filepath.Join(work, "peer-stats.json")
		if !o.reuse || !exists(peerStats) {
			logf("indexing with SQLite FTS5 trigram")
			if err := runChild(ctx, stderr, self, "bench", "--stage", "sqlite", "--corpus", corpusDir, "--db", db, "--stats", peerStats); err != nil {
				return fmt.Errorf("build the peer: %w", err)
			}
		}
		var pf peerFigures
		if err := readJSON(peerStats, &pf); err != nil {
			return err
		}
		rep.Indexing = append(rep.Indexing, benchmark.IndexFigures{System: "SQLite FTS5 trigram", Bytes: fig.Bytes,
			Provisions: pf.Provisions, Elapsed: seconds(pf.Seconds), PeakRSS: pf.PeakRSS, Size: pf.Size,
			Note: "time from the first insert to the end of 'optimize', in one transaction with synchronous=OFF; it is handed our parser's provisions, so reading and parsing are not counted; peak RSS includes holding the parsed corpus"})
		if peer, err = benchmark.OpenSQLite(db); err != nil {
			return err
		}
		defer peer.Close()
	}

	// The server, a child process on a loopback port.
	token := randomToken()
	srv, err := startServer(ctx, self, indexDir, corpusDir, o.dict, token, filepath.Join(work, "serve.log"))
	if err != nil {
		return err
	}
	defer srv.stop()
	logf("server pid %d at %s (log %s)", srv.cmd.Process.Pid, srv.base, srv.log)
	maxConc := 1
	for _, c := range o.concurrency {
		maxConc = max(maxConc, c)
	}
	target := benchmark.NewHTTPTarget(srv.base, maxConc)
	target.Token = token
	target.NoCache = !o.cache
	if _, _, err := target.Info(ctx); err != nil {
		return err
	}
	an, err := search.NewAnalysis(o.dict)
	if err != nil {
		return err
	}
	mix := benchmark.Mix(corpus, an.Segmenter, benchmark.MixOptions{PerKind: o.perKind, Seed: uint64(o.seed)})
	an.Close()
	mix = benchmark.WithModes(mix, target.Modes)
	logf("query mix: %d queries of %d kinds; server modes %v", len(mix), len(benchmark.Kinds(mix)), target.Modes)

	logf("warming up the server")
	if err := benchmark.Warm(ctx, target, mix); err != nil {
		return err
	}
	mem := benchmark.SampleRSS(srv.cmd.Process.Pid, 250*time.Millisecond)
	for _, c := range o.concurrency {
		logf("queries over HTTP at concurrency %d", c)
		rep.Queries = append(rep.Queries, benchmark.Measure(ctx, target, mix, c, o.rounds)...)
	}
	rep.ServerRSS = benchmark.MaxRSS(mem.Stop())
	if m, err := benchmark.ReadProcMemory(srv.cmd.Process.Pid); err == nil {
		rep.ServerPeak, rep.ServerEnd, rep.ServerFile = m.Peak, m.RSS, m.File
	}
	if peer != nil {
		logf("warming up the peer")
		if err := benchmark.Warm(ctx, peer, mix); err != nil {
			return err
		}
		for _, c := range o.concurrency {
			logf("peer queries at concurrency %d", c)
			rep.Queries = append(rep.Queries, benchmark.Measure(ctx, peer, mix, c, o.rounds)...)
		}
	}
	if o.scan {
		logf("brute-force scan")
		rep.Queries = append(rep.Queries, benchmark.Measure(ctx, &benchmark.ScanTarget{Corpus: corpus}, mix, 1, 1)...)
	}
	if o.soak > 0 {
		logf("soak: %s at concurrency %d", o.soak, maxConc)
		soak, err := benchmark.Soak(ctx, target, mix, benchmark.SoakTemplates(corpus, 50, 4), benchmark.SoakOptions{
			Duration: o.soak, Concurrency: maxConc, PID: srv.cmd.Process.Pid, Seed: uint64(o.seed)})
		if err != nil {
			return err
		}
		rep.Soak = soak
	}
	rep.Notes = append(rep.Notes,
		fmt.Sprintf("Each query kind: %d queries × %d rounds per concurrency after one warm-up pass; latency is measured by the client over loopback HTTP (the client shares the machine's cores with the server).", o.perKind, o.rounds),
		cacheNote(o.cache),
		"hits: mean total matches per query as the engine counts them (words for bare terms, exact substrings for quoted phrases); the peers count exact substrings.",
		"SQLite terms shorter than three characters cannot use the trigram index and run as LIKE over every row; each SQLite query is a count(*) plus the top 10 by bm25 rank.",
	)

	rep.Load = load
	if err := srv.stop(); err != nil {
		logf("stopping the server: %v", err)
	}
	rep.Markdown(stdout)
	if o.out != "" {
		f, err := os.Create(o.out)
		if err != nil {
			return fmt.Errorf("write report: %w", err)
		}
		rep.Markdown(f)
		if err := f.Close(); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	return nil
}

// childServer is `policysearch serve` running as a child process.
type childServer struct {
	cmd     *exec.Cmd
	base    string
	log     string
	logFile *os.File
	done    chan error
	stopped bool
}

// startServer starts the server on a free loopback port and waits until
// it is ready (it may first build a semantic model).
func startServer(ctx context.Context, self, index, corpus, dict, token, logPath string) (*childServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("find a free port: %w", err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	lf, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("server log: %w", err)
	}
	cmd := exec.Command(self, "serve", "--index", index, "--corpus", corpus, "--dict", dict, "--addr", addr, "--token", token)
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		_ = lf.Close()
		return nil, fmt.Errorf("start server: %w", err)
	}
	s := &childServer{cmd: cmd, base: "http://" + addr, log: logPath, logFile: lf, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	deadline := time.Now().Add(30 * time.Minute)
	for {
		select {
		case err := <-s.done:
			s.stopped = true
			_ = lf.Close()
			return nil, fmt.Errorf("server exited before it was ready (%v); see %s", err, logPath)
		case <-ctx.Done():
			_ = s.stop()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		res, err := http.Get(s.base + "/readyz")
		if err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			_ = s.stop()
			return nil, fmt.Errorf("server not ready after 30 minutes; see %s", logPath)
		}
	}
}

// stop asks the server to shut down and waits for it.
func (s *childServer) stop() error {
	if s.stopped {
		return nil
	}
	s.stopped = true
	defer s.logFile.Close()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		return err
	case <-time.After(60 * time.Second):
		_ = s.cmd.Process.Kill()
		return fmt.Errorf("server did not stop within a minute: %w", <-s.done)
	}
}

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func writeJSON(path string, v any) error {
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode figures: %w", err)
	}
	if err := os.WriteFile(path, append(raw, '\n'), 0o644); err != nil {
		return fmt.Errorf("write figures: %w", err)
	}
	return nil
}

func readJSON(path string, v any) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read figures: %w", err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("decode %s: %w", path, err)
	}
	return nil
}

// cacheNote says how the run treated the server's match cache.
func cacheNote(cache bool) string {
	if cache {
		return "Cache allowed: a query sent again (every round after the warm-up) may be answered from the server's cache of recent matches, as a user paging or changing filters would be."
	}
	return "Every search request carried Cache-Control: no-cache, so each was worked out afresh: the figures are the engine's work, not its cache of recent matches."
}

// runChild runs this program with args as a child process, so that its
// peak memory is its own, and passes its output to w.
func runChild(ctx context.Context, w io.Writer, self string, args ...string) error {
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Stdout, cmd.Stderr = w, w
	return cmd.Run()
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
