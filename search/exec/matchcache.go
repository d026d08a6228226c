package exec

import "github.com/RoaringBitmap/roaring/v2"

// MatchCacheBytes bounds the memory of the match cache. An entry costs 12
// bytes a match: 64 MiB hold the matches of hundreds of broad queries over
// 200,000 provisions.
const MatchCacheBytes = 64 << 20

// MatchCache keeps every scored match of recent queries, by index state
// and query, so that the same query filtered another way, paged, or asked
// again is answered without walking the index. Facet drilling and paging
// are most of what follows a search, and they only change which of the
// same matches are shown and counted. An entry's key names its index
// state, so a write makes it unreachable rather than wrong.
type MatchCache struct {
	entries *LRU[string, *Matches]
}

// NewMatchCache returns a match cache of at most limit bytes.
func NewMatchCache(limit int64) *MatchCache {
	return &MatchCache{entries: NewLRU[string](limit, (*Matches).bytes)}
}

// Get returns the matches cached under key.
func (c *MatchCache) Get(key string) (*Matches, bool) { return c.entries.Get(key) }

// Put caches m under key, unless m is too large to share the cache.
func (c *MatchCache) Put(key string, m *Matches) { c.entries.Put(key, m) }

// Matches is every match of a query in one index state, with its score:
// what the match cache holds.
type Matches struct {
	docs   []uint32 // ascending document numbers
	scores []float64
}

// Rank returns the matches passing filter (nil: all) from rank from to
// from+size, best first, and every match as a set.
func (m *Matches) Rank(filter *roaring.Bitmap, from, size int) ([]Ranked, *roaring.Bitmap) {
	top := &topMatches{}
	for i, n := range m.docs {
		if filter == nil || filter.Contains(n) {
			top.offer(Ranked{n, m.scores[i]}, from+size)
		}
	}
	all := roaring.New()
	all.AddMany(m.docs)
	return top.best(from), all
}

// Best returns the matches from rank from to from+size, best first.
func (m *Matches) Best(from, size int) []Ranked {
	top := &topMatches{}
	for i, n := range m.docs {
		top.offer(Ranked{n, m.scores[i]}, from+size)
	}
	return top.best(from)
}

func (m *Matches) bytes() int64 {
	return int64(cap(m.docs))*4 + int64(cap(m.scores))*8 + 64
}
