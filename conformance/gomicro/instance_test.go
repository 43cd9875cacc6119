package gomicro_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/conformance/infra"
	gomicrodriver "github.com/dtmkit/drivers/driver-gomicro"
	"go-micro.dev/v5/registry"
	"go-micro.dev/v5/registry/etcd"
	"go-micro.dev/v5/server"
	grpcserver "go-micro.dev/v5/server/grpc"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// instanceOptions are how an instance is built.
type instanceOptions struct {
	// hosts are the etcd hosts, user and pass its credentials.
	hosts      []string
	user, pass string
	// withoutOption leaves out gomicrodriver.ServerOption, as a service
	// written before it was added.
	withoutOption bool
	// rpc starts go-micro's default server (its own RPC, mucp) instead of
	// its gRPC server.
	rpc bool
}

// instance is one go-micro server. Its handler, Busi, forwards each call to
// the suite's business service, which the harness gets as a function
// registering a grpc.ServiceDesc: that runs on an in-memory grpc server
// behind the go-micro handler, so that the calls dtm makes go through
// go-micro's server, handler and error handling as a go-micro service's do.
type instance struct {
	srv   server.Server
	reg   registry.Registry
	lis   *crashListener
	inner *grpc.Server
	conn  *grpc.ClientConn
	addr  string
	key   string    // its node's etcd key
	at    time.Time // just before the registration
	once  sync.Once
}

// startInstance starts a go-micro server named service, registered in etcd
// through go-micro's etcd registry, and returns once etcd holds it.
func startInstance(ctx context.Context, client *clientv3.Client, service string, register func(*grpc.Server), o instanceOptions) (*instance, error) {
	// the business service, in memory
	mem := bufconn.Listen(1 << 20)
	inner := grpc.NewServer()
	register(inner)
	go func() { _ = inner.Serve(mem) }()
	conn, err := grpc.Dial("bufnet", grpc.WithContextDialer(func(context.Context, string) (net.Conn, error) { return mem.Dial() }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		inner.Stop()
		return nil, err
	}

	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		inner.Stop()
		_ = conn.Close()
		return nil, err
	}
	cl := &crashListener{Listener: lis}
	regOpts := []registry.Option{registry.Addrs(o.hosts...), registry.Timeout(5 * time.Second)}
	if o.user != "" {
		regOpts = append(regOpts, etcd.Auth(o.user, o.pass))
	}
	reg := etcd.NewEtcdRegistry(regOpts...)
	opts := []server.Option{
		server.Name(service),
		// go-micro's default ID is one per process; these servers stand for
		// processes of their own
		server.Id(newID()),
		server.Address(lis.Addr().String()),
		server.Registry(reg), // go-micro's default TTL (90 s) and re-registration (30 s)
	}
	var srv server.Server
	if o.rpc {
		srv = server.NewRPCServer(opts...)
		_ = lis.Close()
	} else {
		opts = append(opts, grpcserver.Listener(cl))
		if !o.withoutOption {
			// the one line the driver's README asks of a go-micro service
			opts = append(opts, grpcserver.Options(gomicrodriver.ServerOption()))
		}
		srv = grpcserver.NewServer(opts...)
	}
	fail := func(err error) (*instance, error) {
		_ = closeRegistry(reg)
		inner.Stop()
		_ = conn.Close()
		return nil, fmt.Errorf("go-micro server %s: %w", service, err)
	}
	if err := srv.Handle(srv.NewHandler(&Busi{conn: conn})); err != nil {
		return fail(err)
	}
	registeredAt := time.Now() // Start registers the node
	if err := srv.Start(); err != nil {
		return fail(err)
	}
	i := &instance{srv: srv, reg: reg, lis: cl, inner: inner, conn: conn, addr: srv.Options().Address, at: registeredAt,
		key: "/micro/registry/" + service + "/" + service + "-" + srv.Options().Id}
	err = infra.WaitForContext(ctx, "go-micro node "+i.key+" in etcd", func() bool {
		resp, err := client.Get(ctx, i.key)
		return err == nil && len(resp.Kvs) == 1
	})
	if err != nil {
		i.Stop()
		return nil, err
	}
	return i, nil
}

func (i *instance) Addr() string { return i.addr }

