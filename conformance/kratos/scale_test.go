package kratos_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra"
	"github.com/go-kratos/kratos/v2/registry"
)

var _ conformance.BulkRegistrar = (*harness)(nil)

// NewAddrRegistrar writes instances as kratos' etcd registry does for a
// kratos.App with one gRPC server: the JSON of its ServiceInstance under
// /microservices/<name>/<id>, on a lease (one the registrar's instances
// share, where the registry grants one each).
func (h *harness) NewAddrRegistrar(ctx context.Context) (conformance.AddrRegistrar, error) {
	return infra.NewEtcdRegistrar(ctx, h.etcd, func(service, addr string) (string, string, error) {
		in := registry.ServiceInstance{
			ID: "scale-" + addr, Name: service, Metadata: map[string]string{},
			Endpoints: []string{"grpc://" + addr},
		}
		value, err := json.Marshal(in)
		if err != nil {
			return "", "", fmt.Errorf("kratos instance %s: %w", addr, err)
		}
		return "/microservices/" + service + "/" + in.ID, string(value), nil
	})
}
