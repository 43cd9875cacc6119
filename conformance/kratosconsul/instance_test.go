package kratosconsul_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra/consulagent"
	consulregistry "github.com/go-kratos/kratos/contrib/registry/consul/v2"
	"github.com/go-kratos/kratos/v2"
	"github.com/go-kratos/kratos/v2/registry"
	kgrpc "github.com/go-kratos/kratos/v2/transport/grpc"
	"github.com/hashicorp/consul/api"
	"google.golang.org/grpc"
)

// The instances support the suite's fault and convergence hooks.
var (
	_ conformance.Crasher       = (*instance)(nil)
	_ conformance.Deregisterer  = (*instance)(nil)
	_ conformance.RegisterTimer = (*instance)(nil)
)

// instance is one kratos.App serving one kratos gRPC server, registered by
// kratos' consul registry through a consul api client of its own, whose
// connection to the agent can be cut (Crash, CutAgent).
type instance struct {
	app  *kratos.App
	srv  *kgrpc.Server
	reg  *recordingRegistrar
	cut  *cuttable
	addr string
	// done is closed when Run returns, with its error in err.
	done chan struct{}
	err  error
	once sync.Once
}

// startInstance starts a kratos app registered in a with token, and waits
// until the agent lists it as passing.
func (h *harness) startInstance(ctx context.Context, a *consulagent.Agent, token, service string, register func(*grpc.Server)) (*instance, error) {
	srv := kgrpc.NewServer(kgrpc.Address("127.0.0.1:0"))
	register(srv.Server)
	endpoint, err := srv.Endpoint() // listens now, so the address is known
	if err != nil {
		return nil, fmt.Errorf("kratos server endpoint: %w", err)
	}
	cut := &cuttable{base: http.DefaultTransport.(*http.Transport).Clone()}
	client, err := api.NewClient(&api.Config{Address: a.HTTPAddr(), Token: token, HttpClient: &http.Client{Transport: cut}})
	if err != nil {
		return nil, err
	}
	reg := &recordingRegistrar{Registry: consulregistry.New(client, consulregistry.WithHealthCheckInterval(interval))}
	started := make(chan struct{})
	app := kratos.New(
		kratos.Name(service),
		kratos.Server(srv),
		kratos.Registrar(reg),
		kratos.AfterStart(func(context.Context) error { close(started); return nil }),
	)
	i := &instance{app: app, srv: srv, reg: reg, cut: cut, addr: endpoint.Host, done: make(chan struct{})}
	go func() {
		defer close(i.done)
		i.err = app.Run()
	}()
	select {
	case <-started:
	case <-i.done:
		return nil, fmt.Errorf("kratos app %s exited: %v", service, i.err)
	case <-ctx.Done():
		i.Stop()
		return nil, fmt.Errorf("kratos app %s did not start: %w", service, ctx.Err())
	}
	h.mu.Lock()
	h.instances = append(h.instances, i)
	h.mu.Unlock()
	if err := a.AwaitPassing(ctx, service, i.addr); err != nil {
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

// Deregister removes the instance from consul while it keeps serving.
func (i *instance) Deregister() error { return i.reg.deregister() }

// CutAgent makes every request of the instance's consul client fail: its
// heartbeat stops reaching the agent while it serves.
func (i *instance) CutAgent() { i.cut.cut.Store(true) }

// Stop reconnects the client, stops the app as kratos does on a signal
// (deregistering) and waits for Run to return.
func (i *instance) Stop() {
	i.once.Do(func() {
		i.cut.cut.Store(false)
		_ = i.app.Stop()
		select {
		case <-i.done:
		case <-time.After(15 * time.Second):
		}
	})
}

// Crash stops serving and cuts the client off the agent, as a killed
// process: consul lists the instance until its checks fail.
func (i *instance) Crash() {
	i.CutAgent()
	i.srv.Server.Stop()
}

// cuttable is an http.RoundTripper that fails every request while cut.
type cuttable struct {
	base *http.Transport
	cut  atomic.Bool
}

func (c *cuttable) RoundTrip(r *http.Request) (*http.Response, error) {
	if c.cut.Load() {
		return nil, errors.New("connection cut by the test")
	}
	return c.base.RoundTrip(r)
}

// recordingRegistrar is kratos' consul registry remembering the instance it
// registered, so that it can be deregistered before the app stops.
type recordingRegistrar struct {
	*consulregistry.Registry
	mu       sync.Mutex
	at       time.Time
	instance *registry.ServiceInstance
}

func (r *recordingRegistrar) Register(ctx context.Context, svc *registry.ServiceInstance) error {
	r.mu.Lock()
	r.at, r.instance = time.Now(), svc
	r.mu.Unlock()
	return r.Registry.Register(ctx, svc)
}

func (r *recordingRegistrar) deregister() error {
	r.mu.Lock()
	svc := r.instance
	r.mu.Unlock()
	if svc == nil {
		return errors.New("not registered")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return r.Registry.Deregister(ctx, svc)
}
