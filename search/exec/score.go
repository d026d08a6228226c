package exec

import (
	"fmt"
	"math"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	index "github.com/blevesearch/bleve_index_api"
)

// Score scores every provision of docs, each of which matches q, as
// bleve's searchers would, but a part of the query at a time: each term's
// postings are read once as arrays and merged with the matches, and each
// compound part adds up its parts' score arrays. bleve's searchers hand a
// match from searcher to searcher, which for a common term costs several
// times what adding up its postings does. r is the reader of the state
// the sets are of, reading decoded postings (Decoding).
//
// ok is false when q holds a part Score does not know how bleve scores
// (the caller walks q then), or when a provision of docs turned out not
// to match q.
func (s *Sets) Score(r index.IndexReader, q query.Query, docs *roaring.Bitmap) (m *Matches, ok bool, err error) {
	if !Scorable(q) {
		return nil, false, nil
	}
	sc := &scoring{sets: s, r: r, set: docs, docs: docs.ToArray(), model: scoringModel(s.m)}
	defer sc.close()
	root, err := sc.plan(q)
	if err != nil {
		return nil, false, err
	}
	if normed(root) {
		root.setNorm(1 / math.Sqrt(root.weight()))
	}
	out := sc.vec()
	if err := root.score(sc, out); err != nil {
		return nil, false, err
	}
	if len(out.idx) != len(sc.docs) {
		return nil, false, nil
	}
	return &Matches{docs: sc.docs, scores: out.s}, true, nil
}

// Scorable reports whether Score knows every part of q.
func Scorable(q query.Query) bool {
	switch q := q.(type) {
	case *query.TermQuery:
		return q.Field() != ""
	case *query.DisjunctionQuery:
		return len(q.Disjuncts) > 0 && !slices.ContainsFunc(q.Disjuncts, notScorable)
	case *query.ConjunctionQuery:
		return len(q.Conjuncts) > 0 && !slices.ContainsFunc(q.Conjuncts, notScorable)
	case *query.BooleanQuery:
		should, isDisj := q.Should.(*query.DisjunctionQuery)
		return q.Must != nil && Scorable(q.Must) &&
			(q.Should == nil || isDisj && should.Min == 0 && Scorable(should))
	case *query.PhraseQuery:
		return plainPhrase(q)
	case *scaledQuery:
		return Scorable(q.child)
	case *constantQuery:
		return true // its matches come from the sets
	}
	return false
}

func notScorable(q query.Query) bool { return !Scorable(q) }

// scoring is one Score call: the matches scored and the arrays in use.
type scoring struct {
	sets  *Sets
	r     index.IndexReader
	set   *roaring.Bitmap
	docs  []uint32
	model string
	free  []*scores
	// freeCounts are cleared arrays of counts, one per match.
	freeCounts [][]uint16
	open       []index.TermFieldReader
	// stats holds the BM25 statistics of each field read.
	stats map[string]fieldStats
}

type fieldStats struct {
	docs   uint64
	avgLen float64
}

// scores holds a part's score for each of the matches scored, whether the
// part matches it, and which it matches (idx, each once): a part held by
// few of the matches (a term the query was widened with) costs its
// parent as many steps, not one for every match.
type scores struct {
	s   []float64
	hit []bool
	idx []int32
}

// add marks match i as hit, scoring s.
func (v *scores) add(i int, s float64) {
	v.hit[i], v.s[i] = true, s
	v.idx = append(v.idx, int32(i))
}

// vec returns cleared arrays for a part's scores.
func (sc *scoring) vec() *scores {
	if n := len(sc.free); n > 0 {
		v := sc.free[n-1]
		sc.free = sc.free[:n-1]
		return v
	}
	return &scores{s: make([]float64, len(sc.docs)), hit: make([]bool, len(sc.docs))}
}

// release clears v's entries and keeps it for reuse.
func (sc *scoring) release(v *scores) {
	for _, i := range v.idx {
		v.s[i], v.hit[i] = 0, false
	}
	v.idx = v.idx[:0]
	sc.free = append(sc.free, v)
}

