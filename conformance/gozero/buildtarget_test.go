package gozero_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dtm-labs/dtm/client/dtmgrpc/dtmgimp"
	"github.com/dtm-labs/dtm/client/dtmgrpc/dtmgpb"
	"github.com/dtmkit/drivers/conformance"
	"github.com/zeromicro/go-zero/core/conf"
	"github.com/zeromicro/go-zero/core/discov"
	"github.com/zeromicro/go-zero/zrpc"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// transKey is the key of the self-registered zrpc service of testBuildTarget,
// named as go-zero's generated services are.
const transKey = "trans.rpc"

// testBuildTarget registers a service as a go-zero service registers itself
// (zrpc server with Etcd.Hosts/Key) and runs a saga whose branch URLs are
// built as go-zero's docs show: RpcClientConf{Etcd: ...}.BuildTarget() plus
// "/pkg.Svc/Method", which is etcd:///hosts?key=trans.rpc/pkg.Svc/Method.
func testBuildTarget(t *testing.T, h *harness, env *conformance.Env) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	etcd := discov.EtcdConf{Hosts: h.etcd.HostList(), Key: transKey}
	if _, err := h.startRegisteredZrpc(ctx, h.client, etcd, env.Bank.Register("trans-1")); err != nil {
		t.Fatal(err)
	}
	target, err := zrpc.RpcClientConf{Etcd: etcd}.BuildTarget()
	if err != nil {
		t.Fatal(err)
	}
	// go-zero sorted etcd.Hosts in place when the server registered
	if want := "etcd:///" + strings.Join(etcd.Hosts, ",") + "?key=" + transKey; target != want {
		t.Fatalf("BuildTarget() = %q, want %q: go-zero changed its target form", target, want)
	}
	expectServed(t, transfer(t, env, at(target), at(target)), "trans-1", "trans-1")
}

// leaseKey matches what go-zero's publisher writes: "<key>/<lease id>".
var leaseKey = regexp.MustCompile(`^(.+)/([0-9]+)$`)

// testRegistrationLayout checks that dtm's registration and a zrpc server's
// are alike: "<key>/<lease id>" holding the address, under a lease with
// go-zero's time to live.
func testRegistrationLayout(t *testing.T, h *harness, env *conformance.Env) {
	dtm := registration(t, h.client, dtmKey)
	zrpcServer := registration(t, h.client, transKey)
	if string(dtm.Value) != env.Dtm.GrpcAddr {
		t.Errorf("dtm's registration holds %q, want its address %s", dtm.Value, env.Dtm.GrpcAddr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, kv := range []struct {
		who string
		kv  registered
	}{{"dtm", dtm}, {"zrpc server", zrpcServer}} {
		ttl, err := h.client.TimeToLive(ctx, clientv3.LeaseID(kv.kv.Lease))
		if err != nil {
			t.Fatalf("lease of %s: %v", kv.who, err)
		}
		if ttl.GrantedTTL != discov.TimeToLive {
			t.Errorf("%s's lease has a TTL of %d s, want go-zero's %d s", kv.who, ttl.GrantedTTL, discov.TimeToLive)
		}
	}
}

// registered is one etcd key-value pair.
type registered struct {
	Key, Value []byte
	Lease      int64
}

// registration reads the single registration under key and checks its shape.
func registration(t *testing.T, client *clientv3.Client, key string) registered {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := client.Get(ctx, key+"/", clientv3.WithPrefix())
	if err != nil {
		t.Fatalf("read etcd: %v", err)
	}
	if len(resp.Kvs) != 1 {
		t.Fatalf("etcd holds %d registrations under %s/, want 1", len(resp.Kvs), key)
	}
	kv := resp.Kvs[0]
	m := leaseKey.FindStringSubmatch(string(kv.Key))
	if m == nil || m[1] != key || m[2] != strconv.FormatInt(kv.Lease, 10) {
		t.Fatalf("registration key %q, want %s/<lease id> (lease %d)", kv.Key, key, kv.Lease)
	}
	return registered{Key: kv.Key, Value: kv.Value, Lease: kv.Lease}
}

// testGoZeroClientFindsDtm calls dtm through a plain go-zero client
// configured with the etcd hosts and dtm's key, as a go-zero service that
// calls dtm directly would be, and through dtm's client given that
// configuration's BuildTarget() as dtm's URL.
func testGoZeroClientFindsDtm(t *testing.T, h *harness, _ *conformance.Env) {
	var c zrpc.RpcClientConf
	if err := conf.FillDefault(&c); err != nil {
		t.Fatal(err)
	}
	c.Etcd = discov.EtcdConf{Hosts: h.etcd.HostList(), Key: dtmKey}
	client, err := zrpc.NewClient(c)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Conn().Close()
	newGid(t, client.Conn(), "a go-zero client of "+dtmKey)

	target, err := c.BuildTarget()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := dtmgimp.GetGrpcConn(target, false)
	if err != nil {
		t.Fatalf("dial dtm at %q: %v", target, err)
	}
	newGid(t, conn, target)
}

// newGid asks dtm for a gid through conn.
func newGid(t *testing.T, conn grpc.ClientConnInterface, through string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	reply, err := dtmgpb.NewDtmClient(conn).NewGid(ctx, &emptypb.Empty{})
	if err != nil {
		t.Fatalf("NewGid through %s: %v", through, err)
	}
	if reply.Gid == "" {
		t.Fatalf("NewGid through %s returned an empty gid", through)
	}
}
