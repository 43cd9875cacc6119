package nacos

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/nacos-group/nacos-sdk-go/v2/model"
	"github.com/nacos-group/nacos-sdk-go/v2/vo"
	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit"
)

// Delays of the resolver: between attempts to create a client, and between
// re-reads of the client's cache, a safety net behind nacos' pushes.
const (
	minRetry = 100 * time.Millisecond
	maxRetry = 5 * time.Second
	reread   = 10 * time.Second
)

// builder builds resolvers of f.Scheme targets.
type builder struct{ f *Flavor }

// Scheme returns the flavor's scheme.
func (b *builder) Scheme() string { return b.f.Scheme }

// Build parses the target and starts following the service. It does not
// wait for nacos: dtm panics when a dial fails, so only a malformed target
// is an error, and an unreachable nacos is reported to the connection and
// retried.
func (b *builder) Build(target resolver.Target, cc resolver.ClientConn, _ resolver.BuildOptions) (resolver.Resolver, error) {
	t, err := ParseTarget(b.f.Scheme, kit.TargetString(b.f.Scheme, &target.URL))
	if err != nil {
		return nil, kit.DriverError(b.f.Driver, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &nacosResolver{f: b.f, t: t, cc: cc, cancel: cancel, done: make(chan struct{}), poke: make(chan struct{}, 1)}
	go r.run(ctx)
	return r, nil
}

// nacosResolver follows one service through a shared naming client.
type nacosResolver struct {
	f      *Flavor
	t      Target
	cc     resolver.ClientConn
	cancel context.CancelFunc
	done   chan struct{} // closed when run returns
	// poke asks run to read the instances again: nacos pushed a change,
	// or grpc asked.
	poke chan struct{}
	last []string // the addresses reported last
}

// ResolveNow reads the client's cache again.
func (r *nacosResolver) ResolveNow(resolver.ResolveNowOptions) { r.wake() }

// Close stops following the service, and returns once the resolver's
// goroutine has unsubscribed and given its client back.
func (r *nacosResolver) Close() {
	r.cancel()
	<-r.done
}

func (r *nacosResolver) wake() {
	select {
	case r.poke <- struct{}{}:
	default:
	}
}

// run gets a client, subscribes, and reports the instances after every
// push until ctx ends. A second subscriber of a service on a shared client
// gets no push for the instances already known (nacos-sdk-go calls back on
// changes only), so the resolver reads the client's cache itself, once
// subscribed and after every push.
func (r *nacosResolver) run(ctx context.Context) {
	defer close(r.done)
	c := r.client(ctx)
	if c == nil {
		return
	}
	defer c.release()
	sub := &vo.SubscribeParam{
		ServiceName:       r.f.serviceName(r.t.Service),
		GroupName:         r.t.Group,
		Clusters:          r.t.Clusters,
		SubscribeCallback: func([]model.Instance, error) { r.wake() },
	}
	if err := c.naming.Subscribe(sub); err != nil {
		// the cache re-read below asks the server again
		r.cc.ReportError(fmt.Errorf("%s: subscribe to %s: %w", r.f.Driver, r.f.describe(r.t), redactErr(err)))
	}
	defer func() { _ = c.naming.Unsubscribe(sub) }()
	r.update(c)
	tick := time.NewTicker(reread)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.poke:
		case <-tick.C:
		}
		r.update(c)
	}
}

// client acquires the client, retrying with backoff until ctx ends.
func (r *nacosResolver) client(ctx context.Context) *client {
	delay := minRetry
	for {
		c, err := acquire(r.t, r.f)
		if err == nil {
			return c
		}
		r.cc.ReportError(fmt.Errorf("%s: resolve %s: %w", r.f.Driver, r.f.describe(r.t), err))
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		delay = min(2*delay, maxRetry)
	}
}

// update reports the service's healthy, enabled instances, when they
// changed. With none, the connection forgets the old ones and its calls
// fail saying why, instead of going to instances that left.
func (r *nacosResolver) update(c *client) {
	instances, err := c.naming.SelectAllInstances(vo.SelectAllInstancesParam{
		ServiceName: r.f.serviceName(r.t.Service),
		GroupName:   r.t.Group,
		Clusters:    r.t.Clusters,
	})
	if err != nil {
		r.cc.ReportError(fmt.Errorf("%s: resolve %s: %w", r.f.Driver, r.f.describe(r.t), redactErr(err)))
		return
	}
	addrs := r.addrs(instances)
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
		r.cc.ReportError(fmt.Errorf("%s: no healthy instance of %s", r.f.Driver, r.f.describe(r.t)))
	}
}

// addrs are the sorted, distinct addresses of the usable instances.
func (r *nacosResolver) addrs(instances []model.Instance) []string {
	addrs := []string{}
	for _, in := range instances {
		if !in.Healthy || !in.Enable || in.Weight <= 0 {
			continue
		}
		if a := r.f.addr(in); a != "" {
			addrs = append(addrs, a)
		}
	}
	slices.Sort(addrs)
	return slices.Compact(addrs)
}
