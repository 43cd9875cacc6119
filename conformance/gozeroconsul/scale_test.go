package gozeroconsul_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra"
	"github.com/dtmkit/drivers/conformance/infra/consulagent"
)

// The hook of the Scale benchmark.
var _ conformance.BulkRegistrar = (*harness)(nil)

// NewAddrRegistrar registers instances as register does (zero-contrib's
// consul.RegisterService), but with a TTL of 10 minutes passed once at
// registration: a heartbeat per instance would cost a goroutine each, and
// nothing else may pass the check of an address nothing serves.
func (h *harness) NewAddrRegistrar(context.Context) (conformance.AddrRegistrar, error) {
	return &addrRegistrar{agent: h.agent, live: map[string]bool{}}, nil
}

// addrRegistrar is the harness' conformance.AddrRegistrar.
type addrRegistrar struct {
	agent *consulagent.Agent

	mu   sync.Mutex
	live map[string]bool // service IDs
}

// registrarWorkers bounds the registrations in flight: each is a
// connection to the agent.
const registrarWorkers = 16

// serviceID is zero-contrib's service ID, <key>-<host>-<port>.
func serviceID(service, addr string) string {
	host, port := splitHostPort(addr)
	return fmt.Sprintf("%s-%s-%d", service, host, port)
}

func (r *addrRegistrar) Register(ctx context.Context, service string, addrs ...string) error {
	return infra.Each(ctx, addrs, registrarWorkers, func(addr string) error {
		host, port := splitHostPort(addr)
		id := serviceID(service, addr)
		reg := map[string]any{
			"ID": id, "Name": service, "Tags": []string{"tag", "rpc"}, "Meta": map[string]string{"Protocol": "grpc"},
			"Port": port, "Address": host,
			"Checks": []map[string]any{{"CheckID": id, "TTL": "600s", "Status": "passing",
				"DeregisterCriticalServiceAfter": "1800s"}},
		}
		if err := r.agent.Put("/v1/agent/service/register", reg, ""); err != nil {
			return fmt.Errorf("register %s as %s in consul: %w", addr, service, err)
		}
		r.mu.Lock()
		r.live[id] = true
		r.mu.Unlock()
		return nil
	})
}

func (r *addrRegistrar) Deregister(_ context.Context, service, addr string) error {
	id := serviceID(service, addr)
	if err := r.agent.Put("/v1/agent/service/deregister/"+id, nil, ""); err != nil {
		return fmt.Errorf("deregister %s from %s in consul: %w", addr, service, err)
	}
	r.mu.Lock()
	delete(r.live, id)
	r.mu.Unlock()
	return nil
}

// Close deregisters the instances that remain.
func (r *addrRegistrar) Close() error {
	defer consulagent.CloseIdleConnections()
	r.mu.Lock()
	var left []string
	for id := range r.live {
		left = append(left, id)
	}
	r.mu.Unlock()
	return infra.Each(context.Background(), left, registrarWorkers, func(id string) error {
		if err := r.agent.Put("/v1/agent/service/deregister/"+id, nil, ""); err != nil {
			return fmt.Errorf("deregister %s from consul: %w", id, err)
		}
		return nil
	})
}
