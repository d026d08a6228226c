package exec

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// DecodedPostingsBytes bounds the memory of decoded postings. A posting
// costs 10 bytes, and a position 4 more. The query mix of the benchmarks
// on 200,000 provisions reads more than this, and some is decoded again
// after being dropped; twice the budget kept it all but made no kind of
// query faster over HTTP.
const DecodedPostingsBytes = 96 << 20

// DecodeMinPostings is the number of postings from which a search decodes
// a term: below it, stepping through them costs little.
const DecodeMinPostings = 4096

// ScoreDecodeMinPostings is the number of postings from which Score
// decodes a term when the matches it scores are at least an eighth of
// them: merging arrays costs less than stepping through the postings. On
// the 100 MB benchmark corpus, decoding from 512 postings made two-word
// AND searches take 2.5–2.7 ms instead of 3.1–3.9.
const ScoreDecodeMinPostings = 512

// decodedPostings is one term's postings in one segment, deleted
// documents included (the deletions belong to the index state, not the
// segment), with their positions when read for a phrase.
type decodedPostings struct {
	docs  []uint32 // ascending
	freqs []uint16
	norms []float32
	// The positions of docs[i], ascending, are
	// positions[starts[i]:starts[i+1]].
	starts    []uint32
	positions []uint32
}

func (d *decodedPostings) bytes() int64 {
	return int64(cap(d.docs))*4 + int64(cap(d.freqs))*2 + int64(cap(d.norms))*4 +
		int64(cap(d.starts))*4 + int64(cap(d.positions))*4 + 64
}

// from returns the positions of doc, or false when doc does not hold the
// term. A reader moving forward seeks doc from *i on, and *i is left past
// it.
func (d *decodedPostings) from(i *int, doc uint32) ([]uint32, bool) {
	k := gallop(d.docs, *i, doc)
	if k == len(d.docs) || d.docs[k] != doc {
		*i = k
		return nil, false
	}
	*i = k + 1
	return d.positions[d.starts[k]:d.starts[k+1]], true
}

// postingsKey names a term's postings in a segment. The segment is named
// by itself rather than its number: numbers start again in a rebuilt
// index, and an entry holding the segment keeps it from being reused.
type postingsKey struct {
	seg       segment.Segment
	field     string
	term      string
	positions bool
}

// PostingsCache keeps decoded postings, shared by the searches of every
// index state: a common term is decoded once, not at each search.
type PostingsCache struct {
	decoded *LRU[postingsKey, *decodedPostings]

	mu sync.Mutex
	// states holds the segments of the two latest index states seen: the
	// postings of other segments (merged away or deleted) are dropped, so
	// that their memory goes with them.
	states [2]map[segment.Segment]bool
}

// NewPostingsCache returns a cache of at most limit bytes of postings.
func NewPostingsCache(limit int64) *PostingsCache {
	return &PostingsCache{decoded: NewLRU[postingsKey](limit, (*decodedPostings).bytes)}
}

// Len is how many terms' postings, each in one segment, the cache holds.
func (c *PostingsCache) Len() int { return c.decoded.len() }

// track notes the segments of a state being read, and drops the postings
// of segments in neither of the two latest states.
func (c *PostingsCache) track(segs []*scorch.SegmentSnapshot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.states {
		if len(st) == len(segs) && !slices.ContainsFunc(segs, func(s *scorch.SegmentSnapshot) bool { return !st[s.Segment()] }) {
			return // a state already known
		}
	}
	now := make(map[segment.Segment]bool, len(segs))
	for _, s := range segs {
		now[s.Segment()] = true
	}
	c.states[1], c.states[0] = c.states[0], now
	c.decoded.drop(func(k postingsKey) bool { return !c.states[0][k.seg] && !c.states[1][k.seg] })
}

// read returns the postings pl lists (those of key), decoded, from the
// cache or read now and cached; nil when a frequency does not fit the
// arrays (the segment's own reader must then serve). A nil cache reads
// every time.
func (c *PostingsCache) read(pl segment.PostingsList, key postingsKey) (*decodedPostings, error) {
	if c != nil {
		if p, ok := c.decoded.Get(key); ok {
			return p, nil
		}
	}
	p, err := decodePostings(pl, key.positions)
	if err != nil {
		return nil, fmt.Errorf("read %s:%s: %w", key.field, key.term, err)
	}
	if p != nil && c != nil {
		c.decoded.Put(key, p)
	}
	return p, nil
}