// counts returns a cleared array of a count per match; the caller clears
// what it used and hands it back to freeCounts.
func (sc *scoring) counts() []uint16 {
	if n := len(sc.freeCounts); n > 0 {
		c := sc.freeCounts[n-1]
		sc.freeCounts = sc.freeCounts[:n-1]
		return c
	}
	return make([]uint16, len(sc.docs))
}

// within returns a scoring of the matches of set, which are among sc's.
func (sc *scoring) within(set *roaring.Bitmap) *scoring {
	return &scoring{sets: sc.sets, r: sc.r, set: set, docs: set.ToArray(), model: sc.model, stats: sc.stats}
}

func (sc *scoring) close() {
	for _, t := range sc.open {
		_ = t.Close()
	}
}

// part is one part of the query, scored as bleve's searcher for it would
// score: weight and setNorm are the searcher's Weight and SetQueryNorm,
// through which bleve normalises the term scores of a query.
type part interface {
	weight() float64
	setNorm(float64)
	score(sc *scoring, out *scores) error
}

// normed reports whether bleve normalises the query p is the top of: a
// compound searcher does, a term searcher on its own keeps its raw score.
func normed(p part) bool {
	switch p := p.(type) {
	case *scaledPart:
		return normed(p.child)
	case *termPart, *constantPart:
		return false
	}
	return true
}

// plan makes the parts of q, which Scorable has checked.
func (sc *scoring) plan(q query.Query) (part, error) {
	switch q := q.(type) {
	case *query.TermQuery:
		return sc.term(q.Field(), q.Term, q.Boost())
	case *query.DisjunctionQuery:
		parts, err := sc.plans(q.Disjuncts)
		return &disjunctionPart{parts: parts, min: int(q.Min)}, err
	case *query.ConjunctionQuery:
		parts, err := sc.plans(q.Conjuncts)
		return &conjunctionPart{q: q, parts: parts}, err
	case *query.BooleanQuery:
		must, err := sc.plan(q.Must)
		if err != nil {
			return nil, err
		}
		b := &booleanPart{must: must, not: q.MustNot}
		if q.Should != nil {
			if b.should, err = sc.plan(q.Should); err != nil {
				return nil, err
			}
		}
		return b, nil
	case *query.PhraseQuery:
		p := &phrasePart{q: q}
		for _, term := range q.Terms {
			t, err := sc.term(q.Field(), term, q.Boost())
			if err != nil {
				return nil, err
			}
			p.terms = append(p.terms, t)
		}
		return p, nil
	case *scaledQuery:
		child, err := sc.plan(q.child)
		return &scaledPart{child: child, boost: q.boost}, err
	case *constantQuery:
		return &constantPart{q: q.child, boost: q.boost}, nil
	}
	return nil, fmt.Errorf("score: %T is not scored a part at a time", q)
}

func (sc *scoring) plans(qs []query.Query) ([]part, error) {
	parts := make([]part, 0, len(qs))
	for _, q := range qs {
		p, err := sc.plan(q)
		if err != nil {
			return nil, err
		}
		parts = append(parts, p)
	}
	return parts, nil
}

