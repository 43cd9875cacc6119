package gozero_test

import (
	"context"
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance"
	"github.com/zeromicro/go-zero/core/discov"
	"github.com/zeromicro/go-zero/zrpc"
)

// testNestedKey registers an instance under a key holding "/" and reaches it
// through both forms: the legacy etcd://hosts/a/b/key and the BuildTarget
// form, whose key go-zero escapes.
func testNestedKey(t *testing.T, h *harness, env *conformance.Env) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const key = "svc/nested/busi"
	inst, err := h.StartInstance(ctx, key, env.Bank.Register("nested-1"))
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Stop()
	legacy := h.ServiceURL(key)
	build, err := zrpc.RpcClientConf{Etcd: discov.EtcdConf{Hosts: h.etcd.HostList(), Key: key}}.BuildTarget()
	if err != nil {
		t.Fatal(err)
	}
	unescaped := "etcd:///" + h.etcd.Hosts() + "?key=" + key
	expectServed(t, transfer(t, env, at(legacy), at(build)), "nested-1", "nested-1")
	expectServed(t, transfer(t, env, at(unescaped), at(legacy)), "nested-1", "nested-1")
}

// testDirect reaches an instance through go-zero's direct scheme, with no
// registry, as RpcClientConf{Endpoints: ...}.BuildTarget() writes it.
func testDirect(t *testing.T, h *harness, env *conformance.Env) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	inst, err := h.StartInstance(ctx, "direct-busi", env.Bank.Register("direct-1"))
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Stop()
	target, err := zrpc.RpcClientConf{Endpoints: []string{inst.Addr()}}.BuildTarget()
	if err != nil {
		t.Fatal(err)
	}
	expectServed(t, transfer(t, env, at(target), at(target)), "direct-1", "direct-1")
}