// decodePostings reads every posting of pl, and their positions when
// asked; nil when a frequency does not fit the arrays.
func decodePostings(pl segment.PostingsList, positions bool) (*decodedPostings, error) {
	n := pl.Count()
	d := &decodedPostings{docs: make([]uint32, 0, n), freqs: make([]uint16, 0, n), norms: make([]float32, 0, n)}
	if positions {
		d.starts = make([]uint32, 1, n+1)
	}
	it := pl.Iterator(true, true, positions, nil)
	for {
		p, err := it.Next()
		if err != nil {
			return nil, err
		}
		if p == nil {
			return d, nil
		}
		f := p.Frequency()
		if f > math.MaxUint16 {
			return nil, nil
		}
		// Norms are stored as float32: the conversion back is exact.
		d.docs, d.freqs, d.norms = append(d.docs, uint32(p.Number())), append(d.freqs, uint16(f)), append(d.norms, float32(p.Norm()))
		if positions {
			from := len(d.positions)
			for _, l := range p.Locations() {
				d.positions = append(d.positions, uint32(l.Pos()))
			}
			slices.Sort(d.positions[from:])
			d.starts = append(d.starts, uint32(len(d.positions)))
		}
	}
}

// decodingReader is an index reader whose term readers read the postings
// of terms with at least min postings decoded (when positions are not
// asked for); everything else is the snapshot's own.
type decodingReader struct {
	*scorch.IndexSnapshot
	cache  *PostingsCache
	min    uint64
	segs   []*scorch.SegmentSnapshot
	bounds []uint64 // segment i is numbered from bounds[i] to bounds[i+1]
}

// Decoding returns r with the postings of terms holding at least min
// postings read through cache; r itself when it is not a scorch snapshot
// or there is no cache.
func Decoding(r index.IndexReader, cache *PostingsCache, min uint64) index.IndexReader {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok || cache == nil {
		return r
	}
	d := &decodingReader{IndexSnapshot: snap, cache: cache, min: min, segs: snap.Segments()}
	d.bounds = DocBounds(d.segs)
	cache.track(d.segs)
	return d
}

// from returns the reader decoding the terms of at least min postings.
func (d *decodingReader) from(min uint64) *decodingReader {
	c := *d
	c.min = min
	return &c
}

// TermFieldReader reads term in field, from decoded postings when the term
// is common and its frequencies and norms (not its positions) are asked
// for: a reader without them jumps well enough by itself.
func (d *decodingReader) TermFieldReader(ctx context.Context, term []byte, field string, freq, norm, vectors bool) (index.TermFieldReader, error) {
	if vectors || !freq && !norm {
		return d.IndexSnapshot.TermFieldReader(ctx, term, field, freq, norm, vectors)
	}
	parts := make([]decodedPart, 0, len(d.segs))
	lists := make([]segment.PostingsList, len(d.segs))
	var count, all uint64
	for i, s := range d.segs {
		dict, err := s.Segment().Dictionary(field)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", field, err)
		}
		pl, err := dict.PostingsList(term, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("read %s:%s: %w", field, term, err)
		}
		n := pl.Count()
		if n == 0 {
			continue
		}
		lists[i] = pl
		all += n
		live := n
		if del := s.Deleted(); del != nil && !del.IsEmpty() {
			if pl, err = dict.PostingsList(term, del, nil); err != nil {
				return nil, fmt.Errorf("read %s:%s: %w", field, term, err)
			}
			live = pl.Count()
		}
		count += live
	}
	if all < d.min {
		return d.IndexSnapshot.TermFieldReader(ctx, term, field, freq, norm, vectors)
	}
	for i, s := range d.segs {
		if lists[i] == nil {
			continue
		}
		p, err := d.cache.read(lists[i], postingsKey{seg: s.Segment(), field: field, term: string(term)})
		if err != nil {
			return nil, err
		}
		if p == nil {
			return d.IndexSnapshot.TermFieldReader(ctx, term, field, freq, norm, vectors)
		}
		parts = append(parts, decodedPart{p: p, start: d.bounds[i], end: d.bounds[i+1], deleted: s.Deleted()})
	}
	return &TermReader{parts: parts, count: count, freq: freq, norm: norm}, nil
}

// decodedPart is a term's postings in one segment, whose documents are
// numbered from start to end in the index.
type decodedPart struct {
	p          *decodedPostings
	start, end uint64
	deleted    *roaring.Bitmap
}

// TermReader reads a term's decoded postings across segments, as the
// snapshot's term field reader would; a scorer that knows it may read
// them as arrays instead (RunBelow).
type TermReader struct {
	parts      []decodedPart
	part, pos  int // the next posting: parts[part].p.docs[pos]
	count      uint64
	freq, norm bool
}