// term opens a term's postings and works out its weight as bleve's term
// searcher does.
func (sc *scoring) term(field, term string, boost float64) (*termPart, error) {
	tfr, err := sc.r.TermFieldReader(sc.sets.ctx, []byte(term), field, true, true, false)
	if err != nil {
		return nil, fmt.Errorf("read %s:%s: %w", field, term, err)
	}
	// A term with too few postings for the reader to decode is decoded all
	// the same when the matches to score are many for its postings: merged
	// with them as arrays rather than stepped through. For a few matches (a
	// filtered search) stepping costs less than decoding, and the decoded
	// postings of rarer terms would crowd common ones out of the cache.
	if dr, ok := sc.r.(*decodingReader); ok {
		if _, decoded := tfr.(*TermReader); !decoded && tfr.Count() >= ScoreDecodeMinPostings && uint64(len(sc.docs))*8 >= tfr.Count() {
			more, err := dr.from(ScoreDecodeMinPostings).TermFieldReader(sc.sets.ctx, []byte(term), field, true, true, false)
			if err != nil {
				_ = tfr.Close()
				return nil, fmt.Errorf("read %s:%s: %w", field, term, err)
			}
			_ = tfr.Close()
			tfr = more
		}
	}
	sc.open = append(sc.open, tfr)
	st, err := sc.fieldStats(field)
	if err != nil {
		return nil, err
	}
	t := &termPart{tfr: tfr, boost: boost, avgLen: st.avgLen, queryWeight: 1}
	df := float64(tfr.Count())
	if st.avgLen > 0 {
		t.idf = math.Log(1 + (float64(st.docs)-df+0.5)/(df+0.5))
	} else {
		t.idf = 1 + math.Log(float64(st.docs)/(df+1))
	}
	return t, nil
}

// fieldStats returns a field's BM25Stats under the index's scoring model
// (no average: tf-idf scoring), once per Score call.
func (sc *scoring) fieldStats(field string) (fieldStats, error) {
	if st, ok := sc.stats[field]; ok {
		return st, nil
	}
	n, avgLen, err := BM25Stats(sc.r, field)
	if err != nil {
		return fieldStats{}, err
	}
	st := fieldStats{docs: n}
	if sc.model == index.BM25Scoring {
		st.avgLen = avgLen
	}
	if sc.stats == nil {
		sc.stats = map[string]fieldStats{}
	}
	sc.stats[field] = st
	return st, nil
}

// BM25Stats returns what bleve's BM25 reads of field in the state r reads:
// the number of documents, of every kind, and their mean length in the
// field rounded up; the mean is 0 when r keeps no field lengths or none
// in the field (bleve then scores by tf-idf).
func BM25Stats(r index.IndexReader, field string) (docs uint64, avgLen float64, err error) {
	if docs, err = r.DocCount(); err != nil {
		return 0, 0, fmt.Errorf("count documents: %w", err)
	}
	var card int
	if br, ok := r.(index.BM25Reader); ok {
		if card, err = br.FieldCardinality(field); err != nil {
			return 0, 0, fmt.Errorf("length of %s: %w", field, err)
		}
	}
	if docs > 0 || card > 0 {
		avgLen = math.Ceil(float64(card) / float64(docs))
	}
	return docs, avgLen, nil
}

// termPart is a term searcher's score: BM25 of the posting, times the
// term's weight in the normalised query.
type termPart struct {
	tfr         index.TermFieldReader
	boost, idf  float64
	avgLen      float64
	queryWeight float64
}

func (t *termPart) weight() float64 { w := t.boost * t.idf; return w * w }

func (t *termPart) setNorm(n float64) { t.queryWeight = t.boost * t.idf * n }

// posting scores a posting as bleve's term scorer does, in the same order
// of operations, so that the scores are the same to the bit.
func (t *termPart) posting(freq uint64, norm float64) float64 {
	var tf float64
	if freq < scorer.MaxSqrtCache {
		tf = scorer.SqrtCache[freq]
	} else {
		tf = math.Sqrt(float64(freq))
	}
	var score float64
	if t.avgLen > 0 {
		fieldLength := 1 / (norm * norm)
		score = t.idf * (tf * bsearch.BM25_k1) /
			(tf + bsearch.BM25_k1*(1-bsearch.BM25_b+(bsearch.BM25_b*fieldLength/t.avgLen)))
	} else {
		score = tf * norm * t.idf
	}
	if t.queryWeight != 1 {
		score *= t.queryWeight
	}
	return score
}

