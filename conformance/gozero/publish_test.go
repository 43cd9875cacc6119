package gozero_test

import (
	"context"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zeromicro/go-zero/core/discov"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/dtmkit/drivers/conformance/infra"
	gozero "github.com/dtmkit/drivers/driver-gozero"
)

// TestPublishingWithAMemberDown: dtm registers with a target naming three
// etcd members while one is down (go-zero's own publisher cannot: its etcd
// client fails to connect when any listed member is down), in go-zero's
// format and lease, stays registered across a restart of the whole cluster,
// and is gone from etcd when Close returns, its goroutines ended.
func TestPublishingWithAMemberDown(t *testing.T) {
	quietGoZero()
	// a short lease, so that outliving it takes little time; go-zero reads
	// the variable at each grant
	defer func(ttl int64) { discov.TimeToLive = ttl }(discov.TimeToLive)
	discov.TimeToLive = 3
	e, err := infra.StartEtcd(infra.EtcdOptions{Members: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	cli, err := e.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	e.StopMember(2)

	const key, endpoint = "memberdown.rpc", "127.0.0.1:1003"
	d := &gozero.Driver{}
	if err := d.RegisterGrpcService("etcd://"+e.Hosts()+"/"+key, endpoint); err != nil {
		t.Fatalf("register with member 3 of 3 down: %v", err)
	}
	defer d.Close()
	expectPublished(t, cli, key, endpoint)
	if err := e.RestartMember(2); err != nil {
		t.Fatal(err)
	}

	e.StopAll()
	time.Sleep(outage) // an outage long enough for the keep-alive stream to fail
	if err := e.RestartAll(); err != nil {
		t.Fatal(err)
	}
	// Longer than the lease: only a keep-alive that came back keeps it.
	// The outage does not count against the lease (etcd's leader renews
	// every lease when it is elected).
	time.Sleep(time.Duration(discov.TimeToLive)*time.Second + time.Second)
	expectPublished(t, cli, key, endpoint)

	if err := d.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// no wait: Close returns once etcd has deleted the key
	if kvs := published(t, cli, key); len(kvs) != 0 {
		t.Errorf("after Close, etcd still lists %v under %s/", kvs, key)
	}
	if err := infra.WaitFor(5*time.Second, "the publication's goroutines to end", func() bool {
		return !strings.Contains(allStacks(), "driver-gozero.(*publication)")
	}); err != nil {
		t.Fatalf("%v:\n%s", err, allStacks())
	}
}

// expectPublished waits until etcd lists endpoint under key, the way go-zero
// publishes it: "<key>/<lease id>" on a lease of discov.TimeToLive.
func expectPublished(t *testing.T, cli *clientv3.Client, key, endpoint string) {
	t.Helper()
	var kvs map[string]string
	err := infra.WaitFor(10*time.Second, endpoint+" listed under "+key+"/", func() bool {
		kvs = published(t, cli, key)
		return len(kvs) == 1
	})
	if err != nil {
		t.Fatalf("%v: etcd lists %v", err, kvs)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := cli.Get(ctx, key+"/", clientv3.WithPrefix())
	if err != nil {
		t.Fatal(err)
	}
	kv := resp.Kvs[0]
	if string(kv.Value) != endpoint {
		t.Errorf("%s holds %q, want %q", kv.Key, kv.Value, endpoint)
	}
	lease := clientv3.LeaseID(kv.Lease)
	ttl, err := cli.TimeToLive(ctx, lease)
	if err != nil {
		t.Fatal(err)
	}
	if ttl.GrantedTTL != discov.TimeToLive || string(kv.Key) != key+"/"+strconv.FormatInt(kv.Lease, 10) {
		t.Errorf("key %s on a lease of %d s, want %s/%d on go-zero's %d s", kv.Key, ttl.GrantedTTL, key, lease, discov.TimeToLive)
	}
}

// published returns what etcd lists under "<key>/".
func published(t *testing.T, cli *clientv3.Client, key string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := cli.Get(ctx, key+"/", clientv3.WithPrefix())
	if err != nil {
		t.Fatal(err)
	}
	kvs := map[string]string{}
	for _, kv := range resp.Kvs {
		kvs[string(kv.Key)] = string(kv.Value)
	}
	return kvs
}

func allStacks() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}
