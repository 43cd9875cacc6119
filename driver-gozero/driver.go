// Package gozero is a dtm driver for go-zero services: dtm finds zrpc servers
// through go-zero's own resolvers (etcd, discov, direct, k8s) and registers
// itself in etcd the way a zrpc server does, so go-zero clients find dtm.
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
package gozero

import (
	"sync"

	"github.com/dtm-labs/dtmdriver"
	"github.com/dtmkit/drivers/kit"
)

// Name is the name the driver registers under, as upstream's does.
const Name = "dtm-driver-gozero"

// Driver implements dtmdriver.Driver (dtm ≥ v1.15) and kit.LegacyDriver
// (older dtm). It holds the registrations it published, so that Close can
// revoke them. The zero value is ready to use.
type Driver struct {
	mu           sync.Mutex
	publications []*publication
}

// Both generations of the driver interface are satisfied.
var (
	_ dtmdriver.Driver = (*Driver)(nil)
	_ kit.LegacyDriver = (*Driver)(nil)
)

// init registers the driver, so a blank import is all dtm needs.
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
