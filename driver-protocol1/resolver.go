package protocol1

import (
	"strings"

	"google.golang.org/grpc/resolver"
)

// builder builds resolvers for protocol1 targets. The addresses are fixed by
// the URL, so a resolver reports them once and never changes.
type builder struct{}

func (builder) Scheme() string { return Scheme }

func (builder) Build(target resolver.Target, cc resolver.ClientConn, _ resolver.BuildOptions) (resolver.Resolver, error) {
	hosts, err := parseTarget(Scheme + "://" + target.URL.Host)
	if err != nil {
		return nil, err
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
