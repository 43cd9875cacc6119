package kratosdriver

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit"
)

// discoveryBuilder resolves discovery:// targets in kratos' etcd registry,
// through the watch of their cluster (clusterWatch). Unlike kratos' own
// discovery builder, Build does not wait for etcd: dtm panics when a dial
// fails, so only a malformed target is an error, and an unreachable etcd is
// reported to the connection and retried. grpc's registry is process-wide:
// the builder points at the Driver that registered it, whose session holds
// the clients and watches.
type discoveryBuilder struct{ d *Driver }

// Scheme returns DiscoveryScheme.
func (*discoveryBuilder) Scheme() string { return DiscoveryScheme }

// Build starts a resolver in the driver's session; its errors name the
// driver.
func (b *discoveryBuilder) Build(target resolver.Target, cc resolver.ClientConn, _ resolver.BuildOptions) (resolver.Resolver, error) {
	s := b.d.session()
	src, err := s.locate(target)
	if err != nil {
		return nil, kit.DriverError(Name, err)
	}
	r, err := s.startResolver(src, cc)
	return r, kit.DriverError(Name, err)
}

// source is where a resolver finds its service: the cluster's key in the
// session, how to reach the cluster, and the target as written, redacted,
// for errors.
type source struct {
	key     string
	find    func(context.Context) (*cluster, error)
	service string
	target  string
}

// locate parses a discovery target into its source.
func (s *session) locate(target resolver.Target) (source, error) {
	u := target.URL
	raw := rawTarget(DiscoveryScheme, &u)
	if u.Host == "" && u.User == nil { // discovery:///<service>
		service := strings.TrimPrefix(u.Path, "/")
		if service == "" || strings.Contains(service, "//") || strings.HasSuffix(service, "/") {
			return source{}, kit.NewURLError(raw, "no service name: "+branchForms, nil)
		}
		if u.RawQuery != "" {
			return source{}, kit.NewURLError(raw, "discovery:///<service> takes no query", nil)
		}
		home, err := s.homeCluster()
		if err != nil {
			return source{}, kit.NewURLError(raw, "no registry", err)
		}
		return source{key: home.key, find: func(context.Context) (*cluster, error) { return s.homeCluster() },
			service: service, target: kit.Redact(raw)}, nil
	}
	t, err := parseEtcdTarget(raw, raw, DiscoveryScheme)
	if err != nil {
		return source{}, err
	}
	return s.etcdSource(t, raw), nil
}

// etcdSource is the source of a target that names its etcd hosts.
func (s *session) etcdSource(t kit.EtcdTarget, raw string) source {
	return source{key: t.ClusterKey(), find: func(ctx context.Context) (*cluster, error) { return s.clusterFor(ctx, t) },
		service: t.Key, target: kit.Redact(raw)}
}

// startResolver adds a resolver to the watch of its cluster, starting the
// watch if it is the cluster's first.
func (s *session) startResolver(src source, cc resolver.ClientConn) (resolver.Resolver, error) {
	s.d.mu.Lock()
	if s.closed {
		s.d.mu.Unlock()
		return nil, errClosed
	}
	w := s.watches[src.key]
	if w == nil {
		ctx, cancel := context.WithCancel(s.ctx)
		w = newClusterWatch(src.key, src.find, cancel)
		s.watches[src.key] = w
		s.goroutines.Add(1)
		go func() {
			defer s.goroutines.Done()
			w.run(ctx)
		}()
	}
	w.resolvers++
	s.d.mu.Unlock()
	r := &watchResolver{feed: kit.NewFeed(cc), service: src.service, target: src.target, s: s, w: w}
	w.add(r)
	return r, nil
}

// watchResolver gives its connection the instances of one kratos service,
// as its cluster's watch finds them. It has no goroutine of its own.
type watchResolver struct {
	feed    *kit.Feed
	service string
	target  string // redacted
	s       *session
	w       *clusterWatch
}

// ResolveNow does nothing: the etcd watch reports every change.
func (*watchResolver) ResolveNow(resolver.ResolveNowOptions) {}

// Close stops the resolver: once it returns, the connection hears no more
// from it. Closing the cluster's last resolver stops the cluster's watch
// and waits for its goroutine, which returns as soon as its etcd calls see
// the cancellation: it never waits for a connection to etcd, which the
// session makes.
func (r *watchResolver) Close() {
	if !r.feed.Close() {
		return
	}
	r.w.remove(r)
	if r.s.release(r.w) {
		r.w.cancel()
		<-r.w.done
	}
}

// deliver gives the connection the service's addresses, unless it had a
// newer state. With none, the connection forgets the old ones, so calls
// fail with a message saying why instead of going to instances that left.
func (r *watchResolver) deliver(seq uint64, addrs []resolver.Address) {
	r.feed.Deliver(seq, resolver.State{Addresses: addrs}, func() error {
		return fmt.Errorf("%s: resolve %q (kratos service %q): no instance with a grpc:// endpoint in etcd", Name, r.target, r.service)
	})
}

// reportError tells the connection why its service's instances may be out
// of date.
func (r *watchResolver) reportError(err error) {
	r.feed.ReportError(fmt.Errorf("%s: resolve %q (kratos service %q): %w", Name, r.target, r.service, err))
}
