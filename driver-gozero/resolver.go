package gozero

import (
	"sync/atomic"

	zrpcresolver "github.com/zeromicro/go-zero/zrpc/resolver"
	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit"
)

// RegisterGrpcResolver registers go-zero's resolvers with grpc, each wrapped
// so that connections use round_robin: dtm dials branch servers with no
// balancer option, and would otherwise send every call to one instance. The
// etcd and discov resolvers also apply credentials and TLS files given in a
// target's query (see RegisterGrpcService) before go-zero connects.
//
// dtmdriver.Use calls it (as RegisterAddrResolver) in dtm and in clients. A
// Driver registers once: grpc's registry must not change while connections
// are dialled. The builders need none of the Driver's state: go-zero's
// resolvers stop when grpc closes them.
func (d *Driver) RegisterGrpcResolver() {
	d.resolversOnce.Do(registerResolvers)
}

// registerResolvers lets go-zero register its builders, then replaces each by
// a wrapper around it. go-zero keeps the builders in an internal package, so
// grpc's registry is the only way to reach them.
func registerResolvers() {
	zrpcresolver.Register()
	for _, scheme := range schemes {
		b := resolver.Get(scheme)
		if b == nil { // go-zero did not register it: leave the scheme alone
			continue
		}
		if scheme == EtcdScheme || scheme == DiscovScheme {
			b = etcdBuilder{Builder: b}
		}
		resolver.Register(kit.WithRoundRobin(b))
	}
}

// etcdBuilder wraps go-zero's etcd and discov builders. It applies the
// credentials and TLS files of a target to go-zero's registries, keyed by the
// target's hosts, before go-zero connects to those hosts, and it holds back
// empty address lists until the first addresses arrive (see firstAddrsConn).
type etcdBuilder struct {
	resolver.Builder
}

// Build applies the target's security, then builds go-zero's resolver. Its
// errors name the driver.
func (b etcdBuilder) Build(target resolver.Target, cc resolver.ClientConn, opts resolver.BuildOptions) (resolver.Resolver, error) {
	cc = &firstAddrsConn{ClientConn: cc}
	if target.URL.User == nil && !hasSecurityQuery(target.URL.RawQuery) {
		r, err := b.Builder.Build(target, cc, opts)
		return r, kit.DriverError(Name, err)
	}
	t, err := parseEtcdTarget(target.URL.String())
	if err != nil {
		return nil, kit.DriverError(Name, err)
	}
	release, err := applySecurity(t)
	if err != nil {
		return nil, kit.DriverError(Name, kit.NewURLError(target.URL.String(), "etcd credentials or TLS", err))
	}
	r, err := b.Builder.Build(target, cc, opts)
	if err != nil {
		release()
		return nil, kit.DriverError(Name, err)
	}
	return r, nil
}

// firstAddrsConn drops the empty address lists a resolver reports before its
// first non-empty one. go-zero's registry gives a second subscriber of a key
// the values loaded so far, none while the first subscriber's initial read
// is in flight, and dtm dials a new server from several goroutines at once:
// its first branch calls would fail at once ("no children to pick from")
// although etcd lists instances. Without a state, calls wait for one, within
// dtm's request timeout. After addresses were seen, an empty list passes:
// the service has lost its instances.
type firstAddrsConn struct {
	resolver.ClientConn
	seen atomic.Bool
}

func (c *firstAddrsConn) UpdateState(s resolver.State) error {
	if len(s.Addresses) == 0 && len(s.Endpoints) == 0 && !c.seen.Load() {
		return nil
	}
	c.seen.Store(true)
	return c.ClientConn.UpdateState(s)
}
