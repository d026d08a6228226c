package search

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/policysearch/policysearch/search/exec"
)

// Facet counts come from bitmaps, not from bleve's facet builder. The
// builder decodes the doc values of every matching provision for every
// facet, and a facet with an active filter needs one more full search with
// that filter removed; on a broad query over 200,000 provisions that was
// most of the query's cost. Here one pass over the query's matches records
// their document numbers, and every count is the size of an intersection
// with the set of provisions holding a value, which is read once per index
// state.

// facetIndex holds, for one state of the index, the provisions holding each
// facet value, as sets of the state's document numbers.
type facetIndex struct {
	key    string
	values map[string][]facetPosting // facet name → its values, in term order
	// held lists, by facet, the values each provision holds: counting a
	// few thousand matches value by value walks them once, where
	// intersecting each value's set with theirs reads every set.
	held map[string]heldValues
	// terms keeps the provisions holding the terms searches read, in this
	// state's numbering: a common term's set costs more to read (a copy
	// of each segment's bitmap, renumbered) than to keep.
	terms *exec.TermSets
	// spreads keeps the share of places using each word similar
	// provisions weighed (see corpusWords): counting them reads up to
	// spreadSample provisions a common word, and a request weighs the
	// words of some forty candidates' titles beside its source's.
	spreads *exec.LRU[string, float64]
}

// stateTermsBytes bounds the memory of each state's term sets: a common
// term's set over 200,000 provisions is some 30 KB.
const stateTermsBytes = 32 << 20

// stateSpreadsBytes bounds the memory of each state's word spreads, some
// 100 bytes a word: room for the genre's common words many times over.
const stateSpreadsBytes = 2 << 20

// heldValues lists the values (indexes into a facet's values) provision n
// holds as values[starts[n]:starts[n+1]].
type heldValues struct {
	starts []uint32
	values []uint16
	// intersectNanos estimates the cost of intersecting every value's set
	// with dense matches.
	intersectNanos int64
}

// Counting a facet's values among matches either walks the matches,
// looking up the values each holds, or intersects each value's set with
// the matches. Walking costs in proportion to the matches; intersecting,
// when the matches are dense (bitmap containers), in proportion to the
// size of the values' sets, and many times more when they are sparse
// (array containers merged with arrays). Measured on 200,000 provisions
// (2 cores, AMD EPYC): a walk takes about 4 ns per match, times the values
// it holds when more than one; against dense matches, a value's bitmap
// container takes about 700 ns, and its array container 0.85 ns per
// element.
const (
	walkNanos   = 4
	bitmapNanos = 700
	arrayPicos  = 850
)

// intersectNanos estimates the time to intersect every one of values'
// sets with dense matches.
func intersectNanos(values []facetPosting) int64 {
	var ns int64
	for _, v := range values {
		st := v.docs.Stats()
		ns += int64(st.BitmapContainers)*bitmapNanos +
			int64(st.ArrayContainerValues)*arrayPicos/1000 +
			int64(st.RunContainerValues)*arrayPicos/1000 // runs cost less: an overestimate
	}
	return ns
}

// intersects reports whether counting among base is cheaper by
// intersecting each value's set than by walking base.
func (h heldValues) intersects(base *roaring.Bitmap) bool {
	if h.starts == nil {
		return true
	}
	st := base.Stats()
	if st.Cardinality < roaringArrayMax*st.Containers {
		return false // sparse: intersecting merges arrays, value by value
	}
	held := float64(len(h.values)) / float64(max(1, len(h.starts)-1))
	return float64(h.intersectNanos) < float64(st.Cardinality)*walkNanos*max(1, held)
}

// roaringArrayMax is the most values a roaring array container holds:
// a container with more is a bitmap.
const roaringArrayMax = 4096

// facetPosting is one facet value and the provisions holding it.
type facetPosting struct {
	value string
	docs  *roaring.Bitmap
}

// facetCache keeps the facet indexes of the latest index states: a search
// still holding the previous state while a write lands finds its own.
type facetCache struct {
	mu     sync.Mutex
	recent []*facetIndex // most recent first
}

// facetCacheStates is how many index states keep their facet index.
const facetCacheStates = 2

