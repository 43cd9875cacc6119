package kit

import "sync"

// Shared holds values by key, each opened by the first Acquire of its key
// and closed after the last Release: a registry client or watch that every
// resolver and registration with the same settings uses, rather than one
// each. The zero Shared is ready to use.
type Shared[K comparable, V any] struct {
	mu      sync.Mutex
	entries map[K]*sharedEntry[V]
}

type sharedEntry[V any] struct {
	v    V
	refs int
}

// Acquire returns the value of key, opening it with open if no one holds
// it. open runs under the Shared's lock, so that a key is never opened
// twice; its error is returned and nothing is kept.
func (s *Shared[K, V]) Acquire(key K, open func() (V, error)) (V, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.entries[key]; ok {
		e.refs++
		return e.v, nil
	}
	v, err := open()
	if err != nil {
		return v, err
	}
	if s.entries == nil {
		s.entries = map[K]*sharedEntry[V]{}
	}
	s.entries[key] = &sharedEntry[V]{v: v, refs: 1}
	return v, nil
}

// Release drops one hold on key, and after the last calls close with its
// value, outside the lock: a close that waits for goroutines does not hold
// up the other keys. The next Acquire of key opens a new value.
func (s *Shared[K, V]) Release(key K, close func(V)) {
	s.mu.Lock()
	e := s.entries[key]
	e.refs--
	last := e.refs == 0
	if last {
		delete(s.entries, key)
	}
	s.mu.Unlock()
	if last {
		close(e.v)
	}
}
