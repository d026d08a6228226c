package vector

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Neighbour is an indexed vector found near a query: its id and cosine
// similarity.
type Neighbour struct {
	ID    string  `json:"id"`
	Score float32 `json:"score"`
}

// parallelScan is the number of multiply-adds from which Search splits the
// scan over cores: below it, starting goroutines costs more than it saves.
const parallelScan = 1 << 19

// Index holds one unit-length vector per id, coded in 8 bits (see
// quantize), and finds the nearest by exact scan of the codes. Codes lie
// in one contiguous slab, so a scan reads memory in order. It is safe for
// concurrent use: searches run in parallel with each other and wait for a
// writer.
type Index struct {
	mu         sync.RWMutex
	embedderID string
	dim        int
	ids        []string
	pos        map[string]int
	codes      []byte    // len(ids)×dim signed 8-bit codes
	scales     []float32 // per vector: component ≈ scale·code
	// byDoc lists the positions of each document's vectors, an id
	// "doc-NNN" being of document "doc", for searches within documents.
	byDoc map[string][]int32
}

// NewIndex returns an empty index for vectors of dim dimensions made by the
// embedder named embedderID. A dim of 0 takes the length of the first
// vector added, for embedders that learn their dimension from a service.
func NewIndex(embedderID string, dim int) *Index {
	return &Index{embedderID: embedderID, dim: dim, pos: make(map[string]int), byDoc: make(map[string][]int32)}
}

// EmbedderID names the embedder whose vectors the index holds.
func (ix *Index) EmbedderID() string { return ix.embedderID }

// Dim is the length of the vectors (0 while a dimension still to be learnt
// is unknown).
func (ix *Index) Dim() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.dim
}

// Len is the number of vectors.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.ids)
}

// Has reports whether id has a vector.
func (ix *Index) Has(id string) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	_, ok := ix.pos[id]
	return ok
}

// Add stores v under id, replacing any earlier vector of id. v is copied
// and scaled to unit length; a zero vector (a text the embedder knew
// nothing of) is kept as zero and scores 0 against every query.
func (ix *Index) Add(id string, v []float32) error {
	for _, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return fmt.Errorf("add vector %q: not finite", id)
		}
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.dim == 0 && len(ix.ids) == 0 {
		ix.dim = len(v)
	}
	if len(v) != ix.dim || len(v) == 0 || len(v) > maxCodedDim {
		return fmt.Errorf("add vector %q: %d dimensions, index has %d (at most %d)", id, len(v), ix.dim, maxCodedDim)
	}
	p, ok := ix.pos[id]
	if !ok {
		p = len(ix.ids)
		ix.ids = append(ix.ids, id)
		ix.codes = append(ix.codes, make([]byte, ix.dim)...)
		ix.scales = append(ix.scales, 0)
		ix.pos[id] = p
		doc := docOf(id)
		ix.byDoc[doc] = append(ix.byDoc[doc], int32(p))
	}
	unit := slices.Clone(v)
	if !normalize(unit) {
		clear(unit)
	}
	ix.scales[p] = quantize(unit, ix.codes[p*ix.dim:(p+1)*ix.dim])
	return nil
}

// Reserve makes room for n more vectors, sparing the copies of a growing
// slab when many are added at once.
func (ix *Index) Reserve(n int) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.codes = slices.Grow(ix.codes, n*ix.dim)
	ix.scales = slices.Grow(ix.scales, n)
	ix.ids = slices.Grow(ix.ids, n)
}

// AddTexts embeds texts with e in batches and stores each vector under the
// id at the same position. e must be the embedder the index was made for.
func (ix *Index) AddTexts(ctx context.Context, e Embedder, ids, texts []string) error {
	if len(ids) != len(texts) {
		return fmt.Errorf("add texts: %d ids for %d texts", len(ids), len(texts))
	}
	if e.ID() != ix.embedderID {
		return fmt.Errorf("add texts: embedder %q, index holds vectors of %q", e.ID(), ix.embedderID)
	}
	const batch = 256
	ix.Reserve(len(texts))
	for lo := 0; lo < len(texts); lo += batch {
		hi := min(lo+batch, len(texts))
		vecs, err := e.Embed(ctx, texts[lo:hi])
		if err != nil {
			return fmt.Errorf("add texts: %w", err)
		}
		for i, v := range vecs {
			if err := ix.Add(ids[lo+i], v); err != nil {
				return fmt.Errorf("add texts: %w", err)
			}
		}
	}
	return nil
}

// Remove deletes the vector of id and reports whether there was one.
func (ix *Index) Remove(id string) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	p, ok := ix.pos[id]
	if ok {
		ix.removeAt(p)
	}
	return ok
}

