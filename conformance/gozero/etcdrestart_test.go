package gozero_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/zeromicro/go-zero/core/discov"
	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/conformance/infra"
	gozero "github.com/dtmkit/drivers/driver-gozero"
	"github.com/dtmkit/drivers/kit/kittest"
)

// etcdRestarts is how many times TestResolutionAcrossEtcdRestarts restarts
// etcd. The deadlock of go-zero's registry that made the driver read etcd
// itself (driver-gozero/etcdresolver.go) is a narrow race: it hung
// RegistryRestart once in many runs, and this test did not catch it in 10
// restarts. The test guards what the driver's own watch must do instead:
// come back after every outage, for new and for long-lived resolvers.
const etcdRestarts = 3

// outage is how long etcd stays down at each restart.
const outage = 1500 * time.Millisecond

// TestResolutionAcrossEtcdRestarts restarts etcd under a resolver that
// watches a key and, after each restart, resolves the key through a new
// resolver: each must report the published address promptly, and the
// long-lived one must follow a change made after the last restart.
func TestResolutionAcrossEtcdRestarts(t *testing.T) {
	quietGoZero()
	e, err := infra.StartEtcd(infra.EtcdOptions{Members: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	(&gozero.Driver{}).RegisterGrpcResolver()
	const key = "restarts.rpc"
	pub := discov.NewPublisher(e.HostList(), key, "127.0.0.1:1001")
	if err := pub.KeepAlive(); err != nil {
		t.Fatal(err)
	}
	defer pub.Stop()
	target := "etcd://" + e.Hosts() + "/" + key

	watching, closeWatching := resolve(t, target)
	defer closeWatching()
	expectAddrs(t, watching, "first resolution", "127.0.0.1:1001")
	for i := 1; i <= etcdRestarts; i++ {
		e.StopAll()
		// An outage long enough for watch streams to fail and retry.
		time.Sleep(outage)
		if err := e.RestartAll(); err != nil {
			t.Fatalf("restart %d: %v", i, err)
		}
		// Clients reconnect within a few seconds of the restart: probe
		// across that span.
		for until := time.Now().Add(3 * time.Second); time.Now().Before(until); {
			fresh, closeFresh := resolve(t, target)
			expectAddrs(t, fresh, fmt.Sprintf("resolution after restart %d", i), "127.0.0.1:1001")
			closeFresh()
			time.Sleep(200 * time.Millisecond)
		}
	}
	second := discov.NewPublisher(e.HostList(), key, "127.0.0.1:1002")
	if err := second.KeepAlive(); err != nil {
		t.Fatal(err)
	}
	defer second.Stop()
	expectAddrs(t, watching, "long-lived resolver after the restarts", "127.0.0.1:1001", "127.0.0.1:1002")
}

// resolve builds the driver's resolver for target with a recording
// ClientConn. A Build that does not return within 10 s fails the test
// instead of hanging it.
func resolve(t *testing.T, target string) (*kittest.ClientConn, func()) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	cc := &kittest.ClientConn{}
	type built struct {
		r   resolver.Resolver
		err error
	}
	done := make(chan built, 1)
	go func() {
		r, err := resolver.Get(u.Scheme).Build(resolver.Target{URL: *u}, cc, resolver.BuildOptions{})
		done <- built{r, err}
	}()
	select {
	case b := <-done:
		if b.err != nil {
			t.Fatalf("build resolver for %s: %v", target, b.err)
		}
		return cc, b.r.Close
	case <-time.After(10 * time.Second):
		t.Fatalf("building the resolver for %s has not returned in 10 s", target)
		return nil, nil
	}
}

// expectAddrs waits until cc's latest state lists exactly want.
func expectAddrs(t *testing.T, cc *kittest.ClientConn, what string, want ...string) {
	t.Helper()
	var got []string
	ok := cc.Await(10*time.Second, func() bool {
		states := cc.States()
		if len(states) == 0 {
			return false
		}
		got = got[:0]
		for _, a := range states[len(states)-1].Addresses {
			got = append(got, a.Addr)
		}
		return sameSet(got, want)
	})
	if !ok {
		t.Fatalf("%s: addresses %v after 10 s, want %v", what, got, want)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		if seen[s] == 0 {
			return false
		}
		seen[s]--
	}
	return true
}
