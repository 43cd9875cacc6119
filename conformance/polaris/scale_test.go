package polaris_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra"
	"github.com/polarismesh/polaris-go/api"
)

var _ conformance.BulkRegistrar = (*harness)(nil)

// registrars numbers the registrars' SDK contexts, whose caches need
// directories of their own.
var registrars atomic.Int32

// NewAddrRegistrar registers instances as the harness' instances register
// (polaris-go's RegisterInstance, protocol tcp, in the default namespace,
// a TTL of instanceTTL that polaris-go then heartbeats, a goroutine each),
// from an SDK context of its own. The TTL matters beyond realism: polaris'
// boltdb store publishes the deletion of a record older than 5 s only when
// the health check next rewrites it.
func (h *harness) NewAddrRegistrar(ctx context.Context) (conformance.AddrRegistrar, error) {
	sdk, err := h.newSDK(fmt.Sprintf("scale-%d", registrars.Add(1)))
	if err != nil {
		return nil, err
	}
	return &addrRegistrar{sdk: sdk, provider: api.NewProviderAPIByContext(sdk), live: map[[2]string]bool{}}, nil
}

// addrRegistrar is the harness' conformance.AddrRegistrar.
type addrRegistrar struct {
	sdk      api.SDKContext
	provider api.ProviderAPI

	mu   sync.Mutex
	live map[[2]string]bool // service and address
}

// A registrar's requests wait longer and retry more than polaris-go's
// defaults (1 s, once): the server answers late while it writes a thousand
// registrations to its store.
const (
	requestTimeout = 5 * time.Second
	requestRetries = 3
)

// registrarWorkers bounds the registrations in flight: the server batches
// them (every 32 ms in the test server's configuration).
const registrarWorkers = 32

func (r *addrRegistrar) Register(ctx context.Context, service string, addrs ...string) error {
	return infra.Each(ctx, addrs, registrarWorkers, func(addr string) error {
		host, port := splitHostPort(addr)
		req := &api.InstanceRegisterRequest{}
		req.Namespace, req.Service, req.Host, req.Port = "default", service, host, port
		protocol := "tcp"
		req.Protocol = &protocol
		req.SetTTL(instanceTTL)
		req.SetTimeout(requestTimeout)
		req.SetRetryCount(requestRetries)
		if _, err := r.provider.RegisterInstance(req); err != nil {
			return fmt.Errorf("register %s in default/%s: %w", addr, service, err)
		}
		r.mu.Lock()
		r.live[[2]string{service, addr}] = true
		r.mu.Unlock()
		return nil
	})
}

func (r *addrRegistrar) Deregister(_ context.Context, service, addr string) error {
	host, port := splitHostPort(addr)
	req := &api.InstanceDeRegisterRequest{}
	req.Namespace, req.Service, req.Host, req.Port = "default", service, host, port
	req.SetTimeout(requestTimeout)
	req.SetRetryCount(requestRetries)
	if err := r.provider.Deregister(req); err != nil {
		return fmt.Errorf("deregister %s from default/%s: %w", addr, service, err)
	}
	r.mu.Lock()
	delete(r.live, [2]string{service, addr})
	r.mu.Unlock()
	return nil
}

// Close deregisters the instances that remain and destroys the SDK context.
func (r *addrRegistrar) Close() error {
	defer r.sdk.Destroy()
	r.mu.Lock()
	var left [][2]string
	for k := range r.live {
		left = append(left, k)
	}
	r.mu.Unlock()
	return infra.Each(context.Background(), left, registrarWorkers, func(k [2]string) error {
		return r.Deregister(context.Background(), k[0], k[1])
	})
}
