package kit

import (
	"context"
	"sync"
)

// Connections makes one connection per key, in the background on first
// use, and keeps it until Close: the registry client a driver shares among
// the resolvers and registrations that name the same cluster. A caller
// waits with its own context, so a resolver being closed stops waiting at
// once while the connection goes on for the others; a failed connection is
// forgotten, so that the next Get tries again.
type Connections[K comparable, V any] struct {
	ctx       context.Context
	cancel    context.CancelFunc
	closedErr error

	mu      sync.Mutex
	made    map[K]*connection[V]
	closed  bool
	running sync.WaitGroup // connections being made
}

// connection is one key's connection, made once.
type connection[V any] struct {
	ready chan struct{} // closed once v or err is set
	v     V
	err   error
}

// NewConnections returns Connections that make their connections with a
// context that ends when parent does or Close is called, and whose Get
// returns closedErr after Close.
func NewConnections[K comparable, V any](parent context.Context, closedErr error) *Connections[K, V] {
	ctx, cancel := context.WithCancel(parent)
	return &Connections[K, V]{ctx: ctx, cancel: cancel, closedErr: closedErr, made: map[K]*connection[V]{}}
}

// Get returns the connection of key, starting connect in a goroutine if no
// connection of key is made or being made, and waits until it is made or
// ctx is done (then returning ctx's error).
func (c *Connections[K, V]) Get(ctx context.Context, key K, connect func(context.Context) (V, error)) (V, error) {
	var zero V
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return zero, c.closedErr
	}
	conn, found := c.made[key]
	if !found {
		conn = &connection[V]{ready: make(chan struct{})}
		c.made[key] = conn
		c.running.Add(1)
		go c.make(key, conn, connect)
	}
	c.mu.Unlock()

	select {
	case <-conn.ready:
		return conn.v, conn.err
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// make runs connect for key, and forgets the connection if it failed.
func (c *Connections[K, V]) make(key K, conn *connection[V], connect func(context.Context) (V, error)) {
	defer c.running.Done()
	conn.v, conn.err = connect(c.ctx)
	if conn.err != nil {
		c.mu.Lock()
		if c.made[key] == conn {
			delete(c.made, key)
		}
		c.mu.Unlock()
	}
	close(conn.ready)
}

// Close stops the connections being made, waits for them to return, and
// calls closeConn with every connection made, in no particular order. Get
// returns the closed error afterwards. Close is called once.
func (c *Connections[K, V]) Close(closeConn func(V)) {
	c.mu.Lock()
	c.closed = true
	made := c.made
	c.made = nil
	c.mu.Unlock()
	c.cancel()
	c.running.Wait()
	for _, conn := range made {
		if conn.err == nil {
			closeConn(conn.v)
		}
	}
}
