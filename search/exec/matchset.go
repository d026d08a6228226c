package exec

import (
	"context"
	"fmt"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Sets works out match sets over one state of the index: the provisions
// a query matches, without scores (see the package comment).
type Sets struct {
	ctx context.Context
	r   index.IndexReader
	m   mapping.IndexMapping
	// segs are r's segments, numbered from bounds[i] to bounds[i+1]; nil
	// when r is not a scorch snapshot, whose sets are then found through
	// bleve's term readers and searchers.
	segs   []*scorch.SegmentSnapshot
	bounds []uint64
	// terms holds the provisions holding each term (or a term of each
	// prefix) read: restricting a query reads its parts' sets again.
	// state, when set, keeps them for the other searches of the same
	// index state. What either holds is shared and never changed.
	terms map[termKey]*roaring.Bitmap
	state *TermSets
	// postings keeps decoded postings with their positions, which prove
	// phrases (nil: read them every time).
	postings *PostingsCache
	// proven holds each phrase's matches as last proven in full (known
	// nil) and the provisions they were proven among: the scored walk
	// asks again for those in its set.
	proven map[*query.PhraseQuery]provenPhrase
	// inFull proves phrases in every provision asked about, those known
	// to match too (ProveInFull).
	inFull bool
}

// ProveInFull has phrases proven in every provision a match set is asked
// for, not only in those not already known to match, and kept: a caller
// about to score every match (Score) asks again where each phrase holds,
// and one proof in full costs less than a partial one and a full one.
func (s *Sets) ProveInFull() { s.inFull = true }

// termKey names a term of a field, or every term it begins.
type termKey struct {
	field, term string
	prefix      bool
}

type provenPhrase struct {
	within, set *roaring.Bitmap
}

// TermSets keeps the provisions holding the terms searches read, for the
// other searches of one index state: a common term's set costs more to
// read (a copy of each segment's bitmap, renumbered) than to keep.
type TermSets struct {
	sets *LRU[termKey, *roaring.Bitmap]
}

// NewTermSets returns term sets of at most limit bytes.
func NewTermSets(limit int64) *TermSets {
	return &TermSets{sets: NewLRU[termKey](limit, func(b *roaring.Bitmap) int64 { return int64(b.GetSizeInBytes()) + 64 })}
}

// NewSets returns match sets over r, which m maps (nil when only terms
// are read: no query to build). Phrases are proven from postings decoded
// through postings, and term sets kept in state, the sets of the index
// state r reads; either may be nil (read every time, kept for this
// search alone).
func NewSets(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, postings *PostingsCache, state *TermSets) *Sets {
	s := &Sets{ctx: ctx, r: r, m: m, postings: postings, state: state}
	if snap, ok := r.(*scorch.IndexSnapshot); ok {
		s.segs = snap.Segments()
		s.bounds = DocBounds(s.segs)
	}
	return s
}

// DocBounds returns the document numbers segs start at, and after them
// the number past the last: segment i is numbered from bounds[i] to
// bounds[i+1]. Deleted documents keep their numbers.
func DocBounds(segs []*scorch.SegmentSnapshot) []uint64 {
	bounds := make([]uint64, len(segs)+1)
	for i, seg := range segs {
		bounds[i+1] = bounds[i] + seg.Segment().Count()
	}
	return bounds
}

// plainPhrase reports whether q is a phrase of terms in a row in a named
// field, which positions prove: no gap, no fuzziness (the engine makes
// no other).
func plainPhrase(q *query.PhraseQuery) bool {
	return q.Field() != "" && !slices.Contains(q.Terms, "") && q.Fuzziness == 0
}

// Of returns the provisions q matches among within (nil: all). Those in
// known may be left out: a caller passes the provisions it already counts
// as matching, and need not have them proven again. The set returned may
// be shared (within itself, or a filter's set) and must not be changed.
func (s *Sets) Of(q query.Query, within, known *roaring.Bitmap) (*roaring.Bitmap, error) {
	if err := s.ctx.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if s.segs == nil {
		return s.walk(q, within)
	}
	switch q := q.(type) {
	case *query.TermQuery:
		if q.Field() != "" {
			return s.Term(q.Field(), q.Term, within)
		}
	case *query.PrefixQuery:
		if q.Field() != "" {
			return s.prefix(q.Field(), q.Prefix, within)
		}
	case *query.ConjunctionQuery:
		acc := within
		for _, c := range q.Conjuncts {
			set, err := s.Of(c, acc, known)
			if err != nil {
				return nil, err
			}
			acc = set
			if acc.IsEmpty() {
				break
			}
		}
		if acc == nil {
			return s.walk(q, within) // no parts: as bleve has it
		}
		return acc, nil
	case *query.DisjunctionQuery:
		return s.disjunction(q, within, known)
	case *query.BooleanQuery:
		return s.boolean(q, within, known)
	case *query.PhraseQuery:
		return s.phrase(q, within, known)
	case *scaledQuery:
		return s.Of(q.child, within, known)
	case *constantQuery:
		return s.Of(q.child, within, known)
	case *docSetQuery:
		return and(q.docs, within), nil
	}
	return s.walk(q, within)
}

// disjunction: a provision matching at least min of the parts (one when
// min is zero). With one needed, the parts that need no positions go first
// so that a phrase is checked only where nothing else matched.
func (s *Sets) disjunction(q *query.DisjunctionQuery, within, known *roaring.Bitmap) (*roaring.Bitmap, error) {
	need := max(1, int(q.Min))
	if need > len(q.Disjuncts) {
		return roaring.New(), nil
	}
	if need == 1 {
		acc := roaring.New()
		parts := make([]query.Query, 0, len(q.Disjuncts))
		for _, c := range q.Disjuncts {
			if !ReadsPositions(c) {
				parts = append(parts, c)
			}
		}
		for _, c := range q.Disjuncts {
			if ReadsPositions(c) {
				parts = append(parts, c)
			}
		}
		for _, c := range parts {
			// Nothing known yet is no set at all: a phrase proven among
			// all of within is then kept for the scoring to ask again.
			k := known
			if !acc.IsEmpty() {
				k = or(known, acc)
			}
			set, err := s.Of(c, within, k)
			if err != nil {
				return nil, err
			}
			acc.Or(set)
		}
		return acc, nil
	}
	// atLeast[k] holds the provisions in at least k+1 of the parts seen.
	atLeast := make([]*roaring.Bitmap, need)
	for i := range atLeast {
		atLeast[i] = roaring.New()
	}
	for _, c := range q.Disjuncts {
		set, err := s.Of(c, within, known)
		if err != nil {
			return nil, err
		}
		for k := need - 1; k > 0; k-- {
			atLeast[k].Or(roaring.And(atLeast[k-1], set))
		}
		atLeast[0].Or(set)
	}
	return atLeast[need-1], nil
}

// boolean: the required parts, less the excluded ones; the optional parts
// only add to the score unless nothing is required.
func (s *Sets) boolean(q *query.BooleanQuery, within, known *roaring.Bitmap) (*roaring.Bitmap, error) {
	if should, ok := q.Should.(*query.DisjunctionQuery); q.Must == nil || q.Should != nil && (!ok || should.Min > 0) {
		return s.walk(q, within) // the optional parts are required
	}
	set, err := s.Of(q.Must, within, known)
	if err != nil {
		return nil, err
	}
	if q.MustNot == nil || set.IsEmpty() {
		return set, nil
	}
	// What is excluded must be proven in full among what matched: a
	// provision left out here would be wrongly kept.
	not, err := s.Of(q.MustNot, set, nil)
	if err != nil {
		return nil, err
	}
	return roaring.AndNot(set, not), nil
}

// phrase: the provisions holding every term of the phrase, checked for
// their positions where not already known.
func (s *Sets) phrase(q *query.PhraseQuery, within, known *roaring.Bitmap) (*roaring.Bitmap, error) {
	if !plainPhrase(q) {
		return s.walk(q, within) // bleve's to resolve
	}
	if p, ok := s.proven[q]; ok && (known == nil || s.inFull) && (p.within == nil || within != nil && within.AndCardinality(p.within) == within.GetCardinality()) {
		return and(p.set, within), nil
	}
	cands := within
	for _, t := range q.Terms {
		set, err := s.Term(q.Field(), t, cands)
		if err != nil {
			return nil, err
		}
		cands = set
		if cands.IsEmpty() {
			return cands, nil
		}
	}
	if cands == nil {
		return s.walk(q, within)
	}
	if known != nil && !s.inFull {
		cands = roaring.AndNot(cands, known)
	}
	if cands.IsEmpty() {
		return cands, nil
	}
	set, err := s.inRow(q, cands)
	if err != nil {
		return nil, err
	}
	if known == nil || s.inFull {
		if s.proven == nil {
			s.proven = map[*query.PhraseQuery]provenPhrase{}
		}
		s.proven[q] = provenPhrase{within: within, set: set}
	}
	return set, nil
}

// inRow returns the provisions of cands (each holding every term of q)
// in which q's terms stand in a row: positions one apart, as bleve's
// phrase searcher wants them. Positions are read from decoded postings,
// which jump to a provision where the segment's reader would step through
// every posting (and position) before it.
func (s *Sets) inRow(q *query.PhraseQuery, cands *roaring.Bitmap) (*roaring.Bitmap, error) {
	out := roaring.New()
	terms := make([]*decodedPostings, len(q.Terms))
	rest := make([][]uint32, len(q.Terms)-1)
	// at[j] is where terms[j]'s next candidate is sought from: candidates
	// come in order, so each search starts where the last one ended.
	at := make([]int, len(q.Terms))
	seg := -1
	it := cands.Iterator()
	for it.HasNext() {
		n := uint64(it.Next())
		if seg < 0 || n >= s.bounds[seg+1] {
			seg++
			for seg < len(s.segs) && n >= s.bounds[seg+1] {
				seg++ // no candidate in this segment
			}
			if seg == len(s.segs) {
				break
			}
			ok, err := s.readPositions(seg, q, terms)
			if err != nil {
				return nil, err
			}
			clear(at)
			if !ok {
				return s.walk(q, cands) // a frequency too large for the arrays
			}
		}
		if inRow(terms, rest, at, uint32(n-s.bounds[seg])) {
			out.Add(uint32(n))
		}
	}
	return out, nil
}

// readPositions reads the postings with positions of q's terms in segment
// i into terms; false when one does not fit the arrays.
func (s *Sets) readPositions(i int, q *query.PhraseQuery, terms []*decodedPostings) (bool, error) {
	seg := s.segs[i].Segment()
	dict, err := seg.Dictionary(q.Field())
	if err != nil {
		return false, fmt.Errorf("read %s: %w", q.Field(), err)
	}
	for j, t := range q.Terms {
		pl, err := dict.PostingsList([]byte(t), nil, nil)
		if err != nil {
			return false, fmt.Errorf("read %s:%s: %w", q.Field(), t, err)
		}
		if terms[j], err = s.postings.read(pl, postingsKey{seg: seg, field: q.Field(), term: t, positions: true}); err != nil || terms[j] == nil {
			return false, err
		}
	}
	return true, nil
}

// inRow reports whether doc holds terms[0] at some position p and each
// terms[j] at p+j; rest is room for the positions of terms[1:]. at[j] is
// where to seek doc in terms[j] from (no later than doc's posting), moved
// on past it.
func inRow(terms []*decodedPostings, rest [][]uint32, at []int, doc uint32) bool {
	first, ok := terms[0].from(&at[0], doc)
	if !ok {
		return false
	}
	for j, t := range terms[1:] {
		if rest[j], ok = t.from(&at[j+1], doc); !ok {
			return false
		}
	}
next:
	for _, p := range first {
		for j, ps := range rest {
			if _, ok := slices.BinarySearch(ps, p+uint32(j)+1); !ok {
				continue next
			}
		}
		return true
	}
	return false
}

// Term returns the provisions among within (nil: all) holding term in
// field.
func (s *Sets) Term(field, term string, within *roaring.Bitmap) (*roaring.Bitmap, error) {
	all, err := s.kept(termKey{field: field, term: term}, func() (*roaring.Bitmap, error) { return s.termAll(field, term) })
	if err != nil {
		return nil, err
	}
	return and(all, within), nil
}

// kept returns the set named k, from this search's sets or the state's,
// or read and kept.
func (s *Sets) kept(k termKey, read func() (*roaring.Bitmap, error)) (*roaring.Bitmap, error) {
	if all, ok := s.terms[k]; ok {
		return all, nil
	}
	all, ok := (*roaring.Bitmap)(nil), false
	if s.state != nil {
		all, ok = s.state.sets.Get(k)
	}
	if !ok {
		var err error
		if all, err = read(); err != nil {
			return nil, err
		}
		if s.state != nil {
			s.state.sets.Put(k, all)
		}
	}
	if s.terms == nil {
		s.terms = map[termKey]*roaring.Bitmap{}
	}
	s.terms[k] = all
	return all, nil
}

// termAll reads the term's posting bitmap in every segment.
func (s *Sets) termAll(field, term string) (*roaring.Bitmap, error) {
	if s.segs == nil {
		out, err := postings(s.ctx, s.r, field, term)
		if err != nil {
			return nil, fmt.Errorf("read %s:%s: %w", field, term, err)
		}
		return out, nil
	}
	out := roaring.New()
	for i, seg := range s.segs {
		dict, err := seg.Segment().Dictionary(field)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", field, err)
		}
		pl, err := dict.PostingsList([]byte(term), seg.Deleted(), nil)
		if err != nil {
			return nil, fmt.Errorf("read %s:%s: %w", field, term, err)
		}
		if pl.Count() == 0 {
			continue
		}
		it := pl.Iterator(false, false, false, nil)
		if opt, ok := it.(segment.OptimizablePostingsIterator); ok {
			if bm := opt.ActualBitmap(); bm != nil {
				out.Or(roaring.AddOffset64(bm, int64(s.bounds[i])))
				continue
			}
		}
		for {
			p, err := it.Next()
			if err != nil {
				return nil, fmt.Errorf("read %s:%s: %w", field, term, err)
			}
			if p == nil {
				break
			}
			out.Add(uint32(s.bounds[i] + p.Number()))
		}
	}
	return out, nil
}

