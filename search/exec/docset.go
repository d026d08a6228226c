package exec

import (
	"context"
	"encoding/binary"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// docSetQuery matches the provisions of a set of document numbers of one
// index state, scoring nothing: the matches of a part that scores a
// constant, or, joined to a query in a conjunction, the provisions an
// unscored walk checks (a scored walk is restricted by gatedQuery).
type docSetQuery struct {
	docs *roaring.Bitmap
}

// Searcher returns a searcher over the set. The numbers are those of the
// index state the set was worked out in, which must be r's.
func (q *docSetQuery) Searcher(_ context.Context, _ index.IndexReader, _ mapping.IndexMapping, _ bsearch.SearcherOptions) (bsearch.Searcher, error) {
	return &docSetSearcher{docs: q.docs, it: q.docs.Iterator()}, nil
}

// docSetSearcher walks a set of document numbers in order.
type docSetSearcher struct {
	docs *roaring.Bitmap
	it   roaring.IntPeekable
}

func (s *docSetSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	if !s.it.HasNext() {
		return nil, nil
	}
	return s.match(ctx, s.it.Next()), nil
}

func (s *docSetSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	n, err := DocNumber(id)
	if err != nil {
		return nil, err
	}
	s.it.AdvanceIfNeeded(n)
	return s.Next(ctx)
}

func (s *docSetSearcher) match(ctx *bsearch.SearchContext, n uint32) *bsearch.DocumentMatch {
	d := ctx.DocumentMatchPool.Get()
	if cap(d.IndexInternalID) < 8 {
		d.IndexInternalID = make(index.IndexInternalID, 8)
	}
	d.IndexInternalID = d.IndexInternalID[:8]
	binary.BigEndian.PutUint64(d.IndexInternalID, uint64(n))
	return d
}

// Close releases nothing: the set belongs to the caller.
func (s *docSetSearcher) Close() error { return nil }

// Weight is zero: the set takes no part in the score or its norm.
func (s *docSetSearcher) Weight() float64 { return 0 }

// SetQueryNorm is ignored: the set scores nothing.
func (s *docSetSearcher) SetQueryNorm(float64) {}

// Count is the size of the set, which lets a conjunction lead with it.
func (s *docSetSearcher) Count() uint64 { return s.docs.GetCardinality() }

// Min is zero: the searcher is not a disjunction.
func (s *docSetSearcher) Min() int { return 0 }

// Size is the searcher's own footprint; the set is shared.
func (s *docSetSearcher) Size() int { return 64 }

// DocumentMatchPoolSize is one: a match is handed out at a time.
func (s *docSetSearcher) DocumentMatchPoolSize() int { return 1 }

// gatedQuery is its child met only at the provisions of docs: a searcher
// driven to each of them in turn, and never moved once they run out.
// Joined in a conjunction instead, a set would not spare the child: bleve
// moves every part of a conjunction forward before it finds one has
// nothing left. Scores and weights are the child's own.
type gatedQuery struct {
	child query.Query
	docs  *roaring.Bitmap
}

// Gated returns child met only at the provisions of docs, document
// numbers of the index state it will search: what Restrict makes of a
// part that scores, so that the part is moved only to where it matches.
func Gated(child query.Query, docs *roaring.Bitmap) query.Query {
	return &gatedQuery{child: child, docs: docs}
}

// Searcher returns the child's searcher, gated by the set. The numbers
// are those of the state r reads.
func (q *gatedQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s, err := q.child.Searcher(ctx, r, m, options)
	if err != nil {
		return nil, err
	}
	return &gatedSearcher{Searcher: s, docs: q.docs, it: q.docs.Iterator()}, nil
}

// gatedSearcher leapfrogs between its set and its child's matches.
type gatedSearcher struct {
	bsearch.Searcher
	docs *roaring.Bitmap
	it   roaring.IntPeekable
}

func (s *gatedSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	for s.it.HasNext() {
		n := s.it.Next()
		var id [8]byte
		binary.BigEndian.PutUint64(id[:], uint64(n))
		d, err := s.Searcher.Advance(ctx, id[:])
		if err != nil || d == nil {
			s.it = roaring.NewBitmap().Iterator() // the child has nothing left
			return nil, err
		}
		m, err := DocNumber(d.IndexInternalID)
		if err != nil {
			return nil, err
		}
		if m == n {
			return d, nil
		}
		// The child's next match is past n: move the set up to it, and
		// take it if the set holds it (the child has moved past it).
		s.it.AdvanceIfNeeded(m)
		if s.it.HasNext() && s.it.PeekNext() == m {
			s.it.Next()
			return d, nil
		}
		ctx.DocumentMatchPool.Put(d)
	}
	return nil, nil
}

func (s *gatedSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	n, err := DocNumber(id)
	if err != nil {
		return nil, err
	}
	s.it.AdvanceIfNeeded(n)
	return s.Next(ctx)
}

// Count is the size of the set, which lets a conjunction lead with it.
func (s *gatedSearcher) Count() uint64 { return s.docs.GetCardinality() }
