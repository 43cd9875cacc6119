package protocol1

import (
	"strings"

	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit"
)

// builder builds resolvers for protocol1 targets. The addresses are fixed by
// the URL, so a resolver reports them once and never changes.
type builder struct{}

// Scheme returns Protocol1Scheme.
func (builder) Scheme() string { return Protocol1Scheme }

// Build reports the target's addresses once; its errors name the driver.
func (builder) Build(target resolver.Target, cc resolver.ClientConn, _ resolver.BuildOptions) (resolver.Resolver, error) {
	hosts, err := parseTarget(Protocol1Scheme + "://" + target.URL.Host)
	if err != nil {
		return nil, kit.DriverError(Name, err)
	}
	var addrs []resolver.Address
	for _, h := range strings.Split(hosts, ",") {
		addrs = append(addrs, resolver.Address{Addr: h})
	}
	if err := cc.UpdateState(resolver.State{Addresses: addrs}); err != nil {
		return nil, err
	}
	return staticResolver{}, nil
}

// staticResolver has nothing to watch, so it has nothing to do.
type staticResolver struct{}

func (staticResolver) ResolveNow(resolver.ResolveNowOptions) {}
func (staticResolver) Close()                                {}
