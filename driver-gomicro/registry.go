package gomicrodriver

import (
	"encoding/json"
	"sort"
	"strings"

	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit"
)

// keyPrefix is where go-micro's etcd registry (go-micro.dev/v5/registry/etcd,
// and v4's plugin) keeps services: one key per node,
// /micro/registry/<service>/<node id>, holding the service as JSON with that
// one node.
const keyPrefix = "/micro/registry/"

// service is go-micro's registry.Service, as its etcd registry encodes it.
// Fields the driver does not use are kept, so what dtm registers has every
// field a go-micro registry writes.
type service struct {
	Name      string            `json:"name"`
	Version   string            `json:"version"`
	Metadata  map[string]string `json:"metadata"`
	Endpoints []json.RawMessage `json:"endpoints"`
	Nodes     []node            `json:"nodes"`
}

// node is go-micro's registry.Node.
type node struct {
	Metadata map[string]string `json:"metadata"`
	ID       string            `json:"id"`
	Address  string            `json:"address"`
}

// servicePrefix is the etcd prefix of every node of name, with the trailing
// slash, so that service "a" does not list the nodes of "ab". go-micro
// replaces "/" in names with "-", and so does the driver.
func servicePrefix(name string) string {
	return keyPrefix + strings.ReplaceAll(name, "/", "-") + "/"
}

// nodeKey is the key of one node.
func nodeKey(name, id string) string {
	return servicePrefix(name) + strings.ReplaceAll(id, "/", "-")
}

// grpcNodeAddrs decodes one registry value and returns the addresses of its
// nodes that speak gRPC: go-micro's gRPC server marks its nodes with
// metadata protocol=grpc; its default server speaks go-micro's own RPC, which
// dtm cannot call. A value that is not go-micro's JSON, or an address that is
// not host:port, is skipped.
func grpcNodeAddrs(value []byte) []string {
	var s service
	if err := json.Unmarshal(value, &s); err != nil {
		return nil
	}
	var addrs []string
	for _, n := range s.Nodes {
		if n.Metadata["protocol"] != "grpc" || kit.ValidateHostPort(n.Address) != nil {
			continue
		}
		addrs = append(addrs, n.Address)
	}
	return addrs
}

// addresses merges the gRPC addresses of every key, without duplicates, in
// a stable order.
func addresses(byKey map[string][]string) []resolver.Address {
	seen := map[string]bool{}
	var list []string
	for _, addrs := range byKey {
		for _, a := range addrs {
			if !seen[a] {
				seen[a] = true
				list = append(list, a)
			}
		}
	}
	sort.Strings(list)
	out := make([]resolver.Address, 0, len(list))
	for _, a := range list {
		out = append(out, resolver.Address{Addr: a})
	}
	return out
}

// dtmNode is the registry value of dtm's registration: what go-micro's gRPC
// server writes for itself, so that go-micro clients and tools list dtm as
// a gRPC service.
func dtmNode(name, id, addr string) ([]byte, error) {
	return json.Marshal(service{
		Name:      name,
		Version:   "latest",
		Endpoints: []json.RawMessage{},
		Nodes: []node{{
			ID:      id,
			Address: addr,
			Metadata: map[string]string{
				"protocol":      "grpc",
				"server":        "grpc",
				"transport":     "grpc",
				"registry":      "etcd",
				"registered-by": Name,
			},
		}},
	})
}
