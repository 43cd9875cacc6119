package kratosconsul_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra"
	consulregistry "github.com/go-kratos/kratos/contrib/registry/consul/v2"
	"github.com/go-kratos/kratos/v2/registry"
	"github.com/hashicorp/consul/api"
)

// The hook of the Scale benchmark.
var _ conformance.BulkRegistrar = (*harness)(nil)

// NewAddrRegistrar registers instances through kratos' consul registry, as
// a kratos.App with one gRPC server does, on a consul api client of the
// registrar's own, with the registry's health check and heartbeat off
// (WithHealthCheck(false), WithHeartbeat(false)): consul would fail the TCP
// check of an address nothing serves, and a heartbeat per instance would
// cost a goroutine each.
func (h *harness) NewAddrRegistrar(context.Context) (conformance.AddrRegistrar, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	client, err := api.NewClient(&api.Config{Address: h.agent.HTTPAddr(), HttpClient: &http.Client{Transport: tr}})
	if err != nil {
		return nil, fmt.Errorf("consul api client: %w", err)
	}
	reg := consulregistry.New(client, consulregistry.WithHealthCheck(false), consulregistry.WithHeartbeat(false))
	return &addrRegistrar{reg: reg, transport: tr, live: map[string]*registry.ServiceInstance{}}, nil
}

// addrRegistrar is the harness' conformance.AddrRegistrar.
type addrRegistrar struct {
	reg       *consulregistry.Registry
	transport *http.Transport

	mu   sync.Mutex
	live map[string]*registry.ServiceInstance // by ID
}

// registrarWorkers bounds the registrations in flight: each is a
// connection to the agent.
const registrarWorkers = 16

// instanceAt is the kratos instance of service at addr.
func instanceAt(service, addr string) *registry.ServiceInstance {
	return &registry.ServiceInstance{ID: service + "-scale-" + addr, Name: service, Endpoints: []string{"grpc://" + addr}}
}

func (r *addrRegistrar) Register(ctx context.Context, service string, addrs ...string) error {
	return infra.Each(ctx, addrs, registrarWorkers, func(addr string) error {
		in := instanceAt(service, addr)
		if err := r.reg.Register(ctx, in); err != nil {
			return fmt.Errorf("register %s as %s in consul: %w", addr, service, err)
		}
		r.mu.Lock()
		r.live[in.ID] = in
		r.mu.Unlock()
		return nil
	})
}

func (r *addrRegistrar) Deregister(ctx context.Context, service, addr string) error {
	in := instanceAt(service, addr)
	if err := r.reg.Deregister(ctx, in); err != nil {
		return fmt.Errorf("deregister %s from %s in consul: %w", addr, service, err)
	}
	r.mu.Lock()
	delete(r.live, in.ID)
	r.mu.Unlock()
	return nil
}

// Close deregisters the instances that remain and closes the client's
// connections.
func (r *addrRegistrar) Close() error {
	defer r.transport.CloseIdleConnections()
	r.mu.Lock()
	var left []*registry.ServiceInstance
	for _, in := range r.live {
		left = append(left, in)
	}
	r.mu.Unlock()
	return infra.Each(context.Background(), left, registrarWorkers, func(in *registry.ServiceInstance) error {
		if err := r.reg.Deregister(context.Background(), in); err != nil {
			return fmt.Errorf("deregister %s from consul: %w", in.ID, err)
		}
		return nil
	})
}