// postings returns the documents holding term in field, read through
// the reader's term field reader (for a reader that is not a scorch
// snapshot).
func postings(ctx context.Context, r index.IndexReader, field, term string) (*roaring.Bitmap, error) {
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return nil, err
	}
	defer tfr.Close()
	nums := make([]uint32, 0, tfr.Count())
	var doc index.TermFieldDoc
	for {
		d, err := tfr.Next(&doc)
		if err != nil {
			return nil, err
		}
		if d == nil {
			break
		}
		n, err := DocNumber(d.ID)
		if err != nil {
			return nil, err
		}
		nums = append(nums, n)
	}
	bm := roaring.New()
	bm.AddMany(nums)
	return bm, nil
}

// prefix joins the bitmaps of every term starting with prefix.
func (s *Sets) prefix(field, prefix string, within *roaring.Bitmap) (*roaring.Bitmap, error) {
	all, err := s.kept(termKey{field: field, term: prefix, prefix: true}, func() (*roaring.Bitmap, error) {
		dict, err := s.r.FieldDictPrefix(field, []byte(prefix))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", field, err)
		}
		defer dict.Close()
		all := roaring.New()
		for {
			e, err := dict.Next()
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", field, err)
			}
			if e == nil {
				return all, nil
			}
			set, err := s.termAll(field, e.Term)
			if err != nil {
				return nil, err
			}
			all.Or(set)
		}
	})
	if err != nil {
		return nil, err
	}
	return and(all, within), nil
}

