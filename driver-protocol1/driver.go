// Package protocol1 is the reference dtm driver: the smallest driver that does
// everything dtm asks of one, written to be copied by framework maintainers.
//
// A branch URL "protocol1://10.0.0.1:8080,10.0.0.2:8080/pkg.Svc/Method" calls
// Method on those addresses, round robin. Blank-import the package to register
// the driver, then select it with dtmdriver.Use(protocol1.Name) in clients or
// MicroService.Driver: dtm-driver-protocol1 in dtm's conf.yml (in clients, a
// blank import of the use subpackage does both).
package protocol1

import (
	"github.com/dtm-labs/dtmdriver"
	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit"
)

// Name is the name the driver registers under, as upstream's does. Every
// error the driver returns starts with it.
const Name = "dtm-driver-protocol1"

// Protocol1Scheme is the URL scheme this driver resolves.
const Protocol1Scheme = "protocol1"

// Driver implements dtmdriver.Driver (dtm ≥ v1.15) and kit.LegacyDriver
// (older dtm). The zero value is ready to use.
//
// Every driver here has one lifecycle shape. Its state lives in Driver,
// never in package variables: init registers one Driver with dtmdriver, and
// the resolver builders it gives grpc's process-wide registry point back at
// the Driver that registered them. Clients and registrations start on first
// use. Close releases them and returns only once every goroutine the driver
// started has ended. protocol1 lists its addresses in the URL, so its only
// state is the parse cache and it starts no goroutine; driver-kratos shows
// the whole shape (etcd clients, registrations, watchers and a WaitGroup).
type Driver struct {
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

// RegisterGrpcResolver registers the protocol1 resolver with grpc. dtmdriver.Use
// calls it (as RegisterAddrResolver) in dtm and in every client, before any
// protocol1 URL is dialled. kit.WithRoundRobin gives the connections a
// round_robin policy, since dtm dials with none. A builder that needs the
// driver's state holds the *Driver; protocol1's needs none.
func (*Driver) RegisterGrpcResolver() {
	resolver.Register(kit.WithRoundRobin(builder{}))
}

// RegisterGrpcService is called once when dtm starts, with MicroService.Target
// and MicroService.EndPoint. A driver with a registry publishes endpoint there;
// protocol1 has none, so it only checks both, because dtm exits on an error
// here and the message must say what to fix. An empty target is a no-op.
func (*Driver) RegisterGrpcService(target, endpoint string) error {
	if target == "" {
		return nil
	}
	if _, err := parseTarget(target); err != nil {
		return kit.DriverError(Name, err)
	}
	if err := kit.ValidateHostPort(endpoint); err != nil {
		return kit.DriverError(Name, kit.NewURLError(endpoint, "EndPoint must be host:port", err))
	}
	return nil
}

// ParseServerMethod splits a branch URL into the server dtm dials and the
// method it invokes. dtm calls it on every branch call with the few URLs its
// transactions name, so a validated split is cached: after the first call it
// is a map lookup. It rejects a URL whose server dtm could not dial (dtm
// panics on a dial error), naming the accepted forms.
func (d *Driver) ParseServerMethod(uri string) (server, method string, err error) {
	server, method, err = d.parsed.Parse(uri, parseServerMethod)
	return server, method, kit.DriverError(Name, err)
}

// parseServerMethod is ParseServerMethod without the cache.
func parseServerMethod(uri string) (server, method string, err error) {
	u, err := kit.SplitBranchURL(uri)
	if err != nil {
		return "", "", err
	}
	if u.Scheme == "" { // plain host:port/pkg.Svc/M, as dtm's default driver
		return u.Server, u.Method, nil
	}
	if _, err := splitTarget(u.Server); err != nil {
		return "", "", kit.NewURLError(uri, "bad protocol1 URL", err)
	}
	return u.Server, u.Method, nil
}

// RegisterAddrResolver is the dtmdriver v0.0.6 name of RegisterGrpcResolver.
func (d *Driver) RegisterAddrResolver() { d.RegisterGrpcResolver() }

// RegisterService is the dtmdriver v0.0.6 name of RegisterGrpcService.
func (d *Driver) RegisterService(target, endpoint string) error {
	return d.RegisterGrpcService(target, endpoint)
}

// Close releases what the driver holds and waits for every goroutine it
// started, so nothing of the driver runs once it returns. A registry driver
// withdraws its registrations, stops its watchers and waits for them here
// (driver-kratos: Driver.Close). protocol1 registers nothing and starts no
// goroutine, so it returns nil, however often and concurrently it is called.
func (*Driver) Close() error { return nil }
