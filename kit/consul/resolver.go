package consul

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit"
)

// minRetry is the first delay after a failed query; it doubles up to the
// target's max-backoff.
const minRetry = 10 * time.Millisecond

// builder builds resolvers of f.Scheme targets.
type builder struct{ f *Flavor }

// Scheme returns the flavor's scheme.
func (b *builder) Scheme() string { return b.f.Scheme }

// Build parses the target and joins the watch of its agent. It does not
// wait for consul: dtm panics when a dial fails, so only a malformed target
// is an error, and an unreachable agent is reported to the connection and
// retried.
func (b *builder) Build(target resolver.Target, cc resolver.ClientConn, _ resolver.BuildOptions) (resolver.Resolver, error) {
	t, err := ParseTarget(b.f.Scheme, kit.TargetString(b.f.Scheme, &target.URL))
	if err != nil {
		return nil, kit.DriverError(b.f.Driver, err)
	}
	r := &consulResolver{f: b.f, t: t, feed: kit.NewFeed(cc)}
	r.w = joinWatch(r)
	return r, nil
}

// consulResolver gives its connection the passing instances of one
// service, as the watch of its agent reads them. It has no goroutine or
// connection of its own.
type consulResolver struct {
	f    *Flavor
	t    Target
	w    *agentWatch
	feed *kit.Feed

	mu   sync.Mutex
	last []string // the addresses given last, nil before the first
}

// ResolveNow does nothing: the agent's watch already waits for changes.
func (r *consulResolver) ResolveNow(resolver.ResolveNowOptions) {}

// Close stops the resolver: once it returns, the connection hears no more
// from it. Closing the agent's last resolver stops the agent's watch and
// waits for its goroutines.
func (r *consulResolver) Close() {
	if r.feed.Close() {
		r.w.leave(r)
	}
}

// offer gives the connection the addresses of the entries, numbered seq,
// when they changed. With none, the connection forgets the old ones and its
// calls fail saying why, instead of going to instances that left or fail
// their checks.
func (r *consulResolver) offer(seq uint64, entries []Entry) {
	addrs := []string{}
	for _, e := range entries {
		if a := r.f.addr(e); a != "" {
			addrs = append(addrs, a)
		}
	}
	slices.Sort(addrs)
	addrs = slices.Compact(addrs)
	if r.t.Limit > 0 && len(addrs) > r.t.Limit {
		addrs = addrs[:r.t.Limit]
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.last != nil && slices.Equal(addrs, r.last) {
		return
	}
	state := resolver.State{Addresses: make([]resolver.Address, len(addrs))}
	for i, a := range addrs {
		state.Addresses[i] = resolver.Address{Addr: a}
	}
	if r.feed.Deliver(seq, state, func() error { return fmt.Errorf("%s: no passing instance of %s", r.f.Driver, r.t) }) {
		r.last = addrs
	}
}

// reportError tells the connection why its instances may be out of date;
// it keeps the last ones (the agent may be restarting; they still serve).
func (r *consulResolver) reportError(err error) {
	r.feed.ReportError(fmt.Errorf("%s: resolve %s: %w", r.f.Driver, r.t, redactErr(err)))
}