// get returns the facet index of the state r reads, building it when it is
// not cached. Builds are serialised: concurrent searches on a new state
// wait for one build rather than each making its own.
func (c *facetCache) get(ctx context.Context, r index.IndexReader) (*facetIndex, error) {
	key := stateKey(r)
	c.mu.Lock()
	defer c.mu.Unlock()
	if key != "" {
		for _, fi := range c.recent {
			if fi.key == key {
				return fi, nil
			}
		}
	}
	fi, err := buildFacetIndex(ctx, r, key)
	if err != nil {
		return nil, err
	}
	if key != "" {
		c.recent = append([]*facetIndex{fi}, c.recent[:min(len(c.recent), facetCacheStates-1)]...)
	}
	return fi, nil
}

// stateKey names the state r reads: its segments, in order, and how many
// documents each has deleted. Documents keep their numbers while the
// segments stay the same, and a segment's deletions only grow, so equal
// keys mean equal numbering and equal live documents (the match cache
// relies on the second: a cached match must not outlive its deletion).
// An empty key means r is not of a kind whose state is known, and
// nothing read from it is cached.
func stateKey(r index.IndexReader) string {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return ""
	}
	var b strings.Builder
	for _, s := range snap.Segments() {
		b.WriteString(strconv.FormatUint(s.Id(), 36))
		b.WriteByte(':')
		b.WriteString(strconv.FormatUint(s.Count(), 36))
		b.WriteByte(':')
		if d := s.Deleted(); d != nil {
			b.WriteString(strconv.FormatUint(d.GetCardinality(), 36))
		}
		b.WriteByte(' ')
	}
	return b.String()
}

func buildFacetIndex(ctx context.Context, r index.IndexReader, key string) (*facetIndex, error) {
	fi := &facetIndex{key: key, values: make(map[string][]facetPosting, len(FacetNames)), held: map[string]heldValues{},
		terms: exec.NewTermSets(stateTermsBytes), spreads: exec.NewLRU[string](stateSpreadsBytes, func(float64) int64 { return 100 })}
	sets := exec.NewSets(ctx, r, nil, nil, nil) // terms only: no query to build
	for _, f := range FacetNames {
		field := facetField(f)
		dict, err := r.FieldDict(field)
		if err != nil {
			return nil, fmt.Errorf("facet %s: read values: %w", f, err)
		}
		var terms []string
		for {
			e, err := dict.Next()
			if err != nil {
				_ = dict.Close()
				return nil, fmt.Errorf("facet %s: read values: %w", f, err)
			}
			if e == nil {
				break
			}
			if e.Term != "" {
				terms = append(terms, e.Term)
			}
		}
		if err := dict.Close(); err != nil {
			return nil, fmt.Errorf("facet %s: read values: %w", f, err)
		}
		for _, t := range terms {
			docs, err := sets.Term(field, t, nil)
			if err != nil {
				return nil, fmt.Errorf("facet %s: value %q: %w", f, t, err)
			}
			docs.RunOptimize()
			fi.values[f] = append(fi.values[f], facetPosting{value: t, docs: docs})
		}
		fi.held[f] = holding(fi.values[f])
	}
	return fi, nil
}

// holding lists the values each provision holds, from the provisions
// holding each value. Values past the 65,536th are not listed: such a
// facet is counted by its sets.
func holding(values []facetPosting) heldValues {
	if len(values) > math.MaxUint16+1 {
		return heldValues{}
	}
	var docs uint32
	for _, v := range values {
		if !v.docs.IsEmpty() {
			docs = max(docs, v.docs.Maximum()+1)
		}
	}
	h := heldValues{starts: make([]uint32, docs+1)}
	for _, v := range values {
		inBatches(v.docs, func(batch []uint32) bool {
			for _, n := range batch {
				h.starts[n+1]++
			}
			return true
		})
	}
	for n := 1; n < len(h.starts); n++ {
		h.starts[n] += h.starts[n-1]
	}
	h.values = make([]uint16, h.starts[docs])
	h.intersectNanos = intersectNanos(values)
	next := slices.Clone(h.starts[:docs])
	for i, v := range values {
		inBatches(v.docs, func(batch []uint32) bool {
			for _, n := range batch {
				h.values[next[n]] = uint16(i)
				next[n]++
			}
			return true
		})
	}
	return h
}