// Next returns the next live posting.
func (t *TermReader) Next(pre *index.TermFieldDoc) (*index.TermFieldDoc, error) {
	for t.part < len(t.parts) {
		p := &t.parts[t.part]
		for t.pos < len(p.p.docs) {
			i := t.pos
			t.pos++
			if p.deleted != nil && p.deleted.Contains(p.p.docs[i]) {
				continue
			}
			return t.fill(pre, p, i), nil
		}
		t.part, t.pos = t.part+1, 0
	}
	return nil, nil
}

// PostingRun is a stretch of one segment's decoded postings, read as
// arrays, so that a scorer adding up many postings makes no call and no
// copy for each: document numbers are Base plus Docs[i].
type PostingRun struct {
	Base    uint64
	Docs    []uint32
	Freqs   []uint16
	Norms   []float32
	Deleted *roaring.Bitmap // nil when the segment has none
}

// RunBelow returns the postings from where the reader stands up to
// document number end, within one segment, and moves past them; false
// when there are none. Deleted documents are in the run: the caller skips
// those in run.Deleted.
func (t *TermReader) RunBelow(end uint64) (PostingRun, bool) {
	for ; t.part < len(t.parts); t.part, t.pos = t.part+1, 0 {
		p := &t.parts[t.part]
		if p.start >= end {
			return PostingRun{}, false
		}
		docs := p.p.docs
		if t.pos == len(docs) {
			continue
		}
		n := len(docs)
		if p.end > end {
			n = gallop(docs, t.pos, uint32(end-p.start))
		}
		if n == t.pos {
			return PostingRun{}, false
		}
		run := PostingRun{Base: p.start, Docs: docs[t.pos:n], Freqs: p.p.freqs[t.pos:n], Norms: p.p.norms[t.pos:n]}
		if p.deleted != nil && !p.deleted.IsEmpty() {
			run.Deleted = p.deleted
		}
		t.pos = n
		return run, true
	}
	return PostingRun{}, false
}

// Left reports whether the reader has postings left, deleted ones
// included.
func (t *TermReader) Left() bool {
	return t.part < len(t.parts) && (t.pos < len(t.parts[t.part].p.docs) || t.part+1 < len(t.parts))
}

// Advance returns the first live posting at or after id, backwards too.
func (t *TermReader) Advance(id index.IndexInternalID, pre *index.TermFieldDoc) (*index.TermFieldDoc, error) {
	num := id.Value()
	part, _ := slices.BinarySearchFunc(t.parts, num, func(p decodedPart, n uint64) int {
		if p.end <= n {
			return -1
		}
		return 1
	})
	if part == len(t.parts) {
		t.part, t.pos = part, 0
		return nil, nil
	}
	p := &t.parts[part]
	pos := 0
	if num > p.start {
		local := uint32(num - p.start)
		lo := 0
		if part == t.part && t.pos > 0 && p.p.docs[t.pos-1] < local {
			lo = t.pos // forward: search only what is ahead
		}
		pos = gallop(p.p.docs, lo, local)
	}
	t.part, t.pos = part, pos
	return t.Next(pre)
}

// gallop returns the index of the first of docs[lo:] at or after n (or
// len(docs)). A reader moves forward through a sorted set, mostly by a
// short way: probing at doubling steps from lo finds the range in a few
// looks at memory near the last one, where a binary search over all that
// is ahead would start far away.
func gallop(docs []uint32, lo int, n uint32) int {
	hi, step := lo, 1
	for hi < len(docs) && docs[hi] < n {
		lo = hi + 1
		hi += step
		step *= 2
	}
	hi = min(hi, len(docs))
	i, _ := slices.BinarySearch(docs[lo:hi], n)
	return lo + i
}

func (t *TermReader) fill(pre *index.TermFieldDoc, p *decodedPart, i int) *index.TermFieldDoc {
	if pre == nil {
		pre = &index.TermFieldDoc{}
	}
	pre.ID = index.NewIndexInternalID(pre.ID, p.start+uint64(p.p.docs[i]))
	if t.freq {
		pre.Freq = uint64(p.p.freqs[i])
	}
	if t.norm {
		pre.Norm = float64(p.p.norms[i])
	}
	return pre
}

// Count is the number of live postings.
func (t *TermReader) Count() uint64 { return t.count }

// Close releases nothing: the arrays belong to the cache.
func (t *TermReader) Close() error { return nil }

// Size is the reader's own size; the arrays are the cache's.
func (t *TermReader) Size() int { return 64 + len(t.parts)*48 }
