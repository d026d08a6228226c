package vector

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of LSAConfig.
const (
	DefaultLSADim        = 160
	DefaultLSAMinDF      = 2
	DefaultLSAMaxDFRatio = 0.5
	DefaultLSAMaxTerms   = 100_000
	DefaultLSAPowerIters = 2
)

// LSAConfig holds the parameters of latent semantic analysis. Zero fields
// take the defaults.
type LSAConfig struct {
	// Dim is the number of concepts (DefaultLSADim). Training caps it at
	// the corpus's size and numerical rank, so a model may come out
	// smaller; LSA.Dim reports what it got.
	Dim int
	// MinDF drops terms found in fewer texts (DefaultLSAMinDF): a term
	// seen once relates to nothing.
	MinDF int
	// MaxDFRatio drops terms found in more than this fraction of the texts
	// (DefaultLSAMaxDFRatio); 1 keeps them all. Such terms say little about
	// what sets a text apart and would dominate the first concepts.
	MaxDFRatio float64
	// MaxTerms bounds the vocabulary (DefaultLSAMaxTerms), keeping the
	// terms found in most texts; it bounds the model's size (MaxTerms×Dim
	// floats) and the training memory.
	MaxTerms int
	// Oversample is how many random directions beyond Dim the randomized
	// SVD tracks (default max(16, Dim/8)); more costs time and buys
	// accuracy of the last concepts.
	Oversample int
	// PowerIters is the number of power iterations (DefaultLSAPowerIters);
	// term-document matrices have slowly decaying spectra, which power
	// iterations sharpen. Negative means none.
	PowerIters int
	// Seed makes training reproducible (default 1).
	Seed uint64
	// TokenizerID names the tokenizer and its dictionaries. It becomes part
	// of the model ID, since the same model fed other tokens is another
	// model.
	TokenizerID string
	// Workers bounds the goroutines used (default GOMAXPROCS).
	Workers int
}

func (c LSAConfig) withDefaults() LSAConfig {
	if c.Dim <= 0 {
		c.Dim = DefaultLSADim
	}
	if c.MinDF <= 0 {
		c.MinDF = DefaultLSAMinDF
	}
	if c.MaxDFRatio <= 0 || c.MaxDFRatio > 1 {
		c.MaxDFRatio = DefaultLSAMaxDFRatio
	}
	if c.MaxTerms <= 0 {
		c.MaxTerms = DefaultLSAMaxTerms
	}
	if c.Oversample <= 0 {
		c.Oversample = max(16, c.Dim/8)
	}
	switch {
	case c.PowerIters == 0:
		c.PowerIters = DefaultLSAPowerIters
	case c.PowerIters < 0:
		c.PowerIters = 0
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.Workers <= 0 {
		c.Workers = defaultWorkers()
	}
	return c
}

// LSAInfo describes a trained model. Durations are known only after
// training, not after loading.
type LSAInfo struct {
	Docs     int       // training texts
	Terms    int       // vocabulary size
	NNZ      int       // non-zeros of the training matrix
	Dim      int       // concepts
	Singular []float32 // singular values, largest first
	// CountTime covers tokenising and counting, MatrixTime building the
	// weighted matrix, SVDTime the decomposition, ProjectTime the vectors
	// of the training texts.
	CountTime, MatrixTime, SVDTime, ProjectTime time.Duration
}

// LSA embeds texts by latent semantic analysis learned from the corpus
// itself: TF-IDF vectors (sublinear term frequency, smoothed inverse
// document frequency) projected onto the leading singular vectors of the
// training matrix. New texts are folded in by the same projection, so
// queries, new documents and training texts share one space without
// retraining. It is safe for concurrent use.
type LSA struct {
	tokenize Tokenizer
	cfg      LSAConfig // as trained; Workers is not part of the model
	vocab    []string
	terms    map[string]int32
	idf      []float32
	sigma    []float32
	dim      int
	v        []float32 // len(vocab)×dim, row j is term j's concept loadings
	info     LSAInfo
	id       string
}

var _ Embedder = (*LSA)(nil)

// ID names the model: its dimension and a hash of its parameters,
// tokenizer ID, vocabulary, weights and projection.
func (m *LSA) ID() string { return m.id }

// Dim is the number of concepts.
func (m *LSA) Dim() int { return m.dim }

// TokenizerID is the tokenizer name the model was trained with; a loaded
// model must be given the same tokenizer.
func (m *LSA) TokenizerID() string { return m.cfg.TokenizerID }

// Info describes the model.
func (m *LSA) Info() LSAInfo {
	i := m.info
	i.Singular = slices.Clone(i.Singular)
	return i
}

// Embed folds texts into the concept space: each text's TF-IDF vector over
// the training vocabulary times the term→concept matrix, normalised. Terms
// unknown to the model are ignored; a text without known terms gets a zero
// vector.
func (m *LSA) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	flat := make([]float32, len(texts)*m.dim)
	err := parallelFor(ctx, len(texts), m.cfg.Workers, 16, func(i int, sc *scratch) {
		vec := flat[i*m.dim : (i+1)*m.dim : (i+1)*m.dim]
		ids, w := m.weigh(m.tokenize(texts[i]), sc)
		m.project(ids, w, vec)
		out[i] = vec
	})
	if err != nil {
		return nil, fmt.Errorf("LSA embed: %w", err)
	}
	return out, nil
}