// newID returns a random ID, as go-micro's default (a UUID) per process.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Stop deregisters the node and stops the server, as go-micro does on a
// signal.
func (i *instance) Stop() {
	i.once.Do(func() {
		_ = i.srv.Stop()
		_ = closeRegistry(i.reg)
		i.inner.Stop()
		_ = i.conn.Close()
	})
}

// RegisteredAt is when the server was asked to register
// (conformance.RegisterTimer).
func (i *instance) RegisteredAt() time.Time { return i.at }

// Deregister removes the node from etcd while the server keeps serving, as
// go-micro's server does first when it stops (conformance.Deregisterer). The
// server would register it again at its next re-registration, 30 s later.
func (i *instance) Deregister() error {
	d, ok := i.srv.(interface{ Deregister() error })
	if !ok {
		return fmt.Errorf("go-micro server %T has no Deregister", i.srv)
	}
	return d.Deregister()
}

// Crash stops serving at once, without deregistering: the listener and
// every connection close, and etcd keeps the node listed, as after a killed
// process until its lease expires.
func (i *instance) Crash() { i.lis.crash() }

// crashListener is a listener whose connections can all be cut at once.
type crashListener struct {
	net.Listener
	mu      sync.Mutex
	conns   []net.Conn
	crashed bool
}

func (l *crashListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.crashed {
		_ = c.Close()
		return nil, net.ErrClosed
	}
	l.conns = append(l.conns, c)
	return c, nil
}

func (l *crashListener) crash() {
	l.mu.Lock()
	l.crashed = true
	conns := l.conns
	l.conns = nil
	l.mu.Unlock()
	_ = l.Listener.Close()
	for _, c := range conns {
		_ = c.Close()
	}
}

// Busi is the go-micro handler of the business service: go-micro serves
// "/busi.Busi/<Method>" with the method of that name of a handler whose type
// is named Busi, as protoc-gen-micro's generated code registers it. Every
// method forwards to the business service with the call's metadata (dtm's
// transaction and branch IDs) and returns its error as it is: a gRPC status,
// as dtm's documentation has gRPC branches return theirs.
type Busi struct{ conn *grpc.ClientConn }

func (b *Busi) forward(ctx context.Context, method string, in *structpb.Struct) error {
	md, _ := metadata.FromIncomingContext(ctx)
	out := metadata.MD{}
	for k, v := range md {
		if k != "content-type" && k != "user-agent" && k != "timeout" && !strings.HasPrefix(k, ":") && !strings.HasPrefix(k, "grpc-") {
			out[k] = v
		}
	}
	return b.conn.Invoke(metadata.NewOutgoingContext(ctx, out), method, in, new(emptypb.Empty))
}

func (b *Busi) TransOut(ctx context.Context, in *structpb.Struct, _ *emptypb.Empty) error {
	return b.forward(ctx, busi.TransOut, in)
}

func (b *Busi) TransOutRevert(ctx context.Context, in *structpb.Struct, _ *emptypb.Empty) error {
	return b.forward(ctx, busi.TransOutRevert, in)
}

func (b *Busi) TransIn(ctx context.Context, in *structpb.Struct, _ *emptypb.Empty) error {
	return b.forward(ctx, busi.TransIn, in)
}

func (b *Busi) TransInRevert(ctx context.Context, in *structpb.Struct, _ *emptypb.Empty) error {
	return b.forward(ctx, busi.TransInRevert, in)
}

func (b *Busi) TransOutTry(ctx context.Context, in *structpb.Struct, _ *emptypb.Empty) error {
	return b.forward(ctx, busi.TransOutTry, in)
}

func (b *Busi) TransOutConfirm(ctx context.Context, in *structpb.Struct, _ *emptypb.Empty) error {
	return b.forward(ctx, busi.TransOutConfirm, in)
}

func (b *Busi) TransOutCancel(ctx context.Context, in *structpb.Struct, _ *emptypb.Empty) error {
	return b.forward(ctx, busi.TransOutCancel, in)
}

func (b *Busi) TransInTry(ctx context.Context, in *structpb.Struct, _ *emptypb.Empty) error {
	return b.forward(ctx, busi.TransInTry, in)
}

func (b *Busi) TransInConfirm(ctx context.Context, in *structpb.Struct, _ *emptypb.Empty) error {
	return b.forward(ctx, busi.TransInConfirm, in)
}

func (b *Busi) TransInCancel(ctx context.Context, in *structpb.Struct, _ *emptypb.Empty) error {
	return b.forward(ctx, busi.TransInCancel, in)
}
