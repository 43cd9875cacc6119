package kratosdriver

import (
	"encoding/json"
	"net/url"
	"sort"
	"strings"

	"github.com/go-kratos/kratos/v2/registry"
	"google.golang.org/grpc/resolver"
)

// namespace is where kratos' etcd registry keeps instances, by default and
// here: /microservices/<service>/<instance id>, each a JSON
// registry.ServiceInstance.
const namespace = "/microservices"

// instanceAddr decodes the kratos instance stored at key into its service
// and the address dtm dials, "" when there is none. The service is the one
// whose kratos watcher would list the instance: kratos' watcher of service
// s reads the keys under namespace/s and keeps the values that name s. A
// value kratos cannot decode holds no instance (kratos' watcher fails the
// whole service on it).
func instanceAddr(key string, value []byte) (service, addr string) {
	var in registry.ServiceInstance
	if json.Unmarshal(value, &in) != nil || in.Name == "" || !strings.HasPrefix(key, namespace+"/"+in.Name) {
		return "", ""
	}
	return in.Name, grpcEndpoint(&in)
}

// grpcEndpoint picks an instance's plain grpc endpoint, as kratos' own
// resolver does for an insecure client (dtm dials without TLS). kratos ≥
// v2.3 marks TLS endpoints with the grpcs scheme; older versions wrote
// grpc://...?isSecure=true, which is skipped too.
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

// addresses lists the service's addresses in the order of their etcd keys,
// as kratos reads them, skipping duplicates.
func (s *kratosService) addresses() []resolver.Address {
	keys := make([]string, 0, len(s.instances))
	for k := range s.instances {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	seen := make(map[string]bool, len(keys))
	addrs := make([]resolver.Address, 0, len(keys))
	for _, k := range keys {
		addr := s.instances[k]
		if !seen[addr] {
			seen[addr] = true
			addrs = append(addrs, resolver.Address{Addr: addr})
		}
	}
	return addrs
}