// scratch is per-goroutine working memory.
type scratch struct {
	ids []int32
	w   []float32
}

// weigh maps tokens to vocabulary ids, ascending and distinct, with their
// TF-IDF weights. The same code weighs training texts, so that folding in
// a training text reproduces its training row.
func (m *LSA) weigh(tokens []string, sc *scratch) ([]int32, []float32) {
	sc.ids = sc.ids[:0]
	for _, t := range tokens {
		if j, ok := m.terms[t]; ok {
			sc.ids = append(sc.ids, j)
		}
	}
	slices.Sort(sc.ids)
	sc.w = sc.w[:0]
	n := 0
	for p := 0; p < len(sc.ids); {
		q := p + 1
		for q < len(sc.ids) && sc.ids[q] == sc.ids[p] {
			q++
		}
		sc.ids[n] = sc.ids[p]
		sc.w = append(sc.w, tfidf(q-p, m.idf[sc.ids[p]]))
		n++
		p = q
	}
	sc.ids = sc.ids[:n]
	// Scaled like a training row, so that the projection's rounding is too.
	normalize(sc.w)
	return sc.ids, sc.w
}

// tfidf is the weight of a term found tf times in a text: sublinear term
// frequency times inverse document frequency.
func tfidf(tf int, idf float32) float32 {
	return float32((1 + math.Log(float64(tf))) * float64(idf))
}

// smoothIDF is ln((1+N)/(1+df)) + 1: as if one extra text held every term,
// so no weight is infinite and the commonest kept terms still count a
// little.
func smoothIDF(docs, df int) float32 {
	return float32(math.Log(float64(1+docs)/float64(1+df)) + 1)
}

// project writes the normalised concept vector of weighted terms into out.
func (m *LSA) project(ids []int32, w []float32, out []float32) {
	clear(out)
	d := m.dim
	out = out[:d]
	for p, j := range ids {
		row := m.v[int(j)*d : int(j)*d+d]
		c := w[p]
		t := 0
		for ; t+4 <= d; t += 4 {
			out[t] += c * row[t]
			out[t+1] += c * row[t+1]
			out[t+2] += c * row[t+2]
			out[t+3] += c * row[t+3]
		}
		for ; t < d; t++ {
			out[t] += c * row[t]
		}
	}
	if !normalize(out) {
		clear(out)
	}
}

// TrainLSA learns an LSA model from texts, one per unit that later becomes
// a vector (a provision). It also returns each training text's vector,
// identical to what Embed gives for that text, so that an index can be
// filled without tokenising the corpus twice. tokenize must be safe for
// concurrent use.
func TrainLSA(ctx context.Context, texts []string, tokenize Tokenizer, cfg LSAConfig) (*LSA, [][]float32, error) {
	m, vecs, _, err := trainLSA(ctx, texts, tokenize, cfg, false)
	return m, vecs, err
}

