package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/policysearch/policysearch/benchmark"
	"github.com/policysearch/policysearch/indexer"
	"github.com/policysearch/policysearch/search"
)

// indexFigures is what `index --stats FILE` writes: the build's figures,
// read back by the bench command.
type indexFigures struct {
	Files      int     `json:"files"`
	Skipped    int     `json:"skipped"`
	Bytes      int64   `json:"bytes"`
	Documents  int     `json:"documents"`
	Provisions int     `json:"provisions"`
	Seconds    float64 `json:"seconds"`
	PeakRSS    int64   `json:"peak_rss"`
	IndexBytes int64   `json:"index_bytes"`
}

func cmdIndex(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	c.register(fs)
	statsFile := fs.String("stats", "", "write the build's figures (time, size, peak memory) as JSON to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("index takes no arguments, got %q", fs.Args())
	}
	corpus, err := c.corpusFS()
	if err != nil {
		return err
	}
	an, err := search.NewAnalysis(c.dict)
	if err != nil {
		return err
	}
	defer an.Close()

	start := time.Now()
	show := buildProgress(stderr, start)
	store, st, err := an.Pipeline.Build(ctx, c.index, an.Fingerprint(), corpus, show.update)
	show.finish()
	for _, b := range st.Skipped {
		fmt.Fprintf(stderr, "skipped %s\n", b.Error())
	}
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	size := store.DiskSize()
	if err := store.Close(); err != nil {
		return fmt.Errorf("close index: %w", err)
	}
	fig := indexFigures{Files: st.Files, Skipped: len(st.Skipped), Bytes: st.Bytes, Documents: st.Documents,
		Provisions: st.Provisions, Seconds: elapsed.Seconds(), IndexBytes: size}
	peak := ""
	if m, err := benchmark.ReadProcMemory(0); err == nil {
		fig.PeakRSS = m.Peak
		peak = fmt.Sprintf("; peak memory %d MiB", m.Peak/benchmark.MiB)
	}
	fmt.Fprintf(stderr, "indexed %d documents, %d provisions from %.1f MB in %s (%.2f MB/s, %.0f provisions/s) into %s: %d MiB on disk%s; %d files skipped\n",
		st.Documents, st.Provisions, float64(st.Bytes)/benchmark.MB, elapsed.Round(time.Millisecond),
		float64(st.Bytes)/benchmark.MB/elapsed.Seconds(), float64(st.Provisions)/elapsed.Seconds(),
		c.index, size/benchmark.MiB, peak, len(st.Skipped))
	reportMissing(stderr, st)
	if *statsFile != "" {
		return writeJSON(*statsFile, fig)
	}
	return nil
}

// reportMissing says how many documents came in without each metadata
// field, and how to list and fix them.
func reportMissing(w io.Writer, st indexer.BuildStats) {
	var parts []string
	for _, f := range indexer.MissingFields {
		if n := st.Missing[f]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d without %s", n, f))
		}
	}
	if len(parts) == 0 {
		fmt.Fprintf(w, "metadata: every document has a city (or is province-level), province, year, type and issuer\n")
		return
	}
	fmt.Fprintf(w, "metadata: of %d documents, %s; list them with GET /api/documents?missing=FIELD and correct them in %s\n",
		st.Documents, strings.Join(parts, ", "), indexer.ManifestName)
}

// progressLine redraws one status line on a terminal while an index is
// built; on anything else it stays silent.
type progressLine struct {
	w     io.Writer // nil: not a terminal
	start time.Time
	mu    sync.Mutex
	last  time.Time
	drawn bool
}

func buildProgress(w io.Writer, start time.Time) *progressLine {
	p := &progressLine{start: start}
	if isTerminal(w) {
		p.w = w
	}
	return p
}

// update draws at most five times a second, and always the last file.
func (p *progressLine) update(bp indexer.BuildProgress) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < 200*time.Millisecond && bp.FilesRead < bp.Files {
		return
	}
	p.last = now
	el := now.Sub(p.start).Seconds()
	mbps := float64(bp.BytesRead) / benchmark.MB / max(el, 1e-3)
	eta := ""
	if bp.BytesRead > 0 && bp.BytesRead < bp.Bytes {
		left := time.Duration(float64(bp.Bytes-bp.BytesRead) / float64(bp.BytesRead) * el * float64(time.Second))
		eta = " ETA " + left.Round(time.Second).String()
	}
	fmt.Fprintf(p.w, "\r\033[Kindexing: %d/%d files, %.1f/%.1f MB (%.2f MB/s), %d provisions indexed (%.0f/s)%s",
		bp.FilesRead, bp.Files, float64(bp.BytesRead)/benchmark.MB, float64(bp.Bytes)/benchmark.MB, mbps,
		bp.Provisions, float64(bp.Provisions)/max(el, 1e-3), eta)
	p.drawn = true
}

// finish ends the status line so that what follows starts on its own.
func (p *progressLine) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
