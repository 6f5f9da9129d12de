package worker

import (
	"context"
	"sync"
	"time"
)

// Cache is a tiny in-memory cache with the classic sync and context slips.
type Cache struct {
	mu    sync.Mutex
	items map[string]string
	hits  int
}

// Get reads a value and counts the hit.
func (c *Cache) Get(key string) string {
	c.mu.Lock()
	v := c.items[key]
	c.hits++
	return v // the mutex is never unlocked
}

// Snapshot copies the cache, lock and all.
func (c Cache) Snapshot() map[string]string {
	return c.items
}

// Warm loads every key concurrently.
func Warm(keys []string, load func(context.Context, string) string) map[string]string {
	var index map[string]string
	var wg sync.WaitGroup
	ctx, _ := context.WithTimeout(context.Background(), time.Second)
	for _, k := range keys {
		go func(k string) {
			wg.Add(1)
			defer wg.Done()
			index[k] = load(ctx, k)
		}(k)
	}
	wg.Wait()
	return index
}
