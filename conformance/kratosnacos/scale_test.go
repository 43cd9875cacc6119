package kratosnacos_test

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra"
	nacosregistry "github.com/go-kratos/kratos/contrib/registry/nacos/v2"
	"github.com/go-kratos/kratos/v2/registry"
)

var _ conformance.BulkRegistrar = (*harness)(nil)

// registrars numbers the registrars' naming clients, whose files need
// directories of their own.
var registrars atomic.Int32

// NewAddrRegistrar registers instances through kratos' nacos registry, as
// a kratos.App with one gRPC server does, all on one naming client of the
// registrar's own.
func (h *harness) NewAddrRegistrar(context.Context) (conformance.AddrRegistrar, error) {
	c, closeClient, err := h.newClient(fmt.Sprintf("scale-%d", registrars.Add(1)))
	if err != nil {
		return nil, err
	}
	return &addrRegistrar{reg: nacosregistry.New(c), close: closeClient}, nil
}

// addrRegistrar is the harness' conformance.AddrRegistrar.
type addrRegistrar struct {
	reg   *nacosregistry.Registry
	close func()
}

// registrarWorkers bounds the registrations in flight on the client.
const registrarWorkers = 8

// instanceAt is the kratos instance of service at addr.
func instanceAt(service, addr string) *registry.ServiceInstance {
	return &registry.ServiceInstance{ID: "scale-" + addr, Name: service, Endpoints: []string{"grpc://" + addr}}
}

func (r *addrRegistrar) Register(ctx context.Context, service string, addrs ...string) error {
	return infra.Each(ctx, addrs, registrarWorkers, func(addr string) error {
		if err := r.reg.Register(ctx, instanceAt(service, addr)); err != nil {
			return fmt.Errorf("register %s as %s in nacos: %w", addr, service, err)
		}
		return nil
	})
}

func (r *addrRegistrar) Deregister(ctx context.Context, service, addr string) error {
	if err := r.reg.Deregister(ctx, instanceAt(service, addr)); err != nil {
		return fmt.Errorf("deregister %s from %s in nacos: %w", addr, service, err)
	}
	return nil
}

// Close closes the client: nacos drops the ephemeral instances of its
// connection.
func (r *addrRegistrar) Close() error {
	r.close()
	return nil
}
