package search

import (
	"context"
	"errors"
	"fmt"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	"github.com/blevesearch/bleve/v2/search/query"
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
}

// passResult is what a pass yields.
type passResult struct {
	hits []*bsearch.DocumentMatch
	// matched counts the query's matches passing the filters; total adds
	// the extra provisions that pass them.
	matched, total int
	facets         map[string][]FacetValue
}

// run makes the pass.
func (e *Engine) run(ctx context.Context, p pass) (*passResult, error) {
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
	all := roaring.New()
	all.AddMany(m.docs)
	all.AddMany(m.extraDocs)
	if pass := passing(m.sets, ""); pass != nil {
		out.total = int(all.AndCardinality(pass))
	} else {
		out.total = int(all.GetCardinality())
	}
	if p.facets {
		out.facets = m.index.counts(all, m.sets)
	}
	return out, nil
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
	for _, id := range m.extra {
		iid, err := sctx.IndexReader.InternalID(id)
		if err != nil {
			return nil, false, fmt.Errorf("look up %s: %w", id, err)
		}
		if len(iid) == 0 {
			continue // deleted since it was ranked
		}
		n, err := docNumber(iid)
		if err != nil {
			return nil, false, err
		}
		m.extraDocs = append(m.extraDocs, n)
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
		if filter != nil && !filter.Contains(n) {
			sctx.DocumentMatchPool.Put(d)
			return nil
		}
		m.kept++
		return next(d)
	}, loadID, nil
}
