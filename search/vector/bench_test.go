package vector

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/policysearch/policysearch/analyzers"
)

// Benchmarks read their corpus from VECTOR_BENCH_CORPUS, a folder of .txt
// documents such as shared/bench/gen-corpus writes, one text per line of at
// least 20 characters (a provision); without it they recombine the seed
// passages into 20,000 texts. VECTOR_BENCH_TEXTS caps the number of texts.
// The tokenizer is the one the search engine uses: jieba words plus the
// character bigrams of the normalised text.

var benchCorpus = sync.OnceValues(func() ([]string, error) {
	var texts []string
	if dir := os.Getenv("VECTOR_BENCH_CORPUS"); dir != "" {
		files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
		if err != nil || len(files) == 0 {
			return nil, fmt.Errorf("corpus %s: %d files, %v", dir, len(files), err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			for line := range strings.Lines(string(data)) {
				if line = strings.TrimSpace(line); len([]rune(line)) >= 20 {
					texts = append(texts, line)
				}
			}
		}
	} else {
		seed := seedTexts(&testing.B{})
		var pool []string
		for _, s := range seed {
			pool = append(pool, sentences(s)...)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for range 20000 {
			var b strings.Builder
			for range 2 + rng.IntN(4) {
				b.WriteString(pool[rng.IntN(len(pool))])
			}
			texts = append(texts, b.String())
		}
	}
	if n, err := strconv.Atoi(os.Getenv("VECTOR_BENCH_TEXTS")); err == nil && n > 0 && n < len(texts) {
		texts = texts[:n]
	}
	return texts, nil
})

var benchTokenizer = sync.OnceValues(func() (Tokenizer, error) {
	seg, err := analyzers.NewSegmenter(analyzers.Config{})
	if err != nil {
		return nil, err
	}
	return func(text string) []string {
		return append(seg.Cut(text), analyzers.BigramTerms(analyzers.Normalize(text))...)
	}, nil
})

func benchSetup(b *testing.B) ([]string, Tokenizer) {
	b.Helper()
	texts, err := benchCorpus()
	if err != nil {
		b.Fatal(err)
	}
	tok, err := benchTokenizer()
	if err != nil {
		b.Fatal(err)
	}
	return texts, tok
}

func textBytes(texts []string) int {
	n := 0
	for _, t := range texts {
		n += len(t)
	}
	return n
}

// benchModel is a default model trained once for the embedding benchmarks.
var benchModel = sync.OnceValues(func() (*LSA, error) {
	texts, err := benchCorpus()
	if err != nil {
		return nil, err
	}
	tok, err := benchTokenizer()
	if err != nil {
		return nil, err
	}
	m, _, err := TrainLSA(context.Background(), texts, tok, LSAConfig{TokenizerID: "bench"})
	return m, err
})

// peakRSS is the process's peak resident memory in MB (Linux).
func peakRSS() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkTokenize is the tokenizer's share of training and embedding.
func BenchmarkTokenize(b *testing.B) {
	texts, tok := benchSetup(b)
	b.SetBytes(int64(textBytes(texts)))
	for b.Loop() {
		var wg sync.WaitGroup
		w := runtime.GOMAXPROCS(0)
		for p := range w {
			wg.Go(func() {
				for i := p; i < len(texts); i += w {
					tok(texts[i])
				}
			})
		}
		wg.Wait()
	}
	b.ReportMetric(float64(len(texts)), "texts")
}

// BenchmarkTrainLSA trains a default model on the whole corpus; run it with
// -benchtime=1x on a large corpus.
func BenchmarkTrainLSA(b *testing.B) {
	texts, tok := benchSetup(b)
	for _, cfg := range []LSAConfig{
		{},
		{PowerIters: 4},
	} {
		cfg.TokenizerID = "bench"
		name := fmt.Sprintf("dim=%d/iters=%d", cmpInt(cfg.Dim, DefaultLSADim), cmpInt(cfg.PowerIters, DefaultLSAPowerIters))
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(textBytes(texts)))
			var info LSAInfo
			cpu := cpuTime()
			for b.Loop() {
				m, _, err := TrainLSA(context.Background(), texts, tok, cfg)
				if err != nil {
					b.Fatal(err)
				}
				info = m.Info()
			}
			b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu_s")
			b.ReportMetric(float64(info.Docs), "texts")
			b.ReportMetric(float64(info.Terms), "terms")
			b.ReportMetric(float64(info.NNZ), "nnz")
			b.ReportMetric(info.CountTime.Seconds(), "count_s")
			b.ReportMetric(info.MatrixTime.Seconds(), "matrix_s")
			b.ReportMetric(info.SVDTime.Seconds(), "svd_s")
			b.ReportMetric(info.ProjectTime.Seconds(), "project_s")
			b.ReportMetric(peakRSS(), "peakRSS_MB")
		})
	}
}

func cmpInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// BenchmarkLSAEmbed folds the corpus's texts in, batches of 256 as
// Index.AddTexts sends them.
func BenchmarkLSAEmbed(b *testing.B) {
	texts, _ := benchSetup(b)
	m, err := benchModel()
	if err != nil {
		b.Fatal(err)
	}
	texts = texts[:min(len(texts), 20000)]
	b.SetBytes(int64(textBytes(texts)))
	for b.Loop() {
		for lo := 0; lo < len(texts); lo += 256 {
			if _, err := m.Embed(context.Background(), texts[lo:min(lo+256, len(texts))]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(texts))*float64(b.N)/b.Elapsed().Seconds(), "texts/s")
}

// BenchmarkLSASaveLoad writes and reads the default model.
func BenchmarkLSASaveLoad(b *testing.B) {
	_, tok := benchSetup(b)
	m, err := benchModel()
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := m.Save(&buf); err != nil {
			b.Fatal(err)
		}
		if _, err := LoadLSA(bytes.NewReader(buf.Bytes()), tok); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/1e6, "model_MB")
}

func benchIndex(b *testing.B, n, dim int) *Index {
	b.Helper()
	rng := rand.New(rand.NewPCG(uint64(n), 3))
	ix := NewIndex("bench", dim)
	ix.Reserve(n)
	v := make([]float32, dim)
	for i := range n {
		for c := range v {
			v[c] = float32(rng.NormFloat64())
		}
		if err := ix.Add(fmt.Sprintf("d%05d-%03d", i/40, i%40), v); err != nil {
			b.Fatal(err)
		}
	}
	return ix
}

// BenchmarkIndexSearch is one top-10 query by exact scan, on all cores,
// over random vectors of the default dimension; "filtered" admits one id in
// two through keep.
func BenchmarkIndexSearch(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 200_000} {
		ix := benchIndex(b, n, DefaultLSADim)
		q := randomUnit(rand.New(rand.NewPCG(9, 9)), DefaultLSADim)
		odd := func(id string) bool { return id[len(id)-1]%2 == 1 }
		for _, tc := range []struct {
			name string
			keep func(string) bool
		}{{"all", nil}, {"filtered", odd}} {
			b.Run(fmt.Sprintf("n=%d/%s", n, tc.name), func(b *testing.B) {
				cpu := cpuTime()
				for b.Loop() {
					if hits, err := ix.Search(q, 10, tc.keep); err != nil || len(hits) != 10 {
						b.Fatal(len(hits), err)
					}
				}
				b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/1000/float64(b.N), "cpu_ms/op")
			})
		}
	}
}

// BenchmarkScan scores 200,000 vectors of the default dimension on one
// goroutine: float32 vectors by their kernel (what the index held
// before), the 8-bit codes the index holds by the kernel in use and by the
// portable Go loop, and the top 10 of a whole scan.
func BenchmarkScan(b *testing.B) {
	const n, dim = 200_000, DefaultLSADim
	ix := benchIndex(b, n, dim)
	rng := rand.New(rand.NewPCG(9, 9))
	q := randomUnit(rng, dim)
	qc, qs := queryCodes(q)
	slab := make([]float32, 0, n*dim)
	for range n {
		slab = append(slab, randomUnit(rng, dim)...)
	}
	out := make([]float32, n)
	sums := make([]int32, n)
	b.Run("float32", func(b *testing.B) {
		for b.Loop() {
			dots(q, slab, out)
		}
	})
	b.Run("codes", func(b *testing.B) {
		for b.Loop() {
			codedDots(qc, ix.codes, sums)
		}
	})
	b.Run("codes-go", func(b *testing.B) {
		for b.Loop() {
			codedDotsGo(qc, ix.codes, sums)
		}
	})
	b.Run("top10", func(b *testing.B) {
		for b.Loop() {
			t := topK{k: 10, ids: ix.ids}
			ix.scan(qc, qs, 0, n, nil, &t)
		}
	})
}

// BenchmarkIndexSaveLoad writes and reads 200,000 vectors of the default
// dimension (the size of the 100 MB corpus).
func BenchmarkIndexSaveLoad(b *testing.B) {
	ix := benchIndex(b, 200_000, DefaultLSADim)
	path := filepath.Join(b.TempDir(), "vectors.bin")
	var save, load time.Duration
	for b.Loop() {
		start := time.Now()
		if err := ix.Save(path, "fp"); err != nil {
			b.Fatal(err)
		}
		save += time.Since(start)
		start = time.Now()
		if _, _, err := LoadIndex(path); err != nil {
			b.Fatal(err)
		}
		load += time.Since(start)
	}
	st, _ := os.Stat(path)
	b.ReportMetric(float64(st.Size())/1e6, "file_MB")
	b.ReportMetric(save.Seconds()/float64(b.N), "save_s")
	b.ReportMetric(load.Seconds()/float64(b.N), "load_s")
}