// Restrict returns q met only at the provisions of set, which must all
// match q: each part is gated by its own matches among them, so a part
// that matches none of them (a widened term most provisions lack) is never
// moved, and one that matches a few is moved to those alone. The
// structure, and with it each part's weight and share of the score, is
// q's own, with two exceptions that score the same: a part scoring a
// constant is replaced by its matches (its searcher would merge the
// postings of every term it spans again), and a phrase by the conjunction
// of its terms (bleve scores a phrase so) gated by its matches, which
// reads no position. A boolean query's optional part is left whole: its
// searcher, moved forward from outside, can miss a match's optional
// score.
func (s *Sets) Restrict(q query.Query, set *roaring.Bitmap) (query.Query, error) {
	if set == nil {
		return q, nil
	}
	switch q := q.(type) {
	case *query.BooleanQuery:
		if q.Must == nil {
			break
		}
		must, err := s.Restrict(q.Must, set)
		if err != nil {
			return nil, err
		}
		b := *q
		b.Must = must
		return &b, nil
	case *query.ConjunctionQuery:
		c := *q
		c.Conjuncts = make([]query.Query, len(q.Conjuncts))
		for i, p := range q.Conjuncts {
			var err error
			if c.Conjuncts[i], err = s.Restrict(p, set); err != nil {
				return nil, err
			}
		}
		return &c, nil
	case *query.DisjunctionQuery:
		d := *q
		d.Disjuncts = make([]query.Query, len(q.Disjuncts))
		for i, p := range q.Disjuncts {
			own, err := s.Of(p, set, nil)
			if err != nil {
				return nil, err
			}
			if d.Disjuncts[i], err = s.Restrict(p, own); err != nil {
				return nil, err
			}
		}
		return &d, nil
	case *scaledQuery:
		child, err := s.Restrict(q.child, set)
		if err != nil {
			return nil, err
		}
		return &scaledQuery{child: child, boost: q.boost}, nil
	case *constantQuery:
		return &constantQuery{child: &docSetQuery{docs: set}, boost: q.boost}, nil
	case *query.PhraseQuery:
		if !plainPhrase(q) {
			break
		}
		terms := make([]query.Query, 0, len(q.Terms))
		for _, t := range q.Terms {
			tq := bleve.NewTermQuery(t)
			tq.SetField(q.Field())
			tq.SetBoost(q.Boost())
			terms = append(terms, tq)
		}
		return &gatedQuery{child: bleve.NewConjunctionQuery(terms...), docs: set}, nil
	}
	return &gatedQuery{child: q, docs: set}, nil
}