// RemovePrefix deletes every vector whose id starts with prefix (the
// provisions of one document share the prefix "docid-") and returns how
// many it deleted.
func (ix *Index) RemovePrefix(prefix string) int {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	n := 0
	for p := len(ix.ids) - 1; p >= 0; p-- {
		if strings.HasPrefix(ix.ids[p], prefix) {
			ix.removeAt(p)
			n++
		}
	}
	return n
}

// removeAt moves the last vector into slot p. Order in the slab carries no
// meaning: search results are ordered by score and id.
func (ix *Index) removeAt(p int) {
	last := len(ix.ids) - 1
	delete(ix.pos, ix.ids[p])
	ix.unlist(docOf(ix.ids[p]), p, -1)
	if p != last {
		ix.unlist(docOf(ix.ids[last]), last, p)
		ix.ids[p] = ix.ids[last]
		ix.pos[ix.ids[p]] = p
		copy(ix.codes[p*ix.dim:(p+1)*ix.dim], ix.codes[last*ix.dim:])
		ix.scales[p] = ix.scales[last]
	}
	ix.ids[last] = ""
	ix.ids = ix.ids[:last]
	ix.codes = ix.codes[:last*ix.dim]
	ix.scales = ix.scales[:last]
}

// unlist replaces position from by to in doc's list (to < 0: removes it).
func (ix *Index) unlist(doc string, from, to int) {
	l := ix.byDoc[doc]
	i := slices.Index(l, int32(from))
	if i < 0 {
		return
	}
	if to >= 0 {
		l[i] = int32(to)
		return
	}
	l = slices.Delete(l, i, i+1)
	if len(l) == 0 {
		delete(ix.byDoc, doc)
		return
	}
	ix.byDoc[doc] = l
}

// docOf is the document of a vector's id: what comes before its last "-"
// (a provision "doc-012" is of document "doc"), or the whole id.
func docOf(id string) string {
	if i := strings.LastIndexByte(id, '-'); i >= 0 {
		return id[:i]
	}
	return id
}

// Vector returns the vector of id as the index holds it (its codes
// scaled back).
func (ix *Index) Vector(id string) ([]float32, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	p, ok := ix.pos[id]
	if !ok {
		return nil, false
	}
	out := make([]float32, ix.dim)
	for i, c := range ix.codes[p*ix.dim : (p+1)*ix.dim] {
		out[i] = ix.scales[p] * float32(int8(c))
	}
	return out, true
}

// Similarity returns the cosine of q (unit length) and the vector of id,
// for scoring candidates found otherwise.
func (ix *Index) Similarity(q []float32, id string) (float32, bool) {
	s, ok := ix.Similarities(q, []string{id})[id]
	return s, ok
}

// Similarities returns the cosines of q (unit length) and the vectors of
// ids, for scoring candidates found otherwise; ids without a vector are
// left out. q is coded once for them all.
func (ix *Index) Similarities(q []float32, ids []string) map[string]float32 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make(map[string]float32, len(ids))
	if len(q) != ix.dim {
		return out
	}
	qc, qs := queryCodes(q)
	for _, id := range ids {
		if p, ok := ix.pos[id]; ok {
			out[id] = float32(codedDot(qc, ix.codes[p*ix.dim:(p+1)*ix.dim])) * qs * ix.scales[p]
		}
	}
	return out
}

// queryOf codes q, scaled to unit length, for a search of the k nearest;
// nil codes: nothing to find (an empty index, k ≤ 0 or a zero q). The
// caller holds the read lock.
func (ix *Index) queryOf(q []float32, k int) ([]int16, float32, error) {
	if len(ix.ids) == 0 || k <= 0 {
		return nil, 0, nil
	}
	if len(q) != ix.dim {
		return nil, 0, fmt.Errorf("search: %w: query has %d, index %d", ErrDim, len(q), ix.dim)
	}
	u := slices.Clone(q)
	if !normalize(u) {
		return nil, 0, nil
	}
	qc, qs := queryCodes(u)
	return qc, qs, nil
}

// ErrDim reports a query of the wrong length.
var ErrDim = errors.New("vector dimension mismatch")

// Search returns the k vectors most similar to q by cosine, best first,
// ties broken by id. q is scaled to unit length; a zero q finds nothing.
// keep, when not nil, admits ids; it is called only for vectors that would
// enter the current top k, from several goroutines at once on a large
// index, so it must be safe for concurrent use; it runs under the index's
// read lock and must not call the index.
func (ix *Index) Search(q []float32, k int, keep func(id string) bool) ([]Neighbour, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	qc, qs, err := ix.queryOf(q, k)
	if qc == nil {
		return nil, err
	}
	n := len(ix.ids)
	workers := 1
	if n*ix.dim >= parallelScan {
		workers = min(runtime.GOMAXPROCS(0), n/1024+1)
	}
	tops := make([]topK, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*n/workers, (w+1)*n/workers
		tops[w] = topK{k: k, ids: ix.ids}
		if workers == 1 {
			ix.scan(qc, qs, lo, hi, keep, &tops[w])
			continue
		}
		wg.Go(func() { ix.scan(qc, qs, lo, hi, keep, &tops[w]) })
	}
	wg.Wait()
	var all []hit
	for _, t := range tops {
		all = append(all, t.h...)
	}
	return ix.neighbours(all, k), nil
}

