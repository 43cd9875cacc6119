package kittest

import (
	"sync"
	"time"

	"google.golang.org/grpc/balancer"
	"google.golang.org/grpc/resolver"
	"google.golang.org/grpc/serviceconfig"
)

// ClientConn is the resolver.ClientConn of resolver unit tests: it records
// the states, errors and service configs a resolver reports, and lets a
// test wait for them. The zero value is ready; it is safe for concurrent
// use, since resolvers report from their own goroutines.
type ClientConn struct {
	// RejectEmpty makes UpdateState refuse a state without addresses, as
	// grpc's base balancers do (balancer.ErrBadResolverState).
	RejectEmpty bool

	mu      sync.Mutex
	states  []resolver.State
	errs    []error
	configs []string
	changed chan struct{} // closed, and replaced, on every report
}

var _ resolver.ClientConn = (*ClientConn)(nil)

// UpdateState records s.
func (c *ClientConn) UpdateState(s resolver.State) error {
	c.record(func() { c.states = append(c.states, s) })
	if c.RejectEmpty && len(s.Addresses) == 0 {
		return balancer.ErrBadResolverState
	}
	return nil
}

// ReportError records err.
func (c *ClientConn) ReportError(err error) {
	c.record(func() { c.errs = append(c.errs, err) })
}

// NewAddress records a state holding addrs, as grpc's deprecated call does.
func (c *ClientConn) NewAddress(addrs []resolver.Address) {
	_ = c.UpdateState(resolver.State{Addresses: addrs})
}

// NewServiceConfig is the deprecated call that resolver.ClientConn still
// had before grpc 1.60; it keeps this type a resolver.ClientConn at kit's
// oldest grpc (see kit/go.mod).
func (c *ClientConn) NewServiceConfig(string) {}

// ParseServiceConfig records the JSON and returns a result that carries no
// config: resolvers only pass it on, and tests compare it by identity.
func (c *ClientConn) ParseServiceConfig(js string) *serviceconfig.ParseResult {
	c.record(func() { c.configs = append(c.configs, js) })
	return &serviceconfig.ParseResult{}
}

// States returns the states reported so far.
func (c *ClientConn) States() []resolver.State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]resolver.State(nil), c.states...)
}

// Errors returns the errors reported so far.
func (c *ClientConn) Errors() []error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]error(nil), c.errs...)
}

// Configs returns the service config JSON parsed so far.
func (c *ClientConn) Configs() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.configs...)
}

// Await waits until cond, which reads what was reported, holds, checking it
// again after every report; it reports false if timeout passes first.
func (c *ClientConn) Await(timeout time.Duration, cond func() bool) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		changed := c.changes()
		if cond() {
			return true
		}
		select {
		case <-changed:
		case <-deadline.C:
			return cond()
		}
	}
}

// record applies add under the lock and wakes Await.
func (c *ClientConn) record(add func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	add()
	if c.changed != nil {
		close(c.changed)
		c.changed = nil
	}
}

// changes returns a channel closed by the next report.
func (c *ClientConn) changes() chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.changed == nil {
		c.changed = make(chan struct{})
	}
	return c.changed
}
