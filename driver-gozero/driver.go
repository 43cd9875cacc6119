// Package gozero is a dtm driver for go-zero services: dtm finds zrpc servers
// by the keys they register in etcd (etcd, discov schemes) and through
// go-zero's direct and k8s resolvers, and registers itself in etcd the way a
// zrpc server does, so go-zero clients find dtm.
//
// Blank-import the package to register the driver, then select it with
// dtmgrpc.UseDriver(gozero.Name) in clients or MicroService.Driver:
// dtm-driver-gozero in dtm's conf.yml. In clients, a blank import of the use
// subpackage does both, as upstream's github.com/dtm-labs/driver-gozero does.
// Branch URLs are a go-zero target with the gRPC method appended, for example
//
//	etcd://127.0.0.1:2379/trans.rpc/trans.Trans/TransIn
//	etcd:///127.0.0.1:2379,127.0.0.2:2379?key=trans.rpc/trans.Trans/TransIn
//
// Build with go-zero's -tags no_k8s to leave out the k8s scheme and the
// Kubernetes client.
//
// # Registry plug-ins
//
// Registries beyond etcd come as packages that add their scheme to this
// driver when blank-imported, as database/sql drivers add themselves, so a
// program pays for a registry's client only if it imports the plug-in:
//
//	import _ "github.com/dtmkit/drivers/driver-gozero/nacos" // nacos://
//
// A plug-in calls AddRegistry from its init with a kit.Registry: its
// scheme, a grpc resolver builder for it (registered by
// RegisterGrpcResolver, with round_robin like the driver's own), the check
// ParseServerMethod applies to its branch URLs, and how RegisterGrpcService
// registers dtm under a target of that scheme, returning the revoke that
// Close calls. A URL whose plug-in is not linked in is an error naming the
// import.
package gozero

import (
	"sync"

	"github.com/dtm-labs/dtmdriver"

	"github.com/dtmkit/drivers/kit"
)

// Name is the name the driver registers under, as upstream's does. Every
// error the driver returns starts with it.
const Name = "dtm-driver-gozero"

// The go-zero resolver schemes this driver dials. K8sScheme is refused in a
// build with go-zero's no_k8s tag.
const (
	EtcdScheme   = "etcd"
	DiscovScheme = "discov"
	DirectScheme = "direct"
	K8sScheme    = "k8s"
)

// Driver implements dtmdriver.Driver (dtm ≥ v1.15) and kit.LegacyDriver
// (older dtm). The zero value is ready to use.
//
// Its state lives here: the registrations it published, which Close
// revokes, the parse cache and whether its resolvers are registered. The one
// process-wide record, of the etcd identities given to go-zero (see
// security.go), mirrors go-zero's own process-wide registries. The driver
// starts no goroutine of its own: go-zero's publisher heartbeats until Close
// revokes it and waits for etcd to drop the endpoint.
type Driver struct {
	mu           sync.Mutex
	publications []*publication
	// revocations undo the registrations registry plug-ins made.
	revocations kit.Revocations

	// resolversOnce registers the resolvers once per Driver: grpc's
	// registry must not change while connections are dialled.
	resolversOnce sync.Once
	// parsed caches ParseServerMethod's successes; the rules they passed
	// are fixed at build time, so Close keeps it.
	parsed kit.ParseCache
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

// RegisterAddrResolver is the dtmdriver v0.0.6 name of RegisterGrpcResolver.
func (d *Driver) RegisterAddrResolver() { d.RegisterGrpcResolver() }

// RegisterService is the dtmdriver v0.0.6 name of RegisterGrpcService.
func (d *Driver) RegisterService(target, endpoint string) error {
	return d.RegisterGrpcService(target, endpoint)
}