// trainLSA is TrainLSA that can also return the SVD (with left singular
// vectors) for tests.
func trainLSA(ctx context.Context, texts []string, tokenize Tokenizer, cfg LSAConfig, withU bool) (*LSA, [][]float32, *svdResult, error) {
	if tokenize == nil {
		return nil, nil, nil, errors.New("train LSA: no tokenizer")
	}
	if len(texts) < 2 {
		return nil, nil, nil, fmt.Errorf("train LSA: %d texts, need at least 2", len(texts))
	}
	cfg = cfg.withDefaults()
	m := &LSA{tokenize: tokenize, cfg: cfg}
	info := &m.info
	info.Docs = len(texts)

	start := time.Now()
	counts, err := countTerms(ctx, texts, tokenize, cfg.Workers)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("train LSA: %w", err)
	}
	info.CountTime = time.Since(start)

	start = time.Now()
	df := counts.selectVocabulary(m, cfg, len(texts))
	if len(m.vocab) < 2 {
		return nil, nil, nil, fmt.Errorf("train LSA: only %d terms occur in at least %d and at most %.0f%% of the %d texts", len(m.vocab), cfg.MinDF, 100*cfg.MaxDFRatio, len(texts))
	}
	m.idf = make([]float32, len(m.vocab))
	for j, f := range df {
		m.idf[j] = smoothIDF(len(texts), f)
	}
	a := counts.matrix(m, cfg.Workers)
	info.Terms, info.NNZ = len(m.vocab), a.nnz()
	if a.nnz() == 0 {
		return nil, nil, nil, errors.New("train LSA: no text holds a vocabulary term")
	}
	info.MatrixTime = time.Since(start)

	start = time.Now()
	svd, err := randomizedSVD(ctx, a, cfg.Dim, cfg.Oversample, cfg.PowerIters, cfg.Seed, cfg.Workers, withU)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("train LSA: %w", err)
	}
	m.dim = len(svd.s)
	if m.dim == 0 {
		return nil, nil, nil, errors.New("train LSA: the training matrix has rank 0")
	}
	m.cfg.Dim = m.dim
	m.sigma = make([]float32, m.dim)
	for i, s := range svd.s {
		m.sigma[i] = float32(s)
	}
	m.v = make([]float32, len(m.vocab)*m.dim)
	raw := svd.v.RawMatrix()
	for j := range len(m.vocab) {
		for c := range m.dim {
			m.v[j*m.dim+c] = float32(raw.Data[j*raw.Stride+c])
		}
	}
	info.Dim, info.Singular = m.dim, m.sigma
	info.SVDTime = time.Since(start)

	start = time.Now()
	vecs := make([][]float32, a.rows)
	flat := make([]float32, a.rows*m.dim)
	parallelRows(a, cfg.Workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			vecs[i] = flat[i*m.dim : (i+1)*m.dim : (i+1)*m.dim]
			m.project(a.idx[a.ptr[i]:a.ptr[i+1]], a.val[a.ptr[i]:a.ptr[i+1]], vecs[i])
		}
	})
	info.ProjectTime = time.Since(start)

	h := sha256.New()
	if err := m.writeBody(h); err != nil {
		return nil, nil, nil, fmt.Errorf("train LSA: hash model: %w", err)
	}
	m.id = lsaID(m.dim, h.Sum(nil))
	return m, vecs, svd, nil
}

func lsaID(dim int, sum []byte) string {
	return fmt.Sprintf("lsa-d%d-%s", dim, hex.EncodeToString(sum[:8]))
}

// termCounts holds the tokenised corpus: per worker a dictionary of the
// terms it met, and per text its distinct terms (in that worker's ids)
// with their counts. Counting locally avoids locking a shared dictionary
// on every token and keeps one tokenisation pass.
type termCounts struct {
	dicts  []map[string]int32
	dfs    [][]int32
	rows   [][]termCount
	worker []uint16 // which worker's ids rows[i] uses
}

type termCount struct {
	id    int32
	count int32
}

func countTerms(ctx context.Context, texts []string, tokenize Tokenizer, workers int) (*termCounts, error) {
	workers = max(1, min(workers, len(texts)))
	tc := &termCounts{
		dicts:  make([]map[string]int32, workers),
		dfs:    make([][]int32, workers),
		rows:   make([][]termCount, len(texts)),
		worker: make([]uint16, len(texts)),
	}
	const chunk = 64
	var next atomic.Int64
	var wg sync.WaitGroup
	var ctxErr atomic.Pointer[error]
	for w := range workers {
		wg.Go(func() {
			dict := make(map[string]int32)
			var df []int32
			var ids []int32
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= len(texts) {
					break
				}
				if err := ctx.Err(); err != nil {
					ctxErr.Store(&err)
					break
				}
				for i := lo; i < min(lo+chunk, len(texts)); i++ {
					ids = ids[:0]
					for _, t := range tokenize(texts[i]) {
						id, ok := dict[t]
						if !ok {
							id = int32(len(dict))
							dict[t] = id
							df = append(df, 0)
						}
						ids = append(ids, id)
					}
					slices.Sort(ids)
					var row []termCount
					for p := 0; p < len(ids); {
						q := p + 1
						for q < len(ids) && ids[q] == ids[p] {
							q++
						}
						row = append(row, termCount{ids[p], int32(q - p)})
						df[ids[p]]++
						p = q
					}
					tc.rows[i] = row
					tc.worker[i] = uint16(w)
				}
			}
			tc.dicts[w], tc.dfs[w] = dict, df
		})
	}
	wg.Wait()
	if e := ctxErr.Load(); e != nil {
		return nil, *e
	}
	return tc, nil
}

