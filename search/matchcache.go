package search

import (
	"container/list"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
)

// matchCacheBytes bounds the memory of the match cache. An entry costs 12
// bytes a match: 64 MiB hold the matches of hundreds of broad queries over
// 200,000 provisions.
const matchCacheBytes = 64 << 20

// matchCache keeps every scored match of recent queries, by index state
// and query, so that the same query filtered another way, paged, or asked
// again is answered without walking the index. Facet drilling and paging
// are most of what follows a search, and they only change which of the
// same matches are shown and counted. An entry names its index state, so
// a write makes it unreachable rather than wrong.
type matchCache struct {
	mu    sync.Mutex
	limit int64
	size  int64
	order *list.List // of *scoredMatches, most recently used first
	byKey map[string]*list.Element
}

// scoredMatches is every match of a query in one index state.
type scoredMatches struct {
	key    string
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
	return int64(cap(m.docs))*4 + int64(cap(m.scores))*8 + int64(len(m.key)) + 64
}

func newMatchCache(limit int64) *matchCache {
	return &matchCache{limit: limit, order: list.New(), byKey: map[string]*list.Element{}}
}

// get returns the matches cached under key, or nil (always for an empty
// key).
func (c *matchCache) get(key string) *scoredMatches {
	if key == "" {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return nil
	}
	c.order.MoveToFront(el)
	return el.Value.(*scoredMatches)
}

// put caches m, dropping the least recently used entries past the limit.
// Matches too large to share the cache with others are not kept.
func (c *matchCache) put(m *scoredMatches) {
	n := m.bytes()
	if n > c.limit/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[m.key]; ok {
		c.size -= el.Value.(*scoredMatches).bytes()
		c.order.Remove(el)
	}
	c.byKey[m.key] = c.order.PushFront(m)
	c.size += n
	for c.size > c.limit {
		el := c.order.Back()
		old := el.Value.(*scoredMatches)
		c.order.Remove(el)
		delete(c.byKey, old.key)
		c.size -= old.bytes()
	}
}
