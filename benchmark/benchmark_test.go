package benchmark

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/policysearch/policysearch/search"
	"github.com/policysearch/policysearch/seeds"
	"github.com/policysearch/policysearch/server"
)

var (
	// analysis is shared by the whole test binary: one segmenter per process.
	analysis *search.Analysis
	// seedDir holds the seed documents as files, the corpus of the tests.
	seedDir string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "policysearch-benchmark-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	seedDir = filepath.Join(dir, "seeds")
	if err := os.CopyFS(seedDir, seeds.FS); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if analysis, err = search.NewAnalysis(""); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer analysis.Close()
	return m.Run()
}

func seedCorpus(t testing.TB) *Corpus {
	t.Helper()
	c, err := LoadCorpus(seedDir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPercentiles(t *testing.T) {
	var d []time.Duration
	for i := 100; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	p50, p95, p99, mx := Percentiles(d)
	if p50 != 50*time.Millisecond || p95 != 95*time.Millisecond || p99 != 99*time.Millisecond || mx != 100*time.Millisecond {
		t.Errorf("percentiles of 1..100 ms: %v %v %v %v", p50, p95, p99, mx)
	}
	if p50, _, p99, _ := Percentiles([]time.Duration{7}); p50 != 7 || p99 != 7 {
		t.Errorf("percentiles of one value: %v %v", p50, p99)
	}
}

// TestMix: the mix is the same for the same seed, has every kind, and its
// queries are what their kind says.
func TestMix(t *testing.T) {
	c := seedCorpus(t)
	o := MixOptions{PerKind: 8, Seed: 3}
	a, b := Mix(c, analysis.Segmenter, o), Mix(c, analysis.Segmenter, o)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same corpus and seed gave two mixes")
	}
	kinds := Kinds(a)
	for _, k := range []string{KindTerm2, KindCommon, KindRare, KindPhrase, KindAnd, KindSimilar} {
		for _, kk := range []string{k, k + Filtered} {
			if kk == KindSimilar+Filtered {
				continue
			}
			if n := countKind(a, kk); n != o.PerKind {
				t.Errorf("%d queries of kind %q, want %d (kinds %v)", n, kk, o.PerKind, kinds)
			}
		}
	}
	ids := map[string]bool{}
	for _, p := range c.Provisions {
		ids[p.ID] = true
	}
	for _, q := range a {
		base := strings.TrimSuffix(q.Kind, Filtered)
		if strings.HasSuffix(q.Kind, Filtered) != q.Filtered() {
			t.Errorf("%s: filter does not match the kind", q)
		}
		switch base {
		case KindTerm2:
			if utf8.RuneCountInString(q.Terms[0]) != 2 {
				t.Errorf("%s: not two characters", q)
			}
		case KindPhrase:
			n := utf8.RuneCountInString(q.Terms[0])
			if !q.Phrase || n < 4 || n > 12 || strings.IndexFunc(q.Terms[0], func(r rune) bool { return !unicode.Is(unicode.Han, r) }) >= 0 {
				t.Errorf("%s: not a quoted phrase of 4–12 Han characters", q)
			}
		case KindAnd:
			if len(q.Terms) != 2 || q.Terms[0] == q.Terms[1] {
				t.Errorf("%s: not two different words", q)
			}
		case KindSimilar:
			if !ids[q.ID] {
				t.Errorf("%s: no such provision", q)
			}
		}
		// Phrases and AND pairs come from a provision that the filtered
		// variant keeps.
		if base == KindPhrase || base == KindAnd {
			found := false
			for i := range c.Provisions {
				found = found || q.Matches(&c.Provisions[i])
			}
			if !found {
				t.Errorf("%s: matches no provision", q)
			}
		}
	}
	modes := WithModes(a, []string{"keyword", "semantic", "hybrid"})
	for _, k := range []string{KindSemantic, KindHybrid, KindKeyword, KindSemantic + Filtered, KindHybrid + Filtered, KindKeyword + Filtered} {
		if n := countKind(modes, k); n != o.PerKind*2 {
			t.Errorf("%s queries: %d, want %d", k, n, o.PerKind*2)
		}
	}
	for _, q := range modes {
		if strings.HasSuffix(q.Kind, Filtered) != q.Filtered() {
			t.Errorf("%s: kind and filters disagree", q)
		}
	}
	if got := WithModes(a, nil); len(got) != len(a) {
		t.Errorf("a server without modes got %d queries, want %d", len(got), len(a))
	}
}

// TestPeersAgree: the SQLite peer and the scan count the same provisions
// for every text query, so their latencies compare like with like.
func TestPeersAgree(t *testing.T) {
	c := seedCorpus(t)
	mix := Mix(c, analysis.Segmenter, MixOptions{PerKind: 6, Seed: 1})
	ctx := context.Background()
	peer, b, err := BuildSQLite(ctx, filepath.Join(t.TempDir(), "peer.db"), c)
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	if b.Provisions != len(c.Provisions) || b.Size <= 0 {
		t.Fatalf("peer build: %+v for %d provisions", b, len(c.Provisions))
	}
	scan := &ScanTarget{Corpus: c}
	checked := 0
	for _, q := range mix {
		if !scan.Supports(q.Kind) {
			if peer.Supports(q.Kind) {
				t.Errorf("the peer claims %s", q.Kind)
			}
			continue
		}
		ns, err := scan.Do(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		np, err := peer.Do(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if ns != np {
			t.Errorf("%s: scan counts %d, SQLite %d", q, ns, np)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no text query")
	}
}

// TestHTTPRunAndSoak drives a real server: the mix runs without errors and
// a short soak of reads, uploads and deletions leaves the index as it was.
func TestHTTPRunAndSoak(t *testing.T) {
	ctx := context.Background()
	c := seedCorpus(t)
	e, err := search.Open(ctx, analysis, search.OpenOptions{IndexDir: filepath.Join(t.TempDir(), "index"), Corpus: os.DirFS(seedDir)})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	srv := server.New(server.Config{Token: "bench-token", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv.SetEngine(e)
	hs := httptest.NewServer(srv)
	defer hs.Close()

	target := NewHTTPTarget(hs.URL, 4)
	target.Token = "bench-token"
	docs, provs, err := target.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if docs != c.Documents || provs != len(c.Provisions) {
		t.Fatalf("server holds %d/%d, corpus %d/%d", docs, provs, c.Documents, len(c.Provisions))
	}
	mix := WithModes(Mix(c, analysis.Segmenter, MixOptions{PerKind: 3, Seed: 2}), target.Modes)
	stats := Measure(ctx, target, mix, 4, 1)
	if len(stats) != len(Kinds(mix)) {
		t.Errorf("%d kinds measured, %d in the mix", len(stats), len(Kinds(mix)))
	}
	for _, s := range stats {
		if s.Errors > 0 || s.Requests != countKind(mix, s.Kind) || s.P50 <= 0 || s.P99 < s.P50 || s.Throughput <= 0 {
			t.Errorf("%s: %+v", s.Kind, s)
		}
		// A quoted phrase comes from a provision: it finds at least one.
		if s.Kind == KindPhrase && s.MeanHits < 1 {
			t.Errorf("%s: %v hits on average", s.Kind, s.MeanHits)
		}
	}

	rep, err := Soak(ctx, target, mix, SoakTemplates(c, 5, 3), SoakOptions{Duration: 2 * time.Second, Concurrency: 4, WriteShare: 0.3, SampleEvery: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if rep.TotalErrors() != 0 {
		t.Errorf("soak errors: %v", rep.Errors)
	}
	uploads := 0
	for _, o := range rep.Ops {
		if o.Op == "upload" {
			uploads = o.Requests
		}
	}
	if uploads == 0 {
		t.Error("the soak uploaded nothing")
	}
	if rep.DocumentsAfter != rep.DocumentsBefore || rep.DocumentsBefore != docs {
		t.Errorf("documents before %d, after %d (index %d)", rep.DocumentsBefore, rep.DocumentsAfter, docs)
	}
	if len(rep.Memory) == 0 {
		t.Error("no memory sample")
	}

	var out strings.Builder
	r := &Report{Machine: Machine(), Corpus: "seeds", Date: "today", Queries: stats, Soak: rep}
	r.Markdown(&out)
	for _, want := range []string{"### Queries at concurrency 4", "| " + KindPhrase + " |", "### Soak",
		"keyword mode, every text kind with and without filters", "against keyword mode's"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestReadProcMemory(t *testing.T) {
	m, err := ReadProcMemory(0)
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	if m.RSS <= 0 || m.Peak < m.RSS {
		t.Errorf("memory %+v", m)
	}
}

// BenchmarkBuild indexes the seed documents (four distinct copies of each)
// through the streamed, parallel build; MB/s is of source text.
func BenchmarkBuild(b *testing.B) {
	dir := b.TempDir()
	var size int64
	for i := range 4 {
		entries, err := os.ReadDir(seedDir)
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(seedDir, e.Name()))
			if err != nil {
				b.Fatal(err)
			}
			data = append(data, fmt.Sprintf("\n第%d份副本。\n", i)...)
			size += int64(len(data))
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d-%s", i, e.Name())), data, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.SetBytes(size)
	for i := 0; b.Loop(); i++ {
		st, _, err := analysis.Pipeline.Build(context.Background(), filepath.Join(b.TempDir(), "index"), analysis.Fingerprint(), os.DirFS(dir), nil)
		if err != nil {
			b.Fatal(err)
		}
		_ = st.Close()
	}
}

// BenchmarkSearch runs each kind of the mix in process (no HTTP) over the
// seed index, or over a larger one: POLICYSEARCH_BENCH_CORPUS names a
// corpus folder (for example one made by gen-corpus) and
// POLICYSEARCH_BENCH_INDEX the index built from it, which is reused.
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	corpusDir, indexDir := seedDir, filepath.Join(b.TempDir(), "index")
	if dir := os.Getenv("POLICYSEARCH_BENCH_CORPUS"); dir != "" {
		corpusDir = dir
		if idx := os.Getenv("POLICYSEARCH_BENCH_INDEX"); idx != "" {
			indexDir = idx
		}
	}
	c, err := LoadCorpus(corpusDir)
	if err != nil {
		b.Fatal(err)
	}
	e, err := search.Open(ctx, analysis, search.OpenOptions{IndexDir: indexDir, Corpus: os.DirFS(corpusDir)})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	if err := e.Warm(ctx); err != nil { // as a server does before it answers
		b.Fatal(err)
	}
	mix := WithModes(Mix(c, analysis.Segmenter, MixOptions{PerKind: 10, Seed: 1}), e.Modes())
	for _, kind := range Kinds(mix) {
		var qs []Query
		for _, q := range mix {
			if q.Kind == kind {
				qs = append(qs, q)
			}
		}
		b.Run(strings.ReplaceAll(kind, " ", "_"), func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				q := qs[i%len(qs)]
				if q.Kind == KindSimilar {
					if _, err := e.Similar(ctx, search.SimilarRequest{ID: q.ID}); err != nil {
						b.Fatal(err)
					}
					continue
				}
				f := search.Filters{}
				if q.City != "" {
					f.Add(search.FacetCity, q.City)
				}
				if q.Year != 0 {
					f.Add(search.FacetYear, fmt.Sprint(q.Year))
				}
				// Every query is sent again and again: without NoCache
				// this would time the match cache, not the search.
				if _, err := e.Search(ctx, search.Request{Query: q.Text(), Filters: f, Mode: q.Mode, NoCache: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