// neighbours returns the best k of hits, best first, ties by id.
func (ix *Index) neighbours(hits []hit, k int) []Neighbour {
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(b.score, a.score), strings.Compare(ix.ids[a.pos], ix.ids[b.pos]))
	})
	hits = hits[:min(k, len(hits))]
	out := make([]Neighbour, len(hits))
	for i, h := range hits {
		out[i] = Neighbour{ID: ix.ids[h.pos], Score: h.score}
	}
	return out
}

// scanChunk is how many vectors scan scores in one call of the kernel:
// enough to spread the call's cost, few enough for the scores to stay in
// the core's first cache.
const scanChunk = 512

// scan offers the vectors at positions [lo, hi) to t, scored against the
// query's codes q of scale qs.
func (ix *Index) scan(q []int16, qs float32, lo, hi int, keep func(string) bool, t *topK) {
	d := ix.dim
	var sums [scanChunk]int32
	// floor is the lowest score kept once t is full: most vectors score
	// below it and are passed over with one comparison.
	floor := float32(math.Inf(-1))
	for start := lo; start < hi; start += scanChunk {
		end := min(start+scanChunk, hi)
		codedDots(q, ix.codes[start*d:end*d], sums[:end-start])
		for i, sum := range sums[:end-start] {
			p := start + i
			s := float32(sum) * qs * ix.scales[p]
			if s < floor || !t.wants(s, p) {
				continue
			}
			if keep != nil && !keep(ix.ids[p]) {
				continue
			}
			t.push(hit{score: s, pos: p})
			if len(t.h) == t.k {
				floor = t.h[0].score
			}
		}
	}
}

type hit struct {
	score float32
	pos   int
}

// topK keeps the k best hits in a min-heap whose root is the worst kept:
// lower score, or equal score and greater id.
type topK struct {
	k   int
	h   []hit
	ids []string
}

func (t *topK) worse(a, b hit) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return t.ids[a.pos] > t.ids[b.pos]
}

// wants reports whether a hit of score s at pos would enter the top k.
func (t *topK) wants(s float32, pos int) bool {
	if len(t.h) < t.k {
		return true
	}
	root := t.h[0]
	return s > root.score || (s == root.score && t.ids[pos] < t.ids[root.pos])
}

func (t *topK) push(x hit) {
	if len(t.h) < t.k {
		t.h = append(t.h, x)
		for i := len(t.h) - 1; i > 0; {
			parent := (i - 1) / 2
			if !t.worse(t.h[i], t.h[parent]) {
				break
			}
			t.h[i], t.h[parent] = t.h[parent], t.h[i]
			i = parent
		}
		return
	}
	t.h[0] = x
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(t.h) && t.worse(t.h[l], t.h[m]) {
			m = l
		}
		if r < len(t.h) && t.worse(t.h[r], t.h[m]) {
			m = r
		}
		if m == i {
			return
		}
		t.h[i], t.h[m] = t.h[m], t.h[i]
		i = m
	}
}

// SearchDocs is Search over the vectors of the documents docs alone (see
// docOf; documents without vectors are passed over): a filtered search
// finds the nearest within its filter instead of filtering the nearest of
// all, and reads only the vectors it names. Their codes are gathered into
// runs, so that the kernel is called once a run.
func (ix *Index) SearchDocs(q []float32, k int, docs []string, keep func(id string) bool) ([]Neighbour, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	qc, qs, err := ix.queryOf(q, k)
	if qc == nil || len(docs) == 0 {
		return nil, err
	}
	d := ix.dim
	t := topK{k: k, ids: ix.ids}
	var (
		pos   [scanChunk]int32
		codes = make([]byte, scanChunk*d)
		sums  [scanChunk]int32
	)
	flush := func(n int) {
		codedDots(qc, codes[:n*d], sums[:n])
		for i, sum := range sums[:n] {
			p := int(pos[i])
			s := float32(sum) * qs * ix.scales[p]
			if !t.wants(s, p) || (keep != nil && !keep(ix.ids[p])) {
				continue
			}
			t.push(hit{score: s, pos: p})
		}
	}
	n := 0
	for _, doc := range docs {
		for _, p := range ix.byDoc[doc] {
			pos[n] = p
			copy(codes[n*d:(n+1)*d], ix.codes[int(p)*d:(int(p)+1)*d])
			if n++; n == scanChunk {
				flush(n)
				n = 0
			}
		}
	}
	flush(n)
	return ix.neighbours(t.h, k), nil
}
