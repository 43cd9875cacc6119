package gomicro_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dtm-labs/dtm/client/dtmgrpc"
	"github.com/dtm-labs/dtm/client/dtmgrpc/dtmgimp"
	"github.com/dtm-labs/dtm/client/dtmgrpc/dtmgpb"
	"github.com/dtm-labs/dtmdriver"
	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/conformance/infra"
	gomicrodriver "github.com/dtmkit/drivers/driver-gomicro"
	"go-micro.dev/v5/client"
	grpcclient "go-micro.dev/v5/client/grpc"
	"go-micro.dev/v5/registry"
	"go-micro.dev/v5/registry/etcd"
	"go-micro.dev/v5/selector"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
)

// amount is what each transaction here moves.
const amount = 30

// timeout returns a context for one subtest step.
func timeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// testWithoutServerOption: a go-micro gRPC service without
// gomicrodriver.ServerOption refuses dtm's branch calls, with the error the
// driver's README quotes (dtm#571). The call is made as dtm makes it: the
// driver's URL, dtm's raw codec.
func testWithoutServerOption(t *testing.T, h *harness, env *conformance.Env) {
	const service = "nooption"
	inst, err := h.start(timeout(t, 30*time.Second), h.client, service, env.Bank.Register(service+"-1"),
		instanceOptions{hosts: h.etcd.HostList(), withoutOption: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(inst.Stop)
	req, err := proto.Marshal(busi.Req{UserID: env.User(), Amount: amount}.Proto())
	if err != nil {
		t.Fatal(err)
	}
	server, method, err := dtmdriver.GetDriver().ParseServerMethod(h.ServiceURL(service) + busi.TransIn)
	if err != nil {
		t.Fatal(err)
	}
	var reply []byte
	err = dtmgimp.MustGetGrpcConn(server, true).Invoke(timeout(t, 10*time.Second), method, req, &reply)
	t.Logf("without the option, a branch call gets: %v", err)
	const want = `rpc error: code = Unknown desc = {"id":"go.micro.server","code":500,"detail":"Unsupported Content-Type: application/grpc+dtm_raw","status":"Internal Server Error"}`
	if err == nil || err.Error() != want {
		t.Fatalf("branch call to a service without ServerOption: %v\nwant %s", err, want)
	}
	if n := env.Bank.Stats(service + "-1").Calls; n != 0 {
		t.Errorf("the business service saw %d calls", n)
	}
}

// testGrpcNodesOnly: a service with nodes of go-micro's default server
// (mucp) beside a gRPC node: every branch call goes to the gRPC node.
func testGrpcNodesOnly(t *testing.T, h *harness, env *conformance.Env) {
	const service = "mixed"
	ctx := timeout(t, 30*time.Second)
	for _, name := range []string{"rpc-1", "rpc-2"} {
		inst, err := h.start(ctx, h.client, service, env.Bank.Register(service+"-"+name),
			instanceOptions{hosts: h.etcd.HostList(), rpc: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(inst.Stop)
	}
	inst, err := h.start(ctx, h.client, service, env.Bank.Register(service+"-grpc"), instanceOptions{hosts: h.etcd.HostList()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(inst.Stop)
	if n := len(registered(t, h.client, service)); n != 3 {
		t.Fatalf("%d nodes of %s in etcd, want 3", n, service)
	}
	prefix := h.ServiceURL(service)
	for i := 0; i < 10; i++ {
		from, to, gid := env.User(), env.User(), env.Gid("grpconly")
		err := dtmgrpc.NewSagaGrpc(env.DtmURL, gid).
			Add(prefix+busi.TransOut, prefix+busi.TransOutRevert, busi.Req{UserID: from, Amount: amount}.Proto()).
			Add(prefix+busi.TransIn, prefix+busi.TransInRevert, busi.Req{UserID: to, Amount: amount}.Proto()).
			Submit()
		if err != nil {
			t.Fatal(err)
		}
		env.WaitStatus(t, gid, "succeed")
		for _, c := range env.Bank.Calls(gid) {
			if c.Instance != service+"-grpc" {
				t.Errorf("%s served by %s", c.Method, c.Instance)
			}
		}
	}
	for _, name := range []string{"rpc-1", "rpc-2"} {
		if n := env.Bank.Stats(service + "-" + name).Calls; n != 0 {
			t.Errorf("the mucp node %s got %d calls", name, n)
		}
	}
}

// testGoMicroFindsDtm: dtm's registration is a go-micro gRPC node: go-micro's
// etcd registry lists it, and a go-micro gRPC client, with go-micro's
// registry and selector, calls dtm through it.
func testGoMicroFindsDtm(t *testing.T, h *harness, env *conformance.Env) {
	reg := etcd.NewEtcdRegistry(registry.Addrs(h.etcd.HostList()...))
	t.Cleanup(func() { _ = closeRegistry(reg) })
	services, err := reg.GetService(dtmService)
	if err != nil {
		t.Fatalf("go-micro's registry: %v", err)
	}
	if len(services) != 1 || len(services[0].Nodes) != 1 {
		t.Fatalf("go-micro lists %+v", services)
	}
	n := services[0].Nodes[0]
	if n.Metadata["protocol"] != "grpc" || n.Address != env.Dtm.GrpcAddr || !strings.HasPrefix(n.Id, dtmService+"-") {
		t.Fatalf("dtm's node %+v, want protocol grpc at %s", n, env.Dtm.GrpcAddr)
	}
	sel := selector.NewSelector(selector.Registry(reg))
	t.Cleanup(func() { _ = sel.Close() })
	// no pool: its connections would outlive the test
	c := grpcclient.NewClient(client.Registry(reg), client.Selector(sel), client.PoolSize(0))
	var gid dtmgpb.DtmGidReply
	if err := c.Call(timeout(t, 10*time.Second), c.NewRequest(dtmService, "/dtmgimp.Dtm/NewGid", &emptypb.Empty{}), &gid); err != nil {
		t.Fatalf("go-micro client calling dtm: %v", err)
	}
	if gid.Gid == "" {
		t.Fatal("dtm gave go-micro's client no gid")
	}
}

// testCloseDeregisters: Close withdraws a registration and returns once etcd
// no longer lists it; go-micro's registry then does not find the service.
func testCloseDeregisters(t *testing.T, h *harness, _ *conformance.Env) {
	const service = "dtm-close"
	d := &gomicrodriver.Driver{}
	if err := d.RegisterService("gomicro://"+h.etcd.Hosts()+"/"+service, "127.0.0.1:36790"); err != nil {
		t.Fatal(err)
	}
	if n := len(registered(t, h.client, service)); n != 1 {
		t.Fatalf("%d nodes after RegisterService, want 1", n)
	}
	start := time.Now()
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("Close took %v", time.Since(start))
	if n := len(registered(t, h.client, service)); n != 0 {
		t.Fatalf("%d nodes right after Close, want 0", n)
	}
	reg := etcd.NewEtcdRegistry(registry.Addrs(h.etcd.HostList()...))
	defer func() { _ = closeRegistry(reg) }()
	if _, err := reg.GetService(service); err != registry.ErrNotFound {
		t.Fatalf("go-micro's registry after Close: %v, want %v", err, registry.ErrNotFound)
	}
}

// testLeaseLost: when etcd loses dtm's lease (revoked here, as after an
// expiry while etcd was unreachable), the driver registers the node again
// on a new lease, and Close still withdraws it.
func testLeaseLost(t *testing.T, h *harness, _ *conformance.Env) {
	const service = "dtm-lease"
	d := &gomicrodriver.Driver{}
	defer d.Close()
	if err := d.RegisterService("gomicro://"+h.etcd.Hosts()+"/"+service, "127.0.0.1:36790"); err != nil {
		t.Fatal(err)
	}
	lease := func() (clientv3.LeaseID, bool) {
		resp, err := h.client.Get(timeout(t, 5*time.Second), "/micro/registry/"+service+"/", clientv3.WithPrefix())
		if err != nil || len(resp.Kvs) != 1 {
			return 0, false
		}
		return clientv3.LeaseID(resp.Kvs[0].Lease), true
	}
	first, ok := lease()
	if !ok || first == 0 {
		t.Fatalf("no node on a lease after RegisterService (lease %x)", first)
	}
	if _, err := h.client.Revoke(timeout(t, 5*time.Second), first); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var again clientv3.LeaseID
	err := infra.WaitFor(10*time.Second, "the node to be registered again", func() bool {
		again, ok = lease()
		return ok && again != first
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("registered again on lease %x %v after the revoke", again, time.Since(start).Round(time.Millisecond))
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if n := len(registered(t, h.client, service)); n != 0 {
		t.Fatalf("%d nodes after Close, want 0", n)
	}
}