// score merges the term's postings with the matches: decoded postings as
// arrays, a rare term's through its reader.
func (t *termPart) score(sc *scoring, out *scores) error {
	if err := sc.sets.ctx.Err(); err != nil {
		return fmt.Errorf("search: %w", err)
	}
	docs := sc.docs
	if tr, ok := t.tfr.(*TermReader); ok {
		for _, p := range tr.parts {
			lo, _ := slices.BinarySearch(docs, uint32(p.start))
			hi, _ := slices.BinarySearch(docs, uint32(p.end))
			start := uint32(p.start)
			pd := p.p.docs
			i, j := lo, 0
			for i < hi && j < len(pd) {
				c, d := docs[i]-start, pd[j]
				switch {
				case c == d:
					out.add(i, t.posting(uint64(p.p.freqs[j]), float64(p.p.norms[j])))
					i, j = i+1, j+1
				case c < d:
					i = gallop(docs[:hi], i, d+start)
				default:
					j = gallop(pd, j, c)
				}
			}
		}
		return nil
	}
	var tfd index.TermFieldDoc
	i := 0
	for i < len(docs) {
		p, err := t.tfr.Next(&tfd)
		if err != nil {
			return fmt.Errorf("read postings: %w", err)
		}
		if p == nil {
			break
		}
		n := p.ID.Value()
		if n > math.MaxUint32 {
			return fmt.Errorf("document number %d is past what match sets hold", n)
		}
		if i = gallop(docs, i, uint32(n)); i < len(docs) && uint64(docs[i]) == n {
			out.add(i, t.posting(p.Freq, p.Norm))
			i++
		}
	}
	return nil
}

// disjunctionPart matches where at least min of its parts do (one, when
// min is zero), scoring their sum times the share of parts matched.
type disjunctionPart struct {
	parts []part
	min   int
}

func (d *disjunctionPart) weight() float64 { return sumWeights(d.parts) }

func (d *disjunctionPart) setNorm(n float64) { setNorms(d.parts, n) }

func (d *disjunctionPart) score(sc *scoring, out *scores) error {
	// out.s adds up the parts' scores and count how many matched, over
	// the matches touched by any.
	count := sc.counts()
	var touched []int32
	for _, p := range d.parts {
		v := sc.vec()
		if err := p.score(sc, v); err != nil {
			return err
		}
		for _, i := range v.idx {
			if count[i] == 0 {
				touched = append(touched, i)
			}
			count[i]++
			out.s[i] += v.s[i]
		}
		sc.release(v)
	}
	need, total := max(1, d.min), float64(len(d.parts))
	for _, i := range touched {
		if c := count[i]; int(c) >= need {
			out.add(int(i), out.s[i]*(float64(c)/total))
		} else {
			out.s[i] = 0
		}
		count[i] = 0
	}
	sc.freeCounts = append(sc.freeCounts, count)
	return nil
}

// conjunctionPart matches where all its parts do, scoring their sum.
type conjunctionPart struct {
	q     *query.ConjunctionQuery
	parts []part
}

func (c *conjunctionPart) weight() float64 { return sumWeights(c.parts) }

func (c *conjunctionPart) setNorm(n float64) { setNorms(c.parts, n) }

// score scores the parts only where all of them match, which the sets
// tell: a term the query was widened with is often held by a few of the
// matches, its parts (common bigrams) by most.
func (c *conjunctionPart) score(sc *scoring, out *scores) error {
	set, err := sc.sets.Of(c.q, sc.set, nil)
	if err != nil {
		return err
	}
	if set.IsEmpty() {
		return nil
	}
	sub := sc
	if int(set.GetCardinality()) < len(sc.docs) {
		sub = sc.within(set)
	}
	// Every match of sub is one of every part's.
	sum := make([]float64, len(sub.docs))
	for _, p := range c.parts {
		v := sub.vec()
		if err := p.score(sub, v); err != nil {
			return err
		}
		for _, i := range v.idx {
			sum[i] += v.s[i]
		}
		sub.release(v)
	}
	i := 0
	for j, n := range sub.docs {
		if i = gallop(sc.docs, i, n); i < len(sc.docs) && sc.docs[i] == n {
			out.add(i, sum[j])
		}
	}
	return nil
}

// booleanPart matches what its required part matches and its excluded
// part does not; its optional part adds to the score where it matches.
type booleanPart struct {
	must, should part
	not          query.Query
}

