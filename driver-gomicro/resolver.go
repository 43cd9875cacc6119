package gomicrodriver

import (
	"context"
	"fmt"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit"
)

// Retry delays after a failed watch (etcd down, wrong credentials) or a lost
// lease.
const (
	minRetry = 100 * time.Millisecond
	maxRetry = 5 * time.Second
)

// stallTimeout is how long a watch may go without a first answer before the
// connection is told why its calls wait. etcd calls wait for a connection
// rather than fail, so without it an unreachable etcd would go unreported.
var stallTimeout = dialTimeout

// builder resolves gomicro:// targets. Build does not wait for etcd: dtm
// panics when a dial fails, so only a malformed target is an error, and an
// unreachable etcd is reported to the connection and retried. grpc's
// registry is process-wide: the builder points at the Driver that
// registered it, whose session holds the clients and resolvers.
type builder struct{ d *Driver }

// Scheme returns Scheme.
func (*builder) Scheme() string { return Scheme }

// Build starts a resolver in the driver's session; its errors name the
// driver.
func (b *builder) Build(target resolver.Target, cc resolver.ClientConn, _ resolver.BuildOptions) (resolver.Resolver, error) {
	u := target.URL
	raw := Scheme + "://"
	if u.User != nil {
		raw += u.User.String() + "@"
	}
	raw += u.Host + u.Path
	if u.RawQuery != "" {
		raw += "?" + u.RawQuery
	}
	t, err := parseTarget(raw, raw)
	if err != nil {
		return nil, kit.DriverError(Name, err)
	}
	s := b.d.session()
	ctx, cancel := context.WithCancel(s.ctx)
	r := &watchResolver{cc: cc, service: t.Key, cancel: cancel, done: make(chan struct{})}
	err = s.goAdd(func() {
		defer close(r.done)
		r.run(ctx, func(ctx context.Context) (*cluster, error) { return s.clusterFor(ctx, t) })
	})
	if err != nil {
		cancel()
		return nil, kit.DriverError(Name, err)
	}
	return r, nil
}

// watchResolver follows the nodes of one go-micro service in etcd.
type watchResolver struct {
	cc      resolver.ClientConn
	service string
	cancel  context.CancelFunc
	done    chan struct{} // closed when run returns
}

// ResolveNow does nothing: the etcd watch reports every change.
func (*watchResolver) ResolveNow(resolver.ResolveNowOptions) {}

// Close stops the watch and waits for the resolver's goroutine, which
// returns as soon as its etcd calls see the cancellation: it never waits
// for a connection to etcd, which the session makes.
func (r *watchResolver) Close() {
	r.cancel()
	<-r.done
}

// run watches until ctx is done, retrying with backoff after failures.
func (r *watchResolver) run(ctx context.Context, find func(context.Context) (*cluster, error)) {
	delay := minRetry
	for {
		updated, err := r.watch(ctx, find)
		if ctx.Err() != nil {
			return
		}
		r.cc.ReportError(fmt.Errorf("%s: resolve go-micro service %q: %w", Name, r.service, err))
		if updated {
			delay = minRetry
		}
		if !kit.Sleep(ctx, delay) {
			return
		}
		delay = min(2*delay, maxRetry)
	}
}

// watch lists the service's nodes, then follows their changes until the
// watch fails, and says whether it reported any state.
func (r *watchResolver) watch(ctx context.Context, find func(context.Context) (*cluster, error)) (updated bool, err error) {
	stall := time.AfterFunc(stallTimeout, func() {
		r.cc.ReportError(fmt.Errorf("%s: resolve go-micro service %q: no answer from etcd within %s, still trying",
			Name, r.service, stallTimeout))
	})
	defer stall.Stop()
	// ending this attempt's context closes its etcd watcher
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c, err := find(ctx)
	if err != nil {
		return false, err
	}
	prefix := servicePrefix(r.service)
	resp, err := c.client.Get(ctx, prefix, clientv3.WithPrefix())
	if err != nil {
		return false, fmt.Errorf("list %s in etcd %s: %w", prefix, c.hosts, err)
	}
	stall.Stop()
	nodes := make(map[string][]string, len(resp.Kvs))
	for _, kv := range resp.Kvs {
		nodes[string(kv.Key)] = grpcNodeAddrs(kv.Value)
	}
	r.update(nodes)
	updated = true

	// clientv3.WithRequireLeader: a member cut off from the others ends the
	// watch instead of going silent
	w := c.client.Watch(clientv3.WithRequireLeader(ctx), prefix, clientv3.WithPrefix(), clientv3.WithRev(resp.Header.Revision+1))
	for wr := range w {
		if err := wr.Err(); err != nil {
			return true, fmt.Errorf("watch %s in etcd %s: %w", prefix, c.hosts, err)
		}
		for _, ev := range wr.Events {
			if ev.Type == clientv3.EventTypeDelete {
				delete(nodes, string(ev.Kv.Key))
			} else {
				nodes[string(ev.Kv.Key)] = grpcNodeAddrs(ev.Kv.Value)
			}
		}
		r.update(nodes)
	}
	return true, fmt.Errorf("watch %s in etcd %s: ended", prefix, c.hosts)
}

// update reports the gRPC nodes' addresses. With none, the connection
// forgets the old ones, so calls fail with a message saying why instead of
// going to nodes that left.
func (r *watchResolver) update(nodes map[string][]string) {
	addrs := addresses(nodes)
	_ = r.cc.UpdateState(resolver.State{Addresses: addrs})
	if len(addrs) == 0 {
		r.cc.ReportError(fmt.Errorf("%s: no node of go-micro service %q with metadata protocol=grpc in etcd "+
			"(go-micro's gRPC server registers such nodes; its default RPC server cannot take dtm's calls)", Name, r.service))
	}
}