// walk finds q's matches among within by running its searcher unscored.
func (s *Sets) walk(q query.Query, within *roaring.Bitmap) (*roaring.Bitmap, error) {
	if within != nil {
		q = bleve.NewConjunctionQuery(q, &docSetQuery{docs: within})
	}
	w := &Walk{}
	if err := w.Run(s.ctx, s.r, s.m, q); err != nil {
		return nil, err
	}
	out := roaring.New()
	out.AddMany(w.Docs)
	return out, nil
}

// ReadsPositions reports whether matching q needs term positions: the
// queries that do are worth working out as sets before they are scored.
func ReadsPositions(q query.Query) bool {
	switch q := q.(type) {
	case *query.PhraseQuery, *query.MatchPhraseQuery, *query.MultiPhraseQuery:
		return true
	case *query.DisjunctionQuery:
		for _, c := range q.Disjuncts {
			if ReadsPositions(c) {
				return true
			}
		}
	case *query.ConjunctionQuery:
		for _, c := range q.Conjuncts {
			if ReadsPositions(c) {
				return true
			}
		}
	case *query.BooleanQuery:
		return q.Must != nil && ReadsPositions(q.Must) || q.MustNot != nil && ReadsPositions(q.MustNot)
	case *scaledQuery:
		return ReadsPositions(q.child)
	case *constantQuery:
		return ReadsPositions(q.child)
	}
	return false
}

// and intersects a with b; a nil b leaves a whole.
func and(a, b *roaring.Bitmap) *roaring.Bitmap {
	if b == nil {
		return a
	}
	return roaring.And(a, b)
}

// or joins two sets, either of which may be nil.
func or(a, b *roaring.Bitmap) *roaring.Bitmap {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return roaring.Or(a, b)
}