// inBatches calls f with the numbers b holds, in ascending batches, until
// f returns false: taken a few hundred at a time they come several times
// faster than one by one.
func inBatches(b *roaring.Bitmap, f func(batch []uint32) bool) {
	it := b.ManyIterator()
	buf := make([]uint32, 256)
	for k := it.NextMany(buf); k > 0; k = it.NextMany(buf) {
		if !f(buf[:k]) {
			return
		}
	}
}

// count returns how many of docs hold each value, walking docs; false
// when the list is not kept.
func (h heldValues) count(docs *roaring.Bitmap, values int) ([]int, bool) {
	if h.starts == nil {
		return nil, false
	}
	counts := make([]int, values)
	last := uint32(len(h.starts) - 1)
	inBatches(docs, func(batch []uint32) bool {
		for _, n := range batch {
			if n >= last {
				return false // provisions after the last holding a value
			}
			for _, v := range h.values[h.starts[n]:h.starts[n+1]] {
				counts[v]++
			}
		}
		return true
	})
	return counts, true
}

// filterSets returns, for each facet with an active filter, the provisions
// passing it: those holding any of its values. A value also matches the
// values it begins (嘉兴 for 嘉兴市); a year value is a year or a range.
func (fi *facetIndex) filterSets(f Filters) map[string]*roaring.Bitmap {
	sets := map[string]*roaring.Bitmap{}
	for _, name := range FacetNames {
		want := f[name]
		if len(want) == 0 {
			continue
		}
		var parts []*roaring.Bitmap
		for _, p := range fi.values[name] {
			if valuePasses(name, p.value, want) {
				parts = append(parts, p.docs)
			}
		}
		sets[name] = roaring.FastOr(parts...)
	}
	return sets
}

func valuePasses(facet, value string, want []string) bool {
	for _, w := range want {
		if facet == FacetYear {
			from, to, err := ParseYearRange(w)
			y, yerr := strconv.Atoi(value)
			if err == nil && yerr == nil && y >= from && y <= to {
				return true
			}
			continue
		}
		if strings.HasPrefix(value, w) {
			return true
		}
	}
	return false
}

// passing intersects the filter sets other than skip's; nil means no
// filter applies.
func passing(sets map[string]*roaring.Bitmap, skip string) *roaring.Bitmap {
	var out *roaring.Bitmap
	for name, s := range sets {
		if name == skip {
			continue
		}
		if out == nil {
			out = s.Clone()
		} else {
			out.And(s)
		}
	}
	return out
}

// counts returns every facet's value counts among matched. A facet with an
// active filter is counted with that filter removed (the others kept), so
// a user sees what widening that choice would give; the rest are counted
// among the provisions passing every filter.
func (fi *facetIndex) counts(matched *roaring.Bitmap, sets map[string]*roaring.Bitmap) map[string][]FacetValue {
	within := func(skip string) *roaring.Bitmap {
		p := passing(sets, skip)
		if p == nil {
			return matched
		}
		return roaring.And(matched, p)
	}
	all := within("")
	out := make(map[string][]FacetValue, len(FacetNames))
	for _, f := range FacetNames {
		base := all
		if _, ok := sets[f]; ok {
			base = within(f)
		}
		vals := []FacetValue{}
		if !base.IsEmpty() {
			values := fi.values[f]
			counts, walked := []int(nil), false
			if h := fi.held[f]; !h.intersects(base) {
				counts, walked = h.count(base, len(values))
			}
			if walked {
				for i, n := range counts {
					if n > 0 {
						vals = append(vals, FacetValue{Value: values[i].value, Count: n})
					}
				}
			} else {
				for _, p := range values {
					if n := base.AndCardinality(p.docs); n > 0 {
						vals = append(vals, FacetValue{Value: p.value, Count: int(n)})
					}
				}
			}
		}
		sort.SliceStable(vals, func(i, j int) bool { return vals[i].Count > vals[j].Count })
		if len(vals) > facetSize {
			vals = vals[:facetSize]
		}
		if f == FacetYear {
			sort.Slice(vals, func(i, j int) bool { return vals[i].Value > vals[j].Value })
		}
		out[f] = vals
	}
	return out
}
