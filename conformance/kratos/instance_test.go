package kratos_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/dtmkit/drivers/conformance/infra"
	etcdregistry "github.com/go-kratos/kratos/contrib/registry/etcd/v2"
	"github.com/go-kratos/kratos/v2"
	"github.com/go-kratos/kratos/v2/registry"
	kgrpc "github.com/go-kratos/kratos/v2/transport/grpc"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc"
)

// instance is one kratos.App serving one kratos gRPC server.
type instance struct {
	app *kratos.App
	srv *kgrpc.Server
	reg *recordingRegistrar
	// stopHeartbeat ends the registry's lease keep-alive, as a crash does.
	stopHeartbeat context.CancelFunc
	addr          string
	// done is closed when Run returns, with its error in err.
	done chan struct{}
	err  error
	once sync.Once
}

// startKratosInstance starts an instance registered in the etcd client talks
// to, each with its own registry, as separate kratos processes would have.
func startKratosInstance(ctx context.Context, client *clientv3.Client, service string, register func(*grpc.Server)) (*instance, error) {
	srv := kgrpc.NewServer(kgrpc.Address("127.0.0.1:0"))
	register(srv.Server)
	endpoint, err := srv.Endpoint() // listens now, so the address is known
	if err != nil {
		return nil, fmt.Errorf("kratos server endpoint: %w", err)
	}
	heartbeat, stopHeartbeat := context.WithCancel(context.Background())
	reg := &recordingRegistrar{Registry: etcdregistry.New(client, etcdregistry.Context(heartbeat))}
	// AfterStart runs in Run's goroutine once Register returned: waiting for
	// it orders Register before a later Deregister, which kratos' registry
	// does not synchronize itself.
	started := make(chan struct{})
	app := kratos.New(
		kratos.Name(service),
		kratos.Server(srv),
		kratos.Registrar(reg),
		kratos.AfterStart(func(context.Context) error { close(started); return nil }),
	)
	i := &instance{app: app, srv: srv, reg: reg, stopHeartbeat: stopHeartbeat, addr: endpoint.Host,
		done: make(chan struct{})}
	go func() {
		defer close(i.done)
		i.err = app.Run()
	}()

	select {
	case <-started:
	case <-i.done:
		stopHeartbeat()
		return nil, fmt.Errorf("kratos app %s exited: %v", service, i.err)
	case <-ctx.Done():
		i.Stop()
		return nil, fmt.Errorf("kratos app %s did not start: %w", service, ctx.Err())
	}
	key := "/microservices/" + service + "/" + app.ID()
	err = infra.WaitForContext(ctx, "kratos instance "+key+" in etcd", func() bool {
		resp, err := client.Get(ctx, key)
		return err == nil && len(resp.Kvs) == 1
	})
	if err != nil {
		i.Stop()
		return nil, err
	}
	return i, nil
}

func (i *instance) Addr() string { return i.addr }

// Stop deregisters the instance and stops its server, as kratos.App does on
// a signal, and waits for Run to return.
func (i *instance) Stop() {
	i.once.Do(func() {
		_ = i.app.Stop()
		select {
		case <-i.done:
		case <-time.After(15 * time.Second):
		}
		i.stopHeartbeat()
	})
}

// Crash stops serving at once and stops the lease keep-alive, without
// deregistering: etcd keeps the instance until its lease expires.
func (i *instance) Crash() {
	i.stopHeartbeat()
	i.srv.Server.Stop()
}

// RegisteredAt is when kratos asked its registry to register the instance
// (conformance.RegisterTimer).
func (i *instance) RegisteredAt() time.Time {
	i.reg.mu.Lock()
	defer i.reg.mu.Unlock()
	return i.reg.at
}

// Deregister removes the instance from etcd while it keeps serving.
func (i *instance) Deregister() error { return i.reg.deregister() }

// recordingRegistrar is kratos' etcd registry remembering the instance it
// registered, so that it can be deregistered before the app stops (kratos'
// registry finds an instance's heartbeat by pointer).
type recordingRegistrar struct {
	*etcdregistry.Registry
	mu       sync.Mutex
	instance *registry.ServiceInstance
	at       time.Time // just before Register
}

func (r *recordingRegistrar) Register(ctx context.Context, in *registry.ServiceInstance) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.instance, r.at = in, time.Now()
	return r.Registry.Register(ctx, in)
}

func (r *recordingRegistrar) Deregister(ctx context.Context, in *registry.ServiceInstance) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.Registry.Deregister(ctx, in)
}

func (r *recordingRegistrar) deregister() error {
	r.mu.Lock()
	in := r.instance
	r.mu.Unlock()
	if in == nil {
		return errors.New("the instance was not registered")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return r.Deregister(ctx, in)
}
