package gozero_test

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/dtmkit/drivers/conformance/infra"
	"github.com/zeromicro/go-zero/core/conf"
	"github.com/zeromicro/go-zero/core/discov"
	"github.com/zeromicro/go-zero/zrpc"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc"
)

// zrpcServer is a running zrpc.RpcServer and the gRPC server zrpc built for
// it, caught in the register function, the only handle zrpc gives to it.
type zrpcServer struct {
	addr string
	grpc *grpc.Server
	// done is closed when Start returns, with its panic, if any, in err.
	done chan struct{}
	err  error
}

// serverConf is a zrpc server configuration with go-zero's defaults, as a
// service loading its YAML gets them (a 2 s server timeout, recovery,
// breaker, stats, health), except the CPU load shedder: it rejects calls by
// this machine's CPU usage, which other jobs share, and dtm would only retry.
func serverConf(listenOn string, etcd discov.EtcdConf) (zrpc.RpcServerConf, error) {
	var c zrpc.RpcServerConf
	if err := conf.FillDefault(&c); err != nil {
		return c, fmt.Errorf("zrpc server defaults: %w", err)
	}
	c.Name = "busi"
	c.ListenOn = listenOn
	c.Etcd = etcd
	c.CpuThreshold = 0
	return c, nil
}

// startZrpc starts a zrpc server with zrpc.NewServer (MustNewServer without
// the exit) and returns once it listens. With c.Etcd set, the server
// registers itself first, as in production.
func startZrpc(ctx context.Context, c zrpc.RpcServerConf, register func(*grpc.Server)) (*zrpcServer, error) {
	registered := make(chan *grpc.Server, 1)
	rs, err := zrpc.NewServer(c, func(g *grpc.Server) {
		register(g)
		registered <- g
	})
	if err != nil {
		return nil, fmt.Errorf("zrpc server on %s: %w", c.ListenOn, err)
	}
	s := &zrpcServer{addr: c.ListenOn, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		defer func() {
			if r := recover(); r != nil { // Start panics when it cannot serve
				s.err = fmt.Errorf("zrpc server on %s: %v", c.ListenOn, r)
			}
		}()
		rs.Start()
	}()
	select {
	case s.grpc = <-registered:
		return s, nil
	case <-s.done:
		return nil, fmt.Errorf("zrpc server on %s did not start: %v", c.ListenOn, s.err)
	case <-ctx.Done():
		return nil, fmt.Errorf("zrpc server on %s not listening: %w", c.ListenOn, ctx.Err())
	}
}

// stop stops serving, gracefully for a few seconds. zrpc's Start returns
// only at process shutdown (proc.Shutdown), which the harness' Close calls.
func (s *zrpcServer) stop() {
	stopped := make(chan struct{})
	go func() {
		s.grpc.GracefulStop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		s.grpc.Stop()
		<-stopped
	}
}

// wait waits for Start to return.
func (s *zrpcServer) wait(timeout time.Duration) {
	select {
	case <-s.done:
	case <-time.After(timeout):
	}
}

// instance is one go-zero business instance: a zrpc server and go-zero's
// publisher registering its address under a key, the two parts a zrpc server
// with Etcd.Hosts/Key is made of (zrpc's NewRpcPubServer), called with the
// same arguments. They are held apart so that one instance can be stopped:
// zrpc's RpcServer.Stop only flushes logs, and a self-registered zrpc
// server's publisher stops only when the process winds down.
type instance struct {
	client *clientv3.Client
	key    string
	server *zrpcServer
	pub    *discov.Publisher
	once   sync.Once

	mu      sync.Mutex
	crashed *time.Timer // the lease expiry a crash left pending

	registered time.Time // just before the publisher put the key
}

// startInstance starts an instance and returns once etcd lists it.
func startInstance(ctx context.Context, client *clientv3.Client, hosts []string, key string, register func(*grpc.Server)) (*instance, error) {
	addr, err := infra.FreeAddr()
	if err != nil {
		return nil, err
	}
	c, err := serverConf(addr, discov.EtcdConf{})
	if err != nil {
		return nil, err
	}
	server, err := startZrpc(ctx, c, register)
	if err != nil {
		return nil, err
	}
	i := &instance{client: client, key: key, server: server,
		pub: discov.NewPublisher(append([]string(nil), hosts...), key, addr)}
	i.registered = time.Now()
	if err := i.pub.KeepAlive(); err != nil {
		server.stop()
		return nil, fmt.Errorf("publish %s under %s: %w", addr, key, err)
	}
	if err := waitListed(ctx, client, key, addr, true); err != nil {
		i.Stop()
		return nil, err
	}
	return i, nil
}

func (i *instance) Addr() string { return i.server.addr }

// RegisteredAt is when the publisher was asked to put the key
// (conformance.RegisterTimer).
func (i *instance) RegisteredAt() time.Time { return i.registered }

// Stop revokes the registration, waits until etcd has dropped it, so that
// resolvers stop offering the instance, and then stops serving.
func (i *instance) Stop() {
	i.once.Do(func() {
		i.mu.Lock()
		if i.crashed != nil {
			i.crashed.Stop()
		}
		i.mu.Unlock()
		i.pub.Stop()
		_ = i.waitGone()
		i.server.stop()
	})
}

// waitGone waits until etcd no longer lists the instance.
func (i *instance) waitGone() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return waitListed(ctx, i.client, i.key, i.server.addr, false)
}

// startRegisteredZrpc starts a zrpc server that registers itself under
// etcd.Key, configured as a go-zero service is, and returns once etcd
// (read through client) lists it. The harness' Close stops it.
func (h *harness) startRegisteredZrpc(ctx context.Context, client *clientv3.Client, etcd discov.EtcdConf, register func(*grpc.Server)) (*zrpcServer, error) {
	addr, err := infra.FreeAddr()
	if err != nil {
		return nil, err
	}
	c, err := serverConf(addr, etcd)
	if err != nil {
		return nil, err
	}
	s, err := startZrpc(ctx, c, register)
	if err != nil {
		return nil, err
	}
	h.addServer(s)
	if err := waitListed(ctx, client, etcd.Key, addr, true); err != nil {
		return nil, err
	}
	return s, nil
}