// selectVocabulary sets m.vocab and m.terms to the kept terms, most
// frequent first (ties by term, so that ids do not depend on scheduling),
// and returns their document frequencies. Frequent terms then have
// neighbouring rows in the term-side matrices, which keeps the rows most
// sparse products touch on few memory pages.
func (tc *termCounts) selectVocabulary(m *LSA, cfg LSAConfig, docs int) []int {
	total := make(map[string]int)
	for w, dict := range tc.dicts {
		for t, id := range dict {
			total[t] += int(tc.dfs[w][id])
		}
	}
	maxDF := int(math.Floor(cfg.MaxDFRatio * float64(docs)))
	type termDF struct {
		term string
		df   int
	}
	var kept []termDF
	for t, f := range total {
		if f >= cfg.MinDF && f <= maxDF {
			kept = append(kept, termDF{t, f})
		}
	}
	slices.SortFunc(kept, func(a, b termDF) int {
		return cmp.Or(cmp.Compare(b.df, a.df), cmp.Compare(a.term, b.term))
	})
	kept = kept[:min(len(kept), cfg.MaxTerms)]
	m.vocab = make([]string, len(kept))
	m.terms = make(map[string]int32, len(kept))
	df := make([]int, len(kept))
	for j, k := range kept {
		m.vocab[j], df[j] = k.term, k.df
		m.terms[k.term] = int32(j)
	}
	return df
}

// matrix builds the weighted, row-normalised term-document matrix over the
// vocabulary of m. Row normalisation keeps long texts from dominating the
// decomposition; it does not change the direction of a projected text.
func (tc *termCounts) matrix(m *LSA, workers int) *csr {
	remap := make([][]int32, len(tc.dicts))
	for w, dict := range tc.dicts {
		r := make([]int32, len(dict))
		for t, id := range dict {
			g, ok := m.terms[t]
			if !ok {
				g = -1
			}
			r[id] = g
		}
		remap[w] = r
	}
	a := &csr{rows: len(tc.rows), cols: len(m.vocab), ptr: make([]int, len(tc.rows)+1)}
	for i, row := range tc.rows {
		r := remap[tc.worker[i]]
		n := 0
		for _, e := range row {
			if r[e.id] >= 0 {
				n++
			}
		}
		a.ptr[i+1] = a.ptr[i] + n
	}
	a.idx = make([]int32, a.ptr[len(tc.rows)])
	a.val = make([]float32, len(a.idx))
	parallelRows(a, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			r := remap[tc.worker[i]]
			ids, vals := a.idx[a.ptr[i]:a.ptr[i+1]], a.val[a.ptr[i]:a.ptr[i+1]]
			n := 0
			for _, e := range tc.rows[i] {
				if g := r[e.id]; g >= 0 {
					ids[n] = g
					vals[n] = float32(e.count) // weighed below, once sorted
					n++
				}
			}
			sortPairs(ids, vals)
			for p, j := range ids {
				vals[p] = tfidf(int(vals[p]), m.idf[j])
			}
			normalize(vals)
		}
	})
	return a
}

// sortPairs sorts ids ascending, moving vals along.
func sortPairs(ids []int32, vals []float32) {
	type pair struct {
		id  int32
		val float32
	}
	ps := make([]pair, len(ids))
	for i := range ids {
		ps[i] = pair{ids[i], vals[i]}
	}
	slices.SortFunc(ps, func(a, b pair) int { return cmp.Compare(a.id, b.id) })
	for i, p := range ps {
		ids[i], vals[i] = p.id, p.val
	}
}

// parallelFor calls fn for 0 ≤ i < n on up to workers goroutines, each
// with its own scratch, handing out chunks of indices and stopping early
// when ctx ends.
func parallelFor(ctx context.Context, n, workers, chunk int, fn func(i int, sc *scratch)) error {
	if n == 0 {
		return ctx.Err()
	}
	workers = max(1, min(workers, (n+chunk-1)/chunk))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var sc scratch
			for ctx.Err() == nil {
				lo := int(next.Add(int64(chunk))) - chunk
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+chunk, n); i++ {
					fn(i, &sc)
				}
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}
