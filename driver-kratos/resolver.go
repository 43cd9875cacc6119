package kratosdriver

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/go-kratos/kratos/v2/registry"
	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit"
)

// Retry delays after a failed watch: etcd down, wrong credentials.
const (
	minRetry = 100 * time.Millisecond
	maxRetry = 5 * time.Second
)

// stallTimeout is how long a watch may go without a first answer before the
// connection is told why its calls wait. etcd calls wait for a connection
// rather than fail, so without it an unreachable etcd would go unreported.
var stallTimeout = dialTimeout

// discoveryBuilder resolves discovery:// targets through kratos' etcd
// registry. Unlike kratos' own discovery builder, Build does not wait for
// etcd: dtm panics when a dial fails, so only a malformed target is an error,
// and an unreachable etcd is reported to the connection and retried. grpc's
// registry is process-wide: the builder points at the Driver that
// registered it, whose session holds the clients and resolvers.
type discoveryBuilder struct{ d *Driver }

// Scheme returns DiscoveryScheme.
func (*discoveryBuilder) Scheme() string { return DiscoveryScheme }

// Build starts a resolver in the driver's session; its errors name the
// driver.
func (b *discoveryBuilder) Build(target resolver.Target, cc resolver.ClientConn, _ resolver.BuildOptions) (resolver.Resolver, error) {
	s := b.d.session()
	find, service, err := s.locate(target)
	if err != nil {
		return nil, kit.DriverError(Name, err)
	}
	r, err := s.startResolver(find, service, cc)
	return r, kit.DriverError(Name, err)
}

// locate parses a discovery target into the way to reach its cluster and the
// service name.
func (s *session) locate(target resolver.Target) (find func(context.Context) (*cluster, error), service string, err error) {
	u := target.URL
	if u.Host == "" && u.User == nil { // discovery:///<service>
		raw := DiscoveryScheme + "://" + u.Path
		service = strings.TrimPrefix(u.Path, "/")
		if service == "" || strings.Contains(service, "//") || strings.HasSuffix(service, "/") {
			return nil, "", kit.NewURLError(raw, "no service name: "+branchForms, nil)
		}
		if u.RawQuery != "" {
			return nil, "", kit.NewURLError(raw+"?"+u.RawQuery, "discovery:///<service> takes no query", nil)
		}
		if _, err := s.homeCluster(); err != nil {
			return nil, "", kit.NewURLError(raw, "no registry", err)
		}
		return func(context.Context) (*cluster, error) { return s.homeCluster() }, service, nil
	}
	raw := DiscoveryScheme + "://"
	if u.User != nil {
		raw += u.User.String() + "@"
	}
	raw += u.Host + u.Path
	if u.RawQuery != "" {
		raw += "?" + u.RawQuery
	}
	t, err := parseEtcdTarget(raw, raw, DiscoveryScheme)
	if err != nil {
		return nil, "", err
	}
	return func(ctx context.Context) (*cluster, error) { return s.clusterFor(ctx, t) }, t.Key, nil
}

// startResolver starts watching service in the background.
func (s *session) startResolver(find func(context.Context) (*cluster, error), service string, cc resolver.ClientConn) (resolver.Resolver, error) {
	s.d.mu.Lock()
	defer s.d.mu.Unlock()
	if s.closed {
		return nil, errClosed
	}
	ctx, cancel := context.WithCancel(s.ctx)
	r := &watchResolver{cc: cc, service: service, cancel: cancel, done: make(chan struct{})}
	s.goroutines.Add(1)
	go func() {
		defer s.goroutines.Done()
		defer close(r.done)
		r.run(ctx, find)
	}()
	return r, nil
}

// watchResolver follows one kratos service in etcd.
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
		r.cc.ReportError(fmt.Errorf("%s: resolve kratos service %q: %w", Name, r.service, err))
		if updated {
			delay = minRetry
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		delay = min(2*delay, maxRetry)
	}
}

// watch reports the service's instances until the watch fails, and says
// whether it reported any.
func (r *watchResolver) watch(ctx context.Context, find func(context.Context) (*cluster, error)) (updated bool, err error) {
	stall := time.AfterFunc(stallTimeout, func() {
		r.cc.ReportError(fmt.Errorf("%s: resolve kratos service %q: no answer from etcd within %s, still trying",
			Name, r.service, stallTimeout))
	})
	defer stall.Stop()
	// kratos' Watch does not close its etcd watcher when it fails: ending
	// this attempt's context does, so retries do not pile watchers up
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c, err := find(ctx)
	if err != nil {
		return false, err
	}
	w, err := c.registry.Watch(ctx, r.service)
	if err != nil {
		return false, fmt.Errorf("watch etcd %s: %w", c.hosts, err)
	}
	defer func() { _ = w.Stop() }()
	for {
		instances, err := w.Next()
		if err != nil {
			return updated, fmt.Errorf("watch etcd %s: %w", c.hosts, err)
		}
		stall.Stop()
		r.update(instances)
		updated = true
	}
}

// update reports the instances' grpc addresses. With none, the connection
// forgets the old ones, so calls fail with a message saying why instead of
// going to instances that left.
func (r *watchResolver) update(instances []*registry.ServiceInstance) {
	addrs := grpcAddresses(instances)
	_ = r.cc.UpdateState(resolver.State{Addresses: addrs})
	if len(addrs) == 0 {
		r.cc.ReportError(fmt.Errorf("%s: no instance of kratos service %q with a grpc:// endpoint in etcd", Name, r.service))
	}
}
