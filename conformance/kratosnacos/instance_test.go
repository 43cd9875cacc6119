package kratosnacos_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/dtmkit/drivers/conformance"
	nacosregistry "github.com/go-kratos/kratos/contrib/registry/nacos/v2"
	"github.com/go-kratos/kratos/v2"
	"github.com/go-kratos/kratos/v2/registry"
	kgrpc "github.com/go-kratos/kratos/v2/transport/grpc"
	"google.golang.org/grpc"
)

// The instances support the suite's fault and convergence hooks.
var (
	_ conformance.Crasher       = (*instance)(nil)
	_ conformance.Deregisterer  = (*instance)(nil)
	_ conformance.RegisterTimer = (*instance)(nil)
)

// instance is one kratos.App serving one kratos gRPC server, registered by
// kratos' nacos registry on a naming client of its own, as a separate
// kratos process is.
type instance struct {
	app   *kratos.App
	srv   *kgrpc.Server
	reg   *recordingRegistrar
	close func() // the naming client's
	addr  string
	// done is closed when Run returns, with its error in err.
	done chan struct{}
	err  error
	once sync.Once
}

func (h *harness) startInstance(ctx context.Context, service string, register func(*grpc.Server)) (*instance, error) {
	srv := kgrpc.NewServer(kgrpc.Address("127.0.0.1:0"))
	register(srv.Server)
	endpoint, err := srv.Endpoint() // listens now, so the address is known
	if err != nil {
		return nil, fmt.Errorf("kratos server endpoint: %w", err)
	}
	client, closeClient, err := h.newClient("instance-" + endpoint.Host)
	if err != nil {
		_ = srv.Stop(ctx)
		return nil, err
	}
	reg := &recordingRegistrar{Registry: nacosregistry.New(client)}
	// AfterStart runs in Run's goroutine once Register returned.
	started := make(chan struct{})
	app := kratos.New(
		kratos.Name(service),
		kratos.Server(srv),
		kratos.Registrar(reg),
		kratos.AfterStart(func(context.Context) error { close(started); return nil }),
	)
	i := &instance{app: app, srv: srv, reg: reg, close: closeClient, addr: endpoint.Host, done: make(chan struct{})}
	go func() {
		defer close(i.done)
		i.err = app.Run()
	}()
	select {
	case <-started:
	case <-i.done:
		closeClient()
		return nil, fmt.Errorf("kratos app %s exited: %v", service, i.err)
	case <-ctx.Done():
		i.Stop()
		return nil, fmt.Errorf("kratos app %s did not start: %w", service, ctx.Err())
	}
	h.mu.Lock()
	h.instances = append(h.instances, i)
	h.mu.Unlock()
	if err := h.waitListed(ctx, service+".grpc", i.addr, true); err != nil {
		i.Stop()
		return nil, err
	}
	return i, nil
}

func (i *instance) Addr() string { return i.addr }

// RegisteredAt is when kratos asked its registry to register the instance.
func (i *instance) RegisteredAt() time.Time {
	i.reg.mu.Lock()
	defer i.reg.mu.Unlock()
	return i.reg.at
}

// Deregister removes the instance from nacos while it keeps serving.
func (i *instance) Deregister() error { return i.reg.deregister() }

// Stop deregisters the instance and stops its server, as kratos.App does on
// a signal, waits for Run to return and closes the naming client.
func (i *instance) Stop() {
	i.once.Do(func() {
		_ = i.app.Stop()
		select {
		case <-i.done:
		case <-time.After(15 * time.Second):
		}
		i.close()
	})
}

// Crash stops serving at once and drops the naming client's connection
// without deregistering, as a killed process does: nacos drops an
// ephemeral instance with its connection. Stop later ends the app without
// a deregistration.
func (i *instance) Crash() {
	i.reg.crash()
	i.close()
	i.srv.Server.Stop()
}

// recordingRegistrar is kratos' nacos registry remembering the instance it
// registered, so that it can be deregistered before the app stops.
type recordingRegistrar struct {
	*nacosregistry.Registry
	mu       sync.Mutex
	instance *registry.ServiceInstance
	at       time.Time // just before Register
	crashed  bool
}

func (r *recordingRegistrar) Register(ctx context.Context, in *registry.ServiceInstance) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.instance, r.at = in, time.Now()
	return r.Registry.Register(ctx, in)
}

// Deregister is kratos.App's on Stop: none after a crash, whose client is
// closed. kratos.App.Stop leaves Run running when it fails, so it does not.
func (r *recordingRegistrar) Deregister(ctx context.Context, in *registry.ServiceInstance) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.crashed {
		_ = r.Registry.Deregister(ctx, in)
	}
	return nil
}

func (r *recordingRegistrar) crash() {
	r.mu.Lock()
	r.crashed = true
	r.mu.Unlock()
}

func (r *recordingRegistrar) deregister() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.instance == nil {
		return errors.New("the instance was not registered")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return r.Registry.Deregister(ctx, r.instance)
}
