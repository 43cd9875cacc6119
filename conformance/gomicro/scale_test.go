package gomicro_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra"
	"go-micro.dev/v5/registry"
)

var _ conformance.BulkRegistrar = (*harness)(nil)

// NewAddrRegistrar writes nodes as go-micro's etcd registry does for a
// go-micro gRPC server: the JSON of a registry.Service holding the one
// node under /micro/registry/<service>/<node id>, with the metadata
// go-micro's gRPC server gives it, on a lease (one the registrar's nodes
// share, where the registry grants one each).
func (h *harness) NewAddrRegistrar(ctx context.Context) (conformance.AddrRegistrar, error) {
	return infra.NewEtcdRegistrar(ctx, h.etcd, func(service, addr string) (string, string, error) {
		node := &registry.Node{Id: service + "-scale-" + addr, Address: addr, Metadata: map[string]string{
			"broker": "http", "registry": "etcd", "server": "grpc", "transport": "grpc", "protocol": "grpc",
		}}
		value, err := json.Marshal(&registry.Service{Name: service, Nodes: []*registry.Node{node}, Endpoints: []*registry.Endpoint{}})
		if err != nil {
			return "", "", fmt.Errorf("go-micro node %s: %w", addr, err)
		}
		return "/micro/registry/" + service + "/" + node.Id, string(value), nil
	})
}