func (b *booleanPart) weight() float64 {
	w := b.must.weight()
	if b.should != nil {
		w += b.should.weight()
	}
	return w
}

func (b *booleanPart) setNorm(n float64) {
	b.must.setNorm(n)
	if b.should != nil {
		b.should.setNorm(n)
	}
}

func (b *booleanPart) score(sc *scoring, out *scores) error {
	if err := b.must.score(sc, out); err != nil {
		return err
	}
	if b.should != nil {
		v := sc.vec()
		if err := b.should.score(sc, v); err != nil {
			return err
		}
		for _, i := range v.idx {
			if out.hit[i] {
				out.s[i] += v.s[i]
			}
		}
		sc.release(v)
	}
	if b.not != nil {
		not, err := sc.sets.Of(b.not, sc.set, nil)
		if err != nil {
			return err
		}
		sc.unhit(out, not)
	}
	return nil
}

// phrasePart scores a phrase as bleve does, the sum of its terms' scores
// (a term standing twice in it counts twice), where its matches, proven
// by the sets, are.
type phrasePart struct {
	q     *query.PhraseQuery
	terms []*termPart
}

func (p *phrasePart) weight() float64 {
	var w float64
	for _, t := range p.terms {
		w += t.weight()
	}
	return w
}

func (p *phrasePart) setNorm(n float64) {
	for _, t := range p.terms {
		t.setNorm(n)
	}
}

func (p *phrasePart) score(sc *scoring, out *scores) error {
	set, err := sc.sets.Of(p.q, sc.set, nil)
	if err != nil {
		return err
	}
	sc.hits(out, set, 0)
	for _, t := range p.terms {
		v := sc.vec()
		if err := t.score(sc, v); err != nil {
			return err
		}
		for _, i := range out.idx {
			out.s[i] += v.s[i]
		}
		sc.release(v)
	}
	return nil
}

// scaledPart multiplies its part's scores (Scaled).
type scaledPart struct {
	child part
	boost float64
}

func (s *scaledPart) weight() float64 { return s.child.weight() }

func (s *scaledPart) setNorm(n float64) { s.child.setNorm(n) }

func (s *scaledPart) score(sc *scoring, out *scores) error {
	if err := s.child.score(sc, out); err != nil {
		return err
	}
	for _, i := range out.idx {
		out.s[i] *= s.boost
	}
	return nil
}

// constantPart scores its boost where its query, whose matches come from
// the sets, matches (Constant).
type constantPart struct {
	q     query.Query
	boost float64
}

func (c *constantPart) weight() float64 { return c.boost * c.boost }

func (c *constantPart) setNorm(float64) {}

func (c *constantPart) score(sc *scoring, out *scores) error {
	set, err := sc.sets.Of(c.q, sc.set, nil)
	if err != nil {
		return err
	}
	sc.hits(out, set, c.boost)
	return nil
}

// hits marks the matches scored that set holds, scoring s.
func (sc *scoring) hits(out *scores, set *roaring.Bitmap, s float64) {
	it := set.Iterator()
	i := 0
	for it.HasNext() && i < len(sc.docs) {
		n := it.Next()
		if i = gallop(sc.docs, i, n); i < len(sc.docs) && sc.docs[i] == n {
			out.add(i, s)
			i++
		}
	}
}

// unhit unmarks the matches scored that set holds.
func (sc *scoring) unhit(out *scores, set *roaring.Bitmap) {
	if set.IsEmpty() {
		return
	}
	kept := out.idx[:0]
	for _, i := range out.idx {
		if set.Contains(sc.docs[i]) {
			out.hit[i], out.s[i] = false, 0
			continue
		}
		kept = append(kept, i)
	}
	out.idx = kept
}

func sumWeights(parts []part) float64 {
	var w float64
	for _, p := range parts {
		w += p.weight()
	}
	return w
}

func setNorms(parts []part, n float64) {
	for _, p := range parts {
		p.setNorm(n)
	}
}
