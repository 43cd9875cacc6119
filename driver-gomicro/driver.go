// Package gomicrodriver is the dtm driver for go-micro services that use
// go-micro's gRPC server and its etcd registry.
//
// A branch URL names the etcd hosts, the go-micro service and the method:
//
//	gomicro://127.0.0.1:2379/helloworld/helloworld.Helloworld/Call
//
// dtm's calls then go round robin to every node of the service whose
// metadata says protocol=grpc (go-micro's gRPC server); nodes of go-micro's
// default RPC server cannot take dtm's calls and are left out. The service
// must accept dtm's content type, application/grpc+dtm_raw: give its gRPC
// server the option grpcserver.Options(gomicrodriver.ServerOption()) (see
// ServerOption).
//
// The package reads go-micro's registry format (JSON under
// /micro/registry/<service>/<node>) with the etcd client, so it links no
// go-micro package. RegisterService writes dtm there in the same format, so
// go-micro clients find dtm as they find any go-micro gRPC service.
//
// Blank-import the package to register the driver, then select it with
// dtmdriver.Use(gomicrodriver.Name) in clients, or MicroService.Driver:
// dtm-driver-gomicro in dtm's conf.yml. In clients, a blank import of the use
// subpackage does both.
package gomicrodriver

import (
	"sync"

	"github.com/dtm-labs/dtmdriver"
	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit"
)

// Name is the name the driver registers under. Every error the driver
// returns starts with it.
const Name = "dtm-driver-gomicro"

// Scheme is the URL scheme this driver resolves and registers at.
const Scheme = "gomicro"

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
	// parsed caches ParseServerMethod's successes. The rules they passed
	// never change, so Close keeps it.
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

// RegisterGrpcResolver registers the gomicro resolver with grpc, giving its
// connections a round_robin policy since dtm dials with none. dtmdriver.Use
// calls it (as RegisterAddrResolver) in dtm and in every client.
func (d *Driver) RegisterGrpcResolver() {
	resolver.Register(kit.WithRoundRobin(&builder{d: d}))
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
