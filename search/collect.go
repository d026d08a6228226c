package search

import (
	"context"
	"errors"
	"fmt"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/policysearch/policysearch/search/exec"
)

// pass is one search of a query's matches that yields, together, the
// ranked window, the total and the facet counts. Filters are taken from
// the facet index's sets of provisions rather than added to the query as
// clauses: the counts of a filtered facet need the matches outside the
// filter too, and a filter clause would add its own score.
type pass struct {
	query   query.Query // nil: every provision (browsing by filters)
	filters Filters
	// extra names provisions that join the match set for the total and
	// the counts but not the ranked window (the nearest provisions of a
	// hybrid search, ranked elsewhere).
	extra []string
	// extraLater, when set, gives extra once the window is ranked (the
	// nearest provisions, sought meanwhile on another core). It must not
	// read the index: the pass holds its state while it waits.
	extraLater func() ([]string, error)
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
	// extraKept lists the extra provisions still indexed that pass the
	// filters, in the order given (passes in score order).
	extraKept []string
}

// scoreOrder says whether the pass's window is in score order.
func (p pass) scoreOrder() bool {
	return len(p.sortBy) == 0 || len(p.sortBy) == 1 && p.sortBy[0] == "-_score"
}

// cacheable says whether the pass's matches go to (and may come from) the
// match cache, which ranks by score.
func (p pass) cacheable() bool {
	return p.key != "" && p.size > 0 && p.scoreOrder()
}

// run makes the pass.
func (e *Engine) run(ctx context.Context, p pass) (*passResult, error) {
	if p.scoreOrder() {
		return e.scan(ctx, p)
	}
	if p.extraLater != nil {
		var err error
		if p.extra, err = p.extraLater(); err != nil {
			return nil, err
		}
	}
	return e.walk(ctx, p)
}

// scan makes a pass in score order (or unranked, for size 0) over one
// reader, from the match cache when it holds the query's matches in that
// state: the ranked window, the total and the counts then all come from
// the same state of the index.
func (e *Engine) scan(ctx context.Context, p pass) (*passResult, error) {
	var out *passResult
	err := e.store.ReadMapped(func(r index.IndexReader, m mapping.IndexMapping) error {
		fi, err := e.facets.get(ctx, r)
		if err != nil {
			return fmt.Errorf("facet index: %w", err)
		}
		sets := fi.filterSets(p.filters)
		filter := passing(sets, "")
		cacheKey := ""
		if p.cacheable() && fi.key != "" {
			cacheKey = fi.key + "\x00" + p.key
		}
		var (
			ranked  []exec.Ranked
			matched *roaring.Bitmap
		)
		var cached *exec.Matches
		if !p.noCache && cacheKey != "" {
			cached, _ = e.matches.Get(cacheKey)
		}
		if cached != nil {
			ranked, matched = cached.Rank(filter, p.from, p.size)
		} else if ranked, matched, err = e.search(ctx, r, m, p, fi, sets, filter, cacheKey); err != nil {
			return err
		}
		ids := p.extra
		if p.extraLater != nil {
			if ids, err = p.extraLater(); err != nil {
				return err
			}
		}
		extra, kept, err := keptExtra(r, ids, filter)
		if err != nil {
			return err
		}
		out = &passResult{matched: int(andCardinality(matched, filter)), extraKept: kept}
		if out.hits, err = exec.LoadHits(r, ranked, p.fields); err != nil {
			return err
		}
		fi.finish(out, matched, extra, sets, p.facets)
		return nil
	})
	return out, err
}

// keptExtra resolves the extra provisions to the document numbers of the
// state r reads, leaving out those no longer there, and lists those of
// them filter keeps (nil filter: all), in order.
func keptExtra(r index.IndexReader, ids []string, filter *roaring.Bitmap) ([]uint32, []string, error) {
	var nums []uint32
	var kept []string
	lookup := exec.NewIDs(r)
	for _, id := range ids {
		n, ok, err := lookup.Number(id)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			continue // deleted since it was ranked
		}
		nums = append(nums, n)
		if filter == nil || filter.Contains(n) {
			kept = append(kept, id)
		}
	}
	return nums, kept, nil
}

