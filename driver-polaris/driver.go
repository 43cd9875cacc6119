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
// The driver holds one polaris-go SDK context per process, created on first
// use against the addresses chosen by Configure, POLARIS_ADDRESSES,
// ./polaris.yaml or 127.0.0.1:8091, in that order.
package polaris

import (
	"github.com/dtm-labs/dtmdriver"
	"github.com/dtmkit/drivers/kit"
	"google.golang.org/grpc/resolver"

	// before polaris-go's protobuf files register: see the package doc
	_ "github.com/dtmkit/drivers/driver-polaris/internal/protoconflict"
)

// Name is the name the driver registers under, as upstream's does.
const Name = "dtm-driver-polaris"

// Scheme is the URL scheme this driver resolves.
const Scheme = "polaris"

// DefaultNamespace is the namespace of URLs and targets that name none.
const DefaultNamespace = "default"

// Driver implements dtmdriver.Driver (dtm ≥ v1.15) and kit.LegacyDriver
// (older dtm). Its state (the SDK context, dtm's registration) is
// process-wide, so every Driver value behaves the same.
type Driver struct{}

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

// RegisterGrpcResolver registers the polaris resolver with grpc. dtm dials
// branch servers with no balancer option, so the resolver's state carries
// the driver's weighted round-robin policy. It connects to nothing: the SDK
// context is created when the first polaris:// target is dialled.
func (*Driver) RegisterGrpcResolver() {
	resolver.Register(kit.WithServiceConfig(builder{}, weightedConfig))
}

// RegisterGrpcService registers endpoint ("host:port") in Polaris as an
// instance of the service that target names,
// "polaris://<service>?namespace=<ns>&token=<t>&ttl=<seconds>&weight=<w>",
// with polaris-go heartbeating every ttl seconds (default 5). dtm calls it
// once at start-up with MicroService.Target and EndPoint and exits on an
// error. An empty target is a no-op.
func (*Driver) RegisterGrpcService(target, endpoint string) error {
	if target == "" {
		return nil
	}
	return registerService(target, endpoint)
}

// ParseServerMethod splits a branch URL into the server dtm dials and the
// method it invokes: "polaris://busi/pkg.Busi/M?namespace=ns" gives
// "polaris://busi?namespace=ns" and "/pkg.Busi/M". A plain
// "host:port/pkg.Busi/M" splits as with dtm's default driver. dtm calls it on
// every branch call, so repeated URLs are answered from a cache without
// allocating. It rejects what the resolver could not resolve, naming the
// accepted forms, since dtm panics on a dial error.
func (*Driver) ParseServerMethod(uri string) (server, method string, err error) {
	return parseServerMethod(uri)
}

// Close deregisters what RegisterGrpcService registered and destroys the
// SDK context. Connections resolved through it stop receiving updates; a
// later use creates a new context.
func (*Driver) Close() error {
	return shared.close()
}

// RegisterAddrResolver is the dtmdriver v0.0.6 name of RegisterGrpcResolver.
func (d *Driver) RegisterAddrResolver() { d.RegisterGrpcResolver() }

// RegisterService is the dtmdriver v0.0.6 name of RegisterGrpcService.
func (d *Driver) RegisterService(target, endpoint string) error {
	return d.RegisterGrpcService(target, endpoint)
}
