package exec

import (
	"container/list"
	"sync"
)

// LRU is a cache bounded by the bytes of what it holds; past its limit it
// drops the least recently used entries. Safe for concurrent use.
type LRU[K comparable, V any] struct {
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

// NewLRU returns a cache of at most limit bytes, each value weighing what
// bytes says.
func NewLRU[K comparable, V any](limit int64, bytes func(V) int64) *LRU[K, V] {
	return &LRU[K, V]{limit: limit, bytes: bytes, order: list.New(), byKey: map[K]*list.Element{}}
}

// Get returns the value cached under k.
func (c *LRU[K, V]) Get(k K) (V, bool) {
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

// Put caches v under k, replacing what k held. A value too large to share
// the cache with others (over an eighth of it) is not kept.
func (c *LRU[K, V]) Put(k K, v V) {
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
func (c *LRU[K, V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// drop removes the entries whose keys gone says are gone.
func (c *LRU[K, V]) drop(gone func(K) bool) {
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
