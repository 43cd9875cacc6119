package consul

import (
	"context"
	"fmt"
	"slices"
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

// Build parses the target and starts following the service. It does not
// wait for consul: dtm panics when a dial fails, so only a malformed target
// is an error, and an unreachable agent is reported to the connection and
// retried.
func (b *builder) Build(target resolver.Target, cc resolver.ClientConn, _ resolver.BuildOptions) (resolver.Resolver, error) {
	t, err := ParseTarget(b.f.Scheme, kit.TargetString(b.f.Scheme, &target.URL))
	if err != nil {
		return nil, kit.DriverError(b.f.Driver, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &consulResolver{f: b.f, t: t, a: newAgent(t), cc: cc, cancel: cancel, done: make(chan struct{})}
	go r.run(ctx)
	return r, nil
}

// consulResolver follows one service with blocking queries.
type consulResolver struct {
	f      *Flavor
	t      Target
	a      *agent
	cc     resolver.ClientConn
	cancel context.CancelFunc
	done   chan struct{} // closed when run returns
	last   []string      // the addresses reported last, nil before the first
}

// ResolveNow does nothing: the blocking query already waits for changes.
func (r *consulResolver) ResolveNow(resolver.ResolveNowOptions) {}

// Close stops following the service, and returns once the resolver's
// goroutine has ended and its connections are closed.
func (r *consulResolver) Close() {
	r.cancel()
	<-r.done
	r.a.close()
}

// run queries the passing instances, then waits on each answer's index for
// the next change, until ctx ends. On an error it keeps the instances last
// reported (the agent may be restarting; the instances still serve),
// reports the error and retries with backoff.
func (r *consulResolver) run(ctx context.Context) {
	defer close(r.done)
	maxDelay := r.t.MaxBackoff
	if maxDelay <= 0 {
		maxDelay = time.Second
	}
	var index uint64
	delay := minRetry
	for {
		entries, next, err := r.a.health(ctx, r.t.Service, true, index)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			r.cc.ReportError(fmt.Errorf("%s: resolve %s: %w", r.f.Driver, r.t, redactErr(err)))
			index = 0
			timer := time.NewTimer(delay)
			select {
			case <-ctx.Done():
				timer.Stop()
				return
			case <-timer.C:
			}
			delay = min(2*delay, maxDelay)
			continue
		}
		delay = minRetry
		// an index that goes back (the agent's state was reset) or is 0
		// would not block: start over
		if next < index || next == 0 {
			next = 0
		}
		if next == 0 && index == 0 {
			next = 1
		}
		index = next
		r.update(entries)
	}
}

// update reports the addresses of the entries, when they changed. With none,
// the connection forgets the old ones and its calls fail saying why,
// instead of going to instances that left or fail their checks.
func (r *consulResolver) update(entries []Entry) {
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
	if r.last != nil && slices.Equal(addrs, r.last) {
		return
	}
	r.last = addrs
	state := resolver.State{Addresses: make([]resolver.Address, len(addrs))}
	for i, a := range addrs {
		state.Addresses[i] = resolver.Address{Addr: a}
	}
	_ = r.cc.UpdateState(state)
	if len(addrs) == 0 {
		r.cc.ReportError(fmt.Errorf("%s: no passing instance of %s", r.f.Driver, r.t))
	}
}
