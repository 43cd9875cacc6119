package dtmcluster

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/dtmkit/drivers/conformance/infra"
	"github.com/dtmkit/drivers/conformance/infra/redisserver"
)

// TestMain fails the run if the tests leave anything in TMPDIR.
func TestMain(m *testing.M) { infra.Main(m) }

// TestMembersRegisterAndLeave starts two dtm servers on one redis, each
// registered in etcd through dtm-driver-gozero: a SIGTERM takes a member out
// of etcd before it exits, a SIGKILL leaves it until its lease ends, and a
// restarted member registers again.
func TestMembersRegisterAndLeave(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	etcd, err := infra.StartEtcd(infra.EtcdOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer etcd.Close()
	cli, err := etcd.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	redis, err := redisserver.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer redis.Close()
	bin, remove, err := Build(ctx, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	defer remove()

	c, err := Start(ctx, Options{
		Bin: bin, Size: 2, Driver: "dtm-driver-gozero",
		Target: "etcd://" + etcd.Hosts() + "/dtmservice", RedisAddr: redis.Addr(),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	m0, m1 := c.Members()[0], c.Members()[1]
	expectRegistered(t, cli, m0.GrpcAddr, m1.GrpcAddr)

	took, err := m0.Stop()
	if err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	t.Logf("a member exited %s after SIGTERM", took.Round(time.Millisecond))
	if got := registered(t, cli); strings.Join(got, ",") != m1.GrpcAddr {
		t.Fatalf("after SIGTERM to %s, etcd lists %v: it must be gone when the process has exited", m0.GrpcAddr, got)
	}

	m1.Kill()
	if got := registered(t, cli); strings.Join(got, ",") != m1.GrpcAddr {
		t.Fatalf("after SIGKILL, etcd lists %v; want the killed member until its lease ends", got)
	}
	if err := m0.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m1.Start(ctx); err != nil {
		t.Fatal(err)
	}
	expectRegistered(t, cli, m0.GrpcAddr, m1.GrpcAddr)
}

// expectRegistered waits until etcd lists exactly want under dtmservice/.
func expectRegistered(t *testing.T, cli *clientv3.Client, want ...string) {
	t.Helper()
	sort.Strings(want)
	var got []string
	err := infra.WaitFor(30*time.Second, "dtm servers registered", func() bool {
		got = registered(t, cli)
		return strings.Join(got, ",") == strings.Join(want, ",")
	})
	if err != nil {
		t.Fatalf("%v: etcd lists %v, want %v", err, got, want)
	}
}

// registered returns the distinct addresses under dtmservice/, sorted.
func registered(t *testing.T, cli *clientv3.Client) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r, err := cli.Get(ctx, "dtmservice/", clientv3.WithPrefix())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var out []string
	for _, kv := range r.Kvs {
		if a := string(kv.Value); !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}
