package consul

import (
	"net"
	"strconv"
	"time"

	"github.com/dtmkit/drivers/kit"
)

// Flavor is how one framework addresses its instances in consul and
// registers a service there.
type Flavor struct {
	// Scheme is the URL scheme served, "consul".
	Scheme string
	// Driver is the driver's name, which prefixes errors.
	Driver string
	// Package is the plug-in's import path.
	Package string
	// Addr returns the address dtm dials for an instance, "" to skip it;
	// nil is EntryAddr.
	Addr func(Entry) string
	// Registration describes dtm's own instance at host:port, registered
	// under t.Service, as the framework registers a service, and names the
	// TTL check dtm keeps passing and the interval at which it passes it.
	Registration func(t Target, host string, port int) (reg *Registration, ttlCheckID string, every time.Duration)
	// Endpoint picks the host:port to register from dtm's EndPoint (a
	// kratos EndPoint may be grpc://host:port, or a list); nil keeps it.
	Endpoint func(endpoint string) string
}

// Registry is the kit.Registry of the flavor, for the driver's AddRegistry.
func (f *Flavor) Registry() kit.Registry {
	return kit.Registry{
		Scheme:      f.Scheme,
		Package:     f.Package,
		Builder:     &builder{f: f},
		CheckServer: f.checkServer,
		Register:    f.register,
	}
}

// EntryAddr is the service's address and port, or the node's address when
// the service has none, as zero-contrib's resolver reads an entry.
func EntryAddr(e Entry) string {
	host := e.Service.Address
	if host == "" {
		host = e.Node.Address
	}
	if host == "" || e.Service.Port <= 0 {
		return ""
	}
	return net.JoinHostPort(host, strconv.Itoa(e.Service.Port))
}

func (f *Flavor) addr(e Entry) string {
	if f.Addr == nil {
		return EntryAddr(e)
	}
	return f.Addr(e)
}

// checkServer checks a branch URL's server as the resolver will parse it;
// errors quote the whole URL.
func (f *Flavor) checkServer(uri string, u kit.BranchURL) error {
	_, err := ParseTarget(f.Scheme, u.Server)
	if ue, ok := err.(*kit.URLError); ok {
		return kit.NewURLError(uri, ue.Reason, ue.Err)
	}
	return err
}
