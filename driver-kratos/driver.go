// Package kratosdriver is the dtm driver for kratos services registered in
// etcd through kratos' etcd registry (contrib/registry/etcd).
//
// Branch URLs take three forms:
//
//	discovery://127.0.0.1:2379/helloworld/pkg.Svc/Method   etcd hosts in the URL
//	discovery:///helloworld/pkg.Svc/Method                  the registry dtm registered in
//	direct:///10.0.0.1:9000,10.0.0.2:9000/pkg.Svc/Method    fixed addresses
//
// etcd://<etcd hosts>/<service>, where upstream's kratos clients dial dtm
// (etcd://127.0.0.1:2379/dtmservice), is discovery://<etcd hosts>/<service>.
//
// Unlike upstream's driver, the discovery resolver is registered by
// RegisterGrpcResolver, which dtmdriver.Use calls in every process, so a
// client that never registers a service resolves discovery:// too.
//
// Blank-import the package to register the driver, then select it with
// dtmdriver.Use(kratosdriver.Name) in clients, or MicroService.Driver:
// dtm-driver-kratos in dtm's conf.yml. In clients, a blank import of the use
// subpackage does both, as upstream's github.com/dtm-labs/driver-kratos does.
//
// # Registry plug-ins
//
// Registries beyond etcd come as packages that add their scheme to this
// driver when blank-imported, as database/sql drivers add themselves, so a
// program pays for a registry's client only if it imports the plug-in
// (driver-kratos/nacos adds nacos://).
//
// A plug-in calls AddRegistry from its init with a kit.Registry: its
// scheme, a grpc resolver builder for it (registered by
// RegisterGrpcResolver, with round_robin like the driver's own), the check
// ParseServerMethod applies to its branch URLs, and how RegisterGrpcService
// registers dtm under a target of that scheme, returning the revoke that
// Close calls. A URL whose plug-in is not linked in is an error naming the
// import.
package kratosdriver

import (
	"sync"
	"sync/atomic"

	"github.com/dtm-labs/dtmdriver"
	"github.com/go-kratos/kratos/v2/transport/grpc/resolver/direct"
	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit"
)

// Name is the name the driver registers under, as upstream's does. Every
// error the driver returns starts with it.
const Name = "dtm-driver-kratos"

// The URL schemes this driver resolves, and the one it also accepts as a
// registration target.
const (
	DiscoveryScheme = "discovery"
	DirectScheme    = "direct"
	EtcdScheme      = "etcd"
)

// Driver implements dtmdriver.Driver (dtm ≥ v1.15) and kit.LegacyDriver
// (older dtm). The zero value is ready to use.
//
// All its state lives here, in a session started on first use: etcd
// clients, registrations, resolvers and a WaitGroup of every goroutine the
// session starts. Close ends the session and returns once those goroutines
// have ended; the next use starts a new session.
type Driver struct {
	mu sync.Mutex
	// s holds the etcd clients, registrations and resolvers; Close ends it
	// and the next use starts a new one.
	s *session
	// hasHome tells ParseServerMethod, without locking, whether
	// discovery:///<service> has a registry to resolve in.
	hasHome atomic.Bool
	// parsed caches ParseServerMethod's successes; Close resets it, since
	// discovery:///<service> is valid only while there is a home registry.
	parsed kit.ParseCache
	// revocations undo the registrations registry plug-ins made.
	revocations kit.Revocations
}

// Both generations of the driver interface are satisfied.
var (
	_ dtmdriver.Driver = (*Driver)(nil)
	_ kit.LegacyDriver = (*Driver)(nil)
)

// init registers the driver, so a blank import is all dtm needs. This Driver
// is the one dtmdriver.Use selects, in dtm and in clients.
func init() {
	dtmdriver.Register(&Driver{})
}

// GetName returns Name.
func (*Driver) GetName() string { return Name }

// RegisterGrpcResolver registers the discovery, etcd and direct resolvers with
// grpc, all giving their connections a round_robin policy since dtm dials with
// none. dtmdriver.Use calls it (as RegisterAddrResolver) in dtm and in every
// client, so discovery:// URLs resolve without RegisterGrpcService.
func (d *Driver) RegisterGrpcResolver() {
	resolver.Register(kit.WithRoundRobin(&discoveryBuilder{d: d}))
	d.registerUpstreamForms()
	resolver.Register(kit.WithRoundRobin(direct.NewBuilder()))
	registerPlugins()
}

// RegisterAddrResolver is the dtmdriver v0.0.6 name of RegisterGrpcResolver.
func (d *Driver) RegisterAddrResolver() { d.RegisterGrpcResolver() }

// RegisterService is the dtmdriver v0.0.6 name of RegisterGrpcService.
func (d *Driver) RegisterService(target, endpoint string) error {
	return d.RegisterGrpcService(target, endpoint)
}

// session returns the current session, starting one if needed.
func (d *Driver) session() *session {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.s == nil {
		d.s = newSession(d)
	}
	return d.s
}
