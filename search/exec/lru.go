package exec

import (
	"container/list"
	"sync"
)

// lru is a cache bounded by the bytes of what it holds; past its limit it
// drops the least recently used entries. Safe for concurrent use.
type lru[K comparable, V any] struct {
	mu    sync.Mutex
	limit int64
	size  int64
	bytes func(V) int64
	order *list.List // of *lruEntry[K, V], most recently used first
	byKey map[K]*list.Element
}

type lruEntry[K comparable, V any] struct {
	key K
	val V
	n   int64 // bytes, as counted when put
}

// newLRU returns a cache of at most limit bytes, each value weighing what
// bytes says.
func newLRU[K comparable, V any](limit int64, bytes func(V) int64) *lru[K, V] {
	return &lru[K, V]{limit: limit, bytes: bytes, order: list.New(), byKey: map[K]*list.Element{}}
}

// get returns the value cached under k.
func (c *lru[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruEntry[K, V]).val, true
}

// put caches v under k, replacing what k held. A value too large to share
// the cache with others (over an eighth of it) is not kept.
func (c *lru[K, V]) put(k K, v V) {
	n := c.bytes(v)
	if n > c.limit/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[k]; ok {
		c.size -= el.Value.(*lruEntry[K, V]).n
		c.order.Remove(el)
	}
	c.byKey[k] = c.order.PushFront(&lruEntry[K, V]{key: k, val: v, n: n})
	c.size += n
	for c.size > c.limit {
		el := c.order.Back()
		old := el.Value.(*lruEntry[K, V])
		c.order.Remove(el)
		delete(c.byKey, old.key)
		c.size -= old.n
	}
}

// len is the number of entries.
func (c *lru[K, V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// drop removes the entries whose keys gone says are gone.
func (c *lru[K, V]) drop(gone func(K) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for el := c.order.Front(); el != nil; {
		next := el.Next()
		if e := el.Value.(*lruEntry[K, V]); gone(e.key) {
			c.order.Remove(el)
			delete(c.byKey, e.key)
			c.size -= e.n
		}
		el = next
	}
}
