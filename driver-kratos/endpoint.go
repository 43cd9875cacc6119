package kratosdriver

import (
	"net/url"

	"github.com/go-kratos/kratos/v2/registry"
	"google.golang.org/grpc/resolver"
)

// grpcAddresses picks each instance's plain grpc endpoint, as kratos' own
// resolver does for an insecure client (dtm dials without TLS), skipping
// duplicates. kratos ≥ v2.3 marks TLS endpoints with the grpcs scheme;
// older versions wrote grpc://...?isSecure=true, which is skipped too.
func grpcAddresses(instances []*registry.ServiceInstance) []resolver.Address {
	seen := make(map[string]bool, len(instances))
	addrs := make([]resolver.Address, 0, len(instances))
	for _, in := range instances {
		addr := grpcEndpoint(in)
		if addr == "" || seen[addr] {
			continue
		}
		seen[addr] = true
		addrs = append(addrs, resolver.Address{Addr: addr})
	}
	return addrs
}

func grpcEndpoint(in *registry.ServiceInstance) string {
	for _, e := range in.Endpoints {
		u, err := url.Parse(e)
		if err != nil || u.Scheme != "grpc" || u.Host == "" {
			continue
		}
		if u.Query().Get("isSecure") == "true" {
			continue
		}
		return u.Host
	}
	return ""
}