// search finds the pass's matches in the state r reads, and its window
// from rank p.from on; the matches are those passing the filters at least.
// Scored matches walked unfiltered are cached under cacheKey, when given.
//
// With filters, or phrases to prove, the matches are worked out first
// from posting bitmaps (and positions): those passing the filters, or,
// when the filtered facets are counted, those passing all filters but one
// (the union of those sets bounds the work; no bound when a single facet
// is filtered). Only the matches passing the filters are then scored: a
// part of the query at a time where exec knows how bleve scores each part
// (every query the engine builds), else by the query restricted to them.
// Otherwise bleve's searchers walk and score every match.
func (e *Engine) search(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, p pass, fi *facetIndex, sets map[string]*roaring.Bitmap, filter *roaring.Bitmap, cacheKey string) ([]exec.Ranked, *roaring.Bitmap, error) {
	q := p.query
	if q == nil {
		q = typeQuery()
	}
	var (
		matched, ranked *roaring.Bitmap
		ms              = e.matchSets(ctx, r, m, fi)
	)
	// A query whose scoring exec knows is scored a part at a time over its
	// matches, which are worked out first; any other is walked by bleve.
	scorable := p.size > 0 && exec.Scorable(q)
	if scorable && filter == nil {
		ms.ProveInFull() // every match is scored
	}
	if filter != nil || p.size == 0 || scorable || exec.ReadsPositions(q) {
		bound := filter
		if p.facets {
			bound = countBound(sets)
		}
		var err error
		if matched, err = ms.Of(q, bound, nil); err != nil {
			return nil, nil, err
		}
		ranked = matched
		if filter != nil {
			ranked = roaring.And(matched, filter)
		}
	}
	if p.size == 0 {
		return nil, matched, nil
	}
	keep := cacheKey != "" && filter == nil
	if ranked != nil && ranked.IsEmpty() && !keep {
		return nil, matched, nil // nothing passes the filters: nothing to score
	}
	if scorable {
		scored, ok, err := ms.Score(exec.Decoding(r, e.postings, e.decodeMin), q, ranked)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			if keep {
				e.matches.Put(cacheKey, scored)
			}
			return scored.Best(p.from, p.size), matched, nil
		}
	}
	w := &exec.Walk{Window: p.from + p.size, Score: true, Keep: keep}
	walked := q
	if ranked != nil {
		var err error
		if walked, err = ms.Restrict(q, ranked); err != nil {
			return nil, nil, err
		}
	}
	if err := w.Run(ctx, exec.Decoding(r, e.postings, e.decodeMin), m, walked); err != nil {
		return nil, nil, err
	}
	if w.Keep {
		e.matches.Put(cacheKey, w.Matches())
	}
	if matched == nil {
		matched = roaring.New()
		matched.AddMany(w.Docs)
	}
	return w.Best(p.from), matched, nil
}

// matchSets returns match sets over r, the state fi indexes, reading
// through the engine's decoded postings and the state's term sets.
func (e *Engine) matchSets(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, fi *facetIndex) *exec.Sets {
	var state *exec.TermSets
	if fi.key != "" {
		state = fi.terms
	}
	return exec.NewSets(ctx, r, m, e.postings, state)
}

// countBound is the set the counts of a search filtered by sets need
// matches in: for each filtered facet, the provisions passing the other
// filters. Nil means every provision.
func countBound(sets map[string]*roaring.Bitmap) *roaring.Bitmap {
	var bound *roaring.Bitmap
	for name := range sets {
		other := passing(sets, name)
		if other == nil {
			return nil
		}
		if bound == nil {
			bound = other
		} else {
			bound = roaring.Or(bound, other)
		}
	}
	return bound
}

// andCardinality counts a ∩ b; a nil b counts a.
func andCardinality(a, b *roaring.Bitmap) uint64 {
	if b == nil {
		return a.GetCardinality()
	}
	return a.AndCardinality(b)
}

// walk makes the pass through bleve, whose collector orders the window by
// the sort given (a year order).
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
	m := &matchSet{ctx: ctx, cache: e.facets, filters: p.filters, extra: p.extra}
	ctx = context.WithValue(ctx, bsearch.MakeDocumentMatchHandlerKey, bsearch.MakeDocumentMatchHandler(m.handler))
	res, err := e.store.Search(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if m.index == nil {
		return nil, errors.New("search: the match collector was not used")
	}
	out := &passResult{hits: res.Hits, matched: m.kept}
	matched := roaring.New()
	matched.AddMany(m.docs)
	m.index.finish(out, matched, m.extraDocs, m.sets, p.facets)
	return out, nil
}

// finish sets the total and, when asked, the facet counts of a pass whose
// matches are matched (at least those passing the filters), joined by
// extra.
func (fi *facetIndex) finish(out *passResult, matched *roaring.Bitmap, extra []uint32, sets map[string]*roaring.Bitmap, facets bool) {
	all := matched
	if len(extra) > 0 {
		all = matched.Clone()
		all.AddMany(extra)
	}
	out.total = int(andCardinality(all, passing(sets, "")))
	if facets {
		out.facets = fi.counts(all, sets)
	}
}

// matchSet sits between bleve's searcher and its top-N collector: it
// records every match's document number and lets through to the ranking
// only the matches passing the filters.
type matchSet struct {
	ctx     context.Context
	cache   *facetCache
	filters Filters
	extra   []string

	index     *facetIndex
	sets      map[string]*roaring.Bitmap
	docs      []uint32 // every match, in index order
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
	if m.extraDocs, err = exec.NewIDs(sctx.IndexReader).Numbers(m.extra); err != nil {
		return nil, false, err
	}
	filter := passing(m.sets, "")
	return func(d *bsearch.DocumentMatch) error {
		if d == nil {
			return next(nil)
		}
		n, err := exec.DocNumber(d.IndexInternalID)
		if err != nil {
			return err
		}
		m.docs = append(m.docs, n)
		if filter != nil && !filter.Contains(n) {
			sctx.DocumentMatchPool.Put(d)
			return nil
		}
		m.kept++
		return next(d)
	}, loadID, nil
}
