package kit

import (
	"sync"
	"sync/atomic"
)

// ParseCacheSize bounds a ParseCache: past it, URLs are parsed every time.
const ParseCacheSize = 4096

// ParseCache remembers the server and method of branch URLs a driver has
// already parsed and validated. dtm calls ParseServerMethod on every branch
// call with the few URLs its transactions name, so after the first call a
// lookup is all the work: one atomic load and one map read, no lock, no
// allocation. Errors are not cached. The zero value is ready to use.
type ParseCache struct {
	entries atomic.Pointer[map[string]serverMethod]
	mu      sync.Mutex // serialises writers, which copy the map
}

type serverMethod struct{ server, method string }

// Parse returns the cached split of uri, or calls parse and caches its
// result if it succeeds.
func (c *ParseCache) Parse(uri string, parse func(string) (server, method string, err error)) (string, string, error) {
	if m := c.entries.Load(); m != nil {
		if e, ok := (*m)[uri]; ok {
			return e.server, e.method, nil
		}
	}
	server, method, err := parse(uri)
	if err == nil {
		c.add(uri, serverMethod{server, method})
	}
	return server, method, err
}

// add publishes a copy of the map with one more entry; new URLs are rare, so
// copying keeps readers free of locks.
func (c *ParseCache) add(uri string, e serverMethod) {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.entries.Load()
	n := 0
	if old != nil {
		if _, ok := (*old)[uri]; ok {
			return
		}
		n = len(*old)
	}
	if n >= ParseCacheSize {
		return
	}
	m := make(map[string]serverMethod, n+1)
	if old != nil {
		for k, v := range *old {
			m[k] = v
		}
	}
	m[uri] = e
	c.entries.Store(&m)
}

// Reset forgets every cached URL, for a driver whose validity rules change
// (after Close, say).
func (c *ParseCache) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries.Store(nil)
}
