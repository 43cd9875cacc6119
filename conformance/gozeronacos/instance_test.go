package gozeronacos_test

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/dtmkit/drivers/conformance"
	"github.com/nacos-group/nacos-sdk-go/v2/clients/naming_client"
	"github.com/nacos-group/nacos-sdk-go/v2/vo"
	"google.golang.org/grpc"
)

// The instances support the suite's fault and convergence hooks.
var (
	_ conformance.Crasher       = (*instance)(nil)
	_ conformance.Deregisterer  = (*instance)(nil)
	_ conformance.RegisterTimer = (*instance)(nil)
)

// instance is a gRPC server registered in nacos by a naming client of its
// own, as a separate zrpc process registering through zero-contrib's
// nacos.RegisterService is: an ephemeral, healthy, enabled instance of
// weight 1 with empty metadata, in the default group.
type instance struct {
	h          *harness
	service    string
	addr       string
	srv        *grpc.Server
	client     naming_client.INamingClient
	close      func() // the client's
	registered time.Time
	once       sync.Once
}

func (h *harness) startInstance(ctx context.Context, service string, register func(*grpc.Server)) (*instance, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	srv := grpc.NewServer()
	register(srv)
	go func() { _ = srv.Serve(lis) }()
	i := &instance{h: h, service: service, addr: lis.Addr().String(), srv: srv}
	if i.client, i.close, err = h.newClient("instance-" + i.addr); err != nil {
		srv.Stop()
		return nil, err
	}
	host, port := splitHostPort(i.addr)
	i.registered = time.Now()
	// zero-contrib's RegisterService, without its shutdown listener
	if _, err := i.client.RegisterInstance(vo.RegisterInstanceParam{
		ServiceName: service, Ip: host, Port: port, Weight: 1, Enable: true, Healthy: true,
		Ephemeral: true, Metadata: map[string]string{},
	}); err != nil {
		i.close()
		srv.Stop()
		return nil, fmt.Errorf("register %s as %s in nacos: %w", i.addr, service, err)
	}
	h.mu.Lock()
	h.instances = append(h.instances, i)
	h.mu.Unlock()
	if err := h.waitListed(ctx, service, i.addr, true); err != nil {
		i.Stop()
		return nil, err
	}
	return i, nil
}

func (i *instance) Addr() string { return i.addr }

// RegisteredAt is just before the registration was sent.
func (i *instance) RegisteredAt() time.Time { return i.registered }

// Deregister removes the instance from nacos; it keeps serving.
func (i *instance) Deregister() error {
	host, port := splitHostPort(i.addr)
	_, err := i.client.DeregisterInstance(vo.DeregisterInstanceParam{
		ServiceName: i.service, Ip: host, Port: port, Ephemeral: true,
	})
	return err
}

// Stop deregisters, closes the client and stops serving.
func (i *instance) Stop() {
	i.once.Do(func() {
		_ = i.Deregister()
		i.close()
		i.srv.Stop()
	})
}

// Crash stops serving and drops the client's connection without
// deregistering, as a killed process does: nacos drops an ephemeral
// instance with its connection.
func (i *instance) Crash() {
	i.once.Do(func() {
		i.close()
		i.srv.Stop()
	})
}
