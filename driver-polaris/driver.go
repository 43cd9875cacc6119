// Package polaris is a dtm driver for Polaris (polarismesh): dtm registers
// itself in Polaris, and branch URLs such as
// "polaris://busi/pkg.Busi/TransIn?namespace=prod" reach the healthy instances
// of service "busi", weighted round robin.
//
// It is built on polaris-go's ConsumerAPI and ProviderAPI, with its own gRPC
// resolver and balancer, so it does not need grpc-go-polaris (which no longer
// compiles with current grpc). Blank-import the package to register the
// driver, then select it with dtmdriver.Use(polaris.Name) in clients or
// MicroService.Driver: dtm-driver-polaris in dtm's conf.yml (in clients, a
// blank import of the use subpackage does both).
//
// The driver holds one polaris-go SDK context, created on first use against
// the addresses chosen by Configure, POLARIS_ADDRESSES, ./polaris.yaml or
// 127.0.0.1:8091, in that order.
package polaris

import (
	"sync"

	"github.com/dtm-labs/dtmdriver"
	"github.com/polarismesh/polaris-go/api"
	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit"
	// before polaris-go's protobuf files register: see the package doc
	_ "github.com/dtmkit/drivers/driver-polaris/internal/protoconflict"
)

// Name is the name the driver registers under, as upstream's does. Every
// error the driver returns starts with it.
const Name = "dtm-driver-polaris"

// errPrefix starts the driver's own error texts.
const errPrefix = Name + ": "

// PolarisScheme is the URL scheme this driver resolves.
const PolarisScheme = "polaris"

// DefaultNamespace is the namespace of URLs and targets that name none.
const DefaultNamespace = "default"

// Driver implements dtmdriver.Driver (dtm ≥ v1.15) and kit.LegacyDriver
// (older dtm). The zero value is ready to use.
//
// All its state lives here: the SDK context, created on first use, the
// instances RegisterGrpcService registered, the resolvers and their
// goroutines, and the parse cache. Close deregisters, stops the resolvers
// and waits for them, then destroys the context; the next use creates a new
// one.
type Driver struct {
	mu        sync.Mutex
	opts      Options
	sdk       api.SDKContext
	regs      []*registration
	resolvers map[*polarisResolver]struct{}

	// parsed caches ParseServerMethod's successes; the rules they passed
	// depend on no state, so Close keeps it.
	parsed kit.ParseCache
}

// Both generations of the driver interface are satisfied.
var (
	_ dtmdriver.Driver = (*Driver)(nil)
	_ kit.LegacyDriver = (*Driver)(nil)
)

// registered is the Driver init registers with dtmdriver, the one
// dtmdriver.Use selects and the package-level Configure and SDKContext act on.
var registered = &Driver{}

// init registers the driver, so a blank import is all dtm needs.
func init() {
	dtmdriver.Register(registered)
}

// GetName returns Name.
func (*Driver) GetName() string { return Name }

// RegisterGrpcResolver registers the polaris resolver with grpc. dtm dials
// branch servers with no balancer option, so the resolver's state carries
// the driver's weighted round-robin policy. It connects to nothing: the SDK
// context is created when the first polaris:// target is dialled.
func (d *Driver) RegisterGrpcResolver() {
	resolver.Register(kit.WithServiceConfig(builder{d: d}, weightedConfig))
}

// RegisterGrpcService registers endpoint ("host:port") in Polaris as an
// instance of the service that target names,
// "polaris://<service>?namespace=<ns>&token=<t>&ttl=<seconds>&weight=<w>",
// with polaris-go heartbeating every ttl seconds (default 5). tokenFile=<file>
// may replace token=: a file holding the service token, read for each
// request, so that dtm's conf.yml and log hold no token. dtm calls it once
// at start-up with MicroService.Target and EndPoint and exits on an error.
// An empty target is a no-op.
func (d *Driver) RegisterGrpcService(target, endpoint string) error {
	if target == "" {
		return nil
	}
	return kit.DriverError(Name, d.register(target, endpoint))
}

// RegisterAddrResolver is the dtmdriver v0.0.6 name of RegisterGrpcResolver.
func (d *Driver) RegisterAddrResolver() { d.RegisterGrpcResolver() }

// RegisterService is the dtmdriver v0.0.6 name of RegisterGrpcService.
func (d *Driver) RegisterService(target, endpoint string) error {
	return d.RegisterGrpcService(target, endpoint)
}
