package exec

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// constantQuery matches what its child matches, every match scoring its
// boost. The child is searched without scores, which lets bleve answer a
// disjunction of many terms (all the bigrams a character begins) by
// merging their posting bitmaps instead of walking and scoring each
// term's postings: for a single character that is most of the index.
type constantQuery struct {
	child query.Query
	boost float64
}

// Constant returns a query matching what child matches, every match
// scoring boost: child is searched without scores, which is far cheaper
// for a disjunction of many common terms.
func Constant(child query.Query, boost float64) query.Query {
	return &constantQuery{child: child, boost: boost}
}

// Searcher returns the child's unscored searcher, scoring each match the
// boost.
func (q *constantQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	child := options
	child.Score = "none"
	child.IncludeTermVectors = false
	child.Explain = false
	s, err := q.child.Searcher(ctx, r, m, child)
	if err != nil {
		return nil, fmt.Errorf("constant-score query: %w", err)
	}
	return &constantSearcher{Searcher: s, score: q.boost, scored: options.Score != "none"}, nil
}

// constantSearcher sets the score of every match of the searcher it wraps.
type constantSearcher struct {
	bsearch.Searcher
	score  float64
	scored bool
}

func (s *constantSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	d, err := s.Searcher.Next(ctx)
	return s.set(d), err
}

func (s *constantSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	return s.set(d), err
}

func (s *constantSearcher) set(d *bsearch.DocumentMatch) *bsearch.DocumentMatch {
	if d != nil && s.scored {
		d.Score = s.score
	}
	return d
}

// Weight and SetQueryNorm take no part in the constant score.
func (s *constantSearcher) Weight() float64 { return s.score * s.score }

// SetQueryNorm is ignored: the score is fixed.
func (s *constantSearcher) SetQueryNorm(float64) {}

// scaledQuery multiplies its child's scores by boost. bleve keeps the
// boost set on a disjunction or conjunction but does not apply it, so a
// compound clause that must weigh less (a term the query was widened
// with, a heading match) is wrapped in this instead.
type scaledQuery struct {
	child query.Query
	boost float64
}

// Scaled returns q with its scores multiplied by boost, which bleve does
// not do for the boost of a compound query.
func Scaled(q query.Query, boost float64) query.Query {
	if boost == 1 {
		return q
	}
	return &scaledQuery{child: q, boost: boost}
}

// Searcher returns the child's searcher, its scores scaled.
func (q *scaledQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s, err := q.child.Searcher(ctx, r, m, options)
	if err != nil {
		return nil, fmt.Errorf("scaled query: %w", err)
	}
	if options.Score == "none" {
		return s, nil
	}
	return &scaledSearcher{Searcher: s, boost: q.boost}, nil
}

// scaledSearcher multiplies the scores of the searcher it wraps.
type scaledSearcher struct {
	bsearch.Searcher
	boost float64
}

func (s *scaledSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	d, err := s.Searcher.Next(ctx)
	if d != nil {
		d.Score *= s.boost
	}
	return d, err
}

func (s *scaledSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	if d != nil {
		d.Score *= s.boost
	}
	return d, err
}
