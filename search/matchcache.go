package search

import "github.com/RoaringBitmap/roaring/v2"

// matchCacheBytes bounds the memory of the match cache. An entry costs 12
// bytes a match: 64 MiB hold the matches of hundreds of broad queries over
// 200,000 provisions.
const matchCacheBytes = 64 << 20

// matchCache keeps every scored match of recent queries, by index state
// and query, so that the same query filtered another way, paged, or asked
// again is answered without walking the index. Facet drilling and paging
// are most of what follows a search, and they only change which of the
// same matches are shown and counted. An entry's key names its index
// state, so a write makes it unreachable rather than wrong.
type matchCache = lru[string, *scoredMatches]

func newMatchCache(limit int64) *matchCache {
	return newLRU[string](limit, (*scoredMatches).bytes)
}

// scoredMatches is every match of a query in one index state.
type scoredMatches struct {
	docs   []uint32 // ascending document numbers
	scores []float64
}

// rank returns the matches passing filter (nil: all) from rank from to
// from+size, best first, and every match as a set.
func (m *scoredMatches) rank(filter *roaring.Bitmap, from, size int) ([]rankedDoc, *roaring.Bitmap) {
	top := &topMatches{}
	for i, n := range m.docs {
		if filter == nil || filter.Contains(n) {
			top.offer(rankedDoc{n, m.scores[i]}, from+size)
		}
	}
	all := roaring.New()
	all.AddMany(m.docs)
	return top.best(from), all
}

func (m *scoredMatches) bytes() int64 {
	return int64(cap(m.docs))*4 + int64(cap(m.scores))*8 + 64
}
