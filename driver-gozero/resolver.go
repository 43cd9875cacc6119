package gozero

import (
	zrpcresolver "github.com/zeromicro/go-zero/zrpc/resolver"
	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit"
)

// RegisterGrpcResolver registers go-zero's resolvers with grpc, each wrapped
// so that connections use round_robin: dtm dials branch servers with no
// balancer option, and would otherwise send every call to one instance. The
// etcd and discov schemes are served by the driver's own resolver, which
// reads the keys go-zero's publishers write (see etcdresolver.go), with the
// credentials and TLS files given in a target's query.
//
// dtmdriver.Use calls it (as RegisterAddrResolver) in dtm and in clients. A
// Driver registers once: grpc's registry must not change while connections
// are dialled. The builders need none of the Driver's state: the resolvers
// stop when grpc closes them.
func (d *Driver) RegisterGrpcResolver() {
	d.resolversOnce.Do(registerResolvers)
}

// registerResolvers lets go-zero register its builders, then replaces each by
// a round-robin wrapper around it, or by the driver's own for etcd and
// discov, and registers the registry plug-ins' builders. go-zero keeps the
// builders in an internal package, so grpc's registry is the only way to
// reach them.
func registerResolvers() {
	zrpcresolver.Register()
	for _, scheme := range schemes {
		b := resolver.Get(scheme)
		if b == nil { // go-zero did not register it: leave the scheme alone
			continue
		}
		if scheme == EtcdScheme || scheme == DiscovScheme {
			b = etcdBuilder{scheme: scheme} // see etcdresolver.go
		}
		resolver.Register(kit.WithRoundRobin(b))
	}
	registerPlugins()
}
