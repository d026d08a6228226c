package search

import (
	"container/heap"
	"context"
	"errors"
	"fmt"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// pass is one walk over a query's matches that yields, together, the
// ranked window, the total and the facet counts. Filters are applied to
// the matches as they are collected, from the facet index, rather than
// joined to the query: the unfiltered match set is what the counts of a
// filtered facet need, and a filter clause would add its own score.
type pass struct {
	query   query.Query // nil: every provision (browsing by filters)
	filters Filters
	// extra names provisions that join the match set for the total and
	// the counts but not the ranked window (the nearest provisions of a
	// hybrid search, ranked elsewhere).
	extra []string
	// size and from cut the ranked window; size 0 only counts.
	size, from int
	sortBy     []string
	fields     []string // stored fields loaded for the window's hits
	facets     bool
	// key names query for the match cache (empty: not cached); noCache
	// makes the pass walk the index even when the cache holds it.
	key     string
	noCache bool
}

// passResult is what a pass yields.
type passResult struct {
	hits []*bsearch.DocumentMatch
	// matched counts the query's matches passing the filters; total adds
	// the extra provisions that pass them.
	matched, total int
	facets         map[string][]FacetValue
}

// cacheable says whether the pass's window is in score order, which is
// what the match cache can rank.
func (p pass) cacheable() bool {
	return p.key != "" && p.size > 0 &&
		(len(p.sortBy) == 0 || len(p.sortBy) == 1 && p.sortBy[0] == "-_score")
}

// run makes the pass, from the match cache when it holds the query's
// matches in the current index state.
func (e *Engine) run(ctx context.Context, p pass) (*passResult, error) {
	if p.cacheable() && !p.noCache {
		var out *passResult
		err := e.store.Read(func(r index.IndexReader) error {
			var err error
			out, err = e.fromCache(ctx, r, p)
			return err
		})
		if err != nil || out != nil {
			return out, err
		}
	}
	return e.walk(ctx, p)
}

// walk makes the pass through bleve.
func (e *Engine) walk(ctx context.Context, p pass) (*passResult, error) {
	q := p.query
	if q == nil {
		q = typeQuery()
	}
	req := bleve.NewSearchRequestOptions(q, p.size, p.from, false)
	req.Fields = p.fields
	if len(p.sortBy) > 0 {
		req.SortBy(p.sortBy)
	}
	if p.size == 0 {
		req.Score = bleve.ScoreNone
	}
	m := &matchSet{ctx: ctx, cache: e.facets, filters: p.filters, extra: p.extra, scores: p.cacheable()}
	ctx = context.WithValue(ctx, bsearch.MakeDocumentMatchHandlerKey, bsearch.MakeDocumentMatchHandler(m.handler))
	res, err := e.store.Search(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if m.index == nil {
		return nil, errors.New("search: the match collector was not used")
	}
	if m.scores && m.index.key != "" {
		e.matches.put(&scoredMatches{key: m.index.key + "\x00" + p.key, docs: m.docs, scores: m.scored})
	}
	out := &passResult{hits: res.Hits, matched: m.kept}
	m.index.finish(out, m.docs, m.extraDocs, m.sets, p.facets)
	return out, nil
}

// fromCache answers the pass from the cached matches of its query in the
// state r reads; it returns nil when they are not cached.
func (e *Engine) fromCache(ctx context.Context, r index.IndexReader, p pass) (*passResult, error) {
	state := stateKey(r)
	if state == "" {
		return nil, nil
	}
	cached := e.matches.get(state + "\x00" + p.key)
	if cached == nil {
		return nil, nil
	}
	fi, err := e.facets.get(ctx, r)
	if err != nil {
		return nil, fmt.Errorf("facet index: %w", err)
	}
	sets := fi.filterSets(p.filters)
	extra, err := docNumbers(r, p.extra)
	if err != nil {
		return nil, err
	}
	filter := passing(sets, "")
	window := p.from + p.size
	top := &topMatches{}
	out := &passResult{}
	for i, n := range cached.docs {
		if filter != nil && !filter.Contains(n) {
			continue
		}
		out.matched++
		s := cached.scores[i]
		if top.Len() < window {
			heap.Push(top, rankedDoc{n, s})
		} else if top.worse(rankedDoc{n, s}, 0) {
			top.docs[0] = rankedDoc{n, s}
			heap.Fix(top, 0)
		}
	}
	ranked := make([]rankedDoc, top.Len())
	for i := len(ranked) - 1; i >= 0; i-- {
		ranked[i] = heap.Pop(top).(rankedDoc)
	}
	if p.from < len(ranked) {
		for _, d := range ranked[p.from:] {
			h, err := loadHit(r, d, p.fields)
			if err != nil {
				return nil, err
			}
			if h != nil {
				out.hits = append(out.hits, h)
			}
		}
	}
	fi.finish(out, cached.docs, extra, sets, p.facets)
	return out, nil
}

// finish sets the total and, when asked, the facet counts of a pass whose
// matches were docs, joined by extra.
func (fi *facetIndex) finish(out *passResult, docs, extra []uint32, sets map[string]*roaring.Bitmap, facets bool) {
	all := roaring.New()
	all.AddMany(docs)
	all.AddMany(extra)
	if pass := passing(sets, ""); pass != nil {
		out.total = int(all.AndCardinality(pass))
	} else {
		out.total = int(all.GetCardinality())
	}
	if facets {
		out.facets = fi.counts(all, sets)
	}
}

// loadHit makes the hit of document n as bleve would: its id, score and
// the asked stored fields. A document deleted meanwhile gives nil.
func loadHit(r index.IndexReader, d rankedDoc, fields []string) (*bsearch.DocumentMatch, error) {
	iid := make(index.IndexInternalID, 8)
	iid.SetValue(uint64(d.doc))
	id, err := r.ExternalID(iid)
	if err != nil {
		return nil, fmt.Errorf("read hit %d: %w", d.doc, err)
	}
	h := &bsearch.DocumentMatch{ID: id, Score: d.score, IndexInternalID: iid}
	if len(fields) == 0 {
		return h, nil
	}
	doc, err := r.Document(id)
	if err != nil {
		return nil, fmt.Errorf("read hit %s: %w", id, err)
	}
	if doc == nil {
		return nil, nil
	}
	h.Fields = map[string]interface{}{}
	doc.VisitFields(func(f index.Field) {
		for _, want := range fields {
			if f.Name() == want {
				h.Fields[want] = string(f.Value())
			}
		}
	})
	return h, nil
}

// docNumbers resolves provision ids to the document numbers of the state
// r reads, leaving out those no longer there.
func docNumbers(r index.IndexReader, ids []string) ([]uint32, error) {
	var out []uint32
	for _, id := range ids {
		iid, err := r.InternalID(id)
		if err != nil {
			return nil, fmt.Errorf("look up %s: %w", id, err)
		}
		if len(iid) == 0 {
			continue // deleted since it was ranked
		}
		n, err := docNumber(iid)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// rankedDoc is a match in score order.
type rankedDoc struct {
	doc   uint32
	score float64
}

// topMatches is a heap of the best matches seen, the worst on top. Order
// is bleve's: higher score first, then earlier in the index.
type topMatches struct{ docs []rankedDoc }

func (t *topMatches) Len() int { return len(t.docs) }

// worse reports whether d ranks above the match at i (so would replace it).
func (t *topMatches) worse(d rankedDoc, i int) bool { return before(d, t.docs[i]) }

func (t *topMatches) Less(i, j int) bool { return before(t.docs[j], t.docs[i]) }
func (t *topMatches) Swap(i, j int)      { t.docs[i], t.docs[j] = t.docs[j], t.docs[i] }
func (t *topMatches) Push(x any)         { t.docs = append(t.docs, x.(rankedDoc)) }
func (t *topMatches) Pop() any {
	d := t.docs[len(t.docs)-1]
	t.docs = t.docs[:len(t.docs)-1]
	return d
}

func before(a, b rankedDoc) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.doc < b.doc
}

// matchSet sits between bleve's searcher and its top-N collector: it
// records every match's document number (and score, for the cache) and
// lets through to the ranking only the matches passing the filters.
type matchSet struct {
	ctx     context.Context
	cache   *facetCache
	filters Filters
	extra   []string
	scores  bool

	index     *facetIndex
	sets      map[string]*roaring.Bitmap
	docs      []uint32 // every match, in index order
	scored    []float64
	extraDocs []uint32
	kept      int
}

// handler is a bsearch.MakeDocumentMatchHandler; bleve calls it once per
// search with the index state the search reads.
func (m *matchSet) handler(sctx *bsearch.SearchContext) (bsearch.DocumentMatchHandler, bool, error) {
	next, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
	if err != nil {
		return nil, false, err
	}
	if next == nil {
		return nil, false, errors.New("search: unexpected collector")
	}
	if m.index, err = m.cache.get(m.ctx, sctx.IndexReader); err != nil {
		return nil, false, fmt.Errorf("facet index: %w", err)
	}
	m.sets = m.index.filterSets(m.filters)
	if m.extraDocs, err = docNumbers(sctx.IndexReader, m.extra); err != nil {
		return nil, false, err
	}
	filter := passing(m.sets, "")
	return func(d *bsearch.DocumentMatch) error {
		if d == nil {
			return next(nil)
		}
		n, err := docNumber(d.IndexInternalID)
		if err != nil {
			return err
		}
		m.docs = append(m.docs, n)
		if m.scores {
			m.scored = append(m.scored, d.Score)
		}
		if filter != nil && !filter.Contains(n) {
			sctx.DocumentMatchPool.Put(d)
			return nil
		}
		m.kept++
		return next(d)
	}, loadID, nil
}
