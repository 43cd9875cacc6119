package gozeronacos_test

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra"
	"github.com/nacos-group/nacos-sdk-go/v2/clients/naming_client"
	"github.com/nacos-group/nacos-sdk-go/v2/vo"
)

var _ conformance.BulkRegistrar = (*harness)(nil)

// registrars numbers the registrars' naming clients, whose files need
// directories of their own.
var registrars atomic.Int32

// NewAddrRegistrar registers instances as zero-contrib's
// nacos.RegisterService does (see instance), all from one naming client of
// the registrar's own.
func (h *harness) NewAddrRegistrar(context.Context) (conformance.AddrRegistrar, error) {
	c, closeClient, err := h.newClient(fmt.Sprintf("scale-%d", registrars.Add(1)))
	if err != nil {
		return nil, err
	}
	return &addrRegistrar{client: c, close: closeClient}, nil
}

// addrRegistrar is the harness' conformance.AddrRegistrar.
type addrRegistrar struct {
	client naming_client.INamingClient
	close  func()
}

// registrarWorkers bounds the registrations in flight on the client.
const registrarWorkers = 8

func (r *addrRegistrar) Register(ctx context.Context, service string, addrs ...string) error {
	return infra.Each(ctx, addrs, registrarWorkers, func(addr string) error {
		host, port := splitHostPort(addr)
		// the success flag is not checked: the polaris server's nacos API
		// answers false for some registrations it lists
		if _, err := r.client.RegisterInstance(vo.RegisterInstanceParam{
			ServiceName: service, Ip: host, Port: port, Weight: 1, Enable: true, Healthy: true,
			Ephemeral: true, Metadata: map[string]string{},
		}); err != nil {
			return fmt.Errorf("register %s as %s in nacos: %w", addr, service, err)
		}
		return nil
	})
}

func (r *addrRegistrar) Deregister(_ context.Context, service, addr string) error {
	host, port := splitHostPort(addr)
	if _, err := r.client.DeregisterInstance(vo.DeregisterInstanceParam{
		ServiceName: service, Ip: host, Port: port, Ephemeral: true,
	}); err != nil {
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
