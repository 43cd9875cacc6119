package kratos_test

import (
	"context"
	"fmt"
	"net/url"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dtm-labs/dtmdriver"
	etcdregistry "github.com/go-kratos/kratos/contrib/registry/etcd/v2"
	"github.com/go-kratos/kratos/v2/registry"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/conformance/infra"
	kratosdriver "github.com/dtmkit/drivers/driver-kratos"
	"github.com/dtmkit/drivers/kit/kittest"
)

// These tests check the driver's shared watch (driver-kratos/watch.go): one
// etcd prefix watch per cluster, whatever the number of services and
// resolvers, fanned out to each resolver, stopped with the last resolver,
// and read again after it fails. They need a real etcd, which the driver's
// module does not require, so they live here.

// watchGoroutine is the function of the shared watch's goroutine.
const watchGoroutine = "driver-kratos.(*clusterWatch).run"

// TestSharedWatchFansOut resolves two services through many resolvers on one
// cluster: one watch serves them all, each resolver sees its own service's
// changes and no other's, and a resolver of a service already watched gets
// its state during Build.
func TestSharedWatchFansOut(t *testing.T) {
	e, client := startEtcd(t, 1)
	ownDriver(t)
	a1 := register(t, client, "alpha", "127.0.0.1:1001")
	register(t, client, "beta", "127.0.0.1:2001")
	hosts := e.Hosts()

	const perService = 50
	var alpha, beta []*kittest.ClientConn
	for i := 0; i < perService; i++ {
		// both of the driver's forms for a cluster, which share its watch
		alpha = append(alpha, resolve(t, "discovery://"+hosts+"/alpha"))
		beta = append(beta, resolve(t, "etcd://"+hosts+"/beta"))
	}
	expectAll(t, alpha, "alpha's first state", "127.0.0.1:1001")
	expectAll(t, beta, "beta's first state", "127.0.0.1:2001")
	if n := strings.Count(kittest.Stacks(watchGoroutine), watchGoroutine); n != 1 {
		t.Errorf("%d watch goroutines for %d resolvers of one cluster, want 1", n, 2*perService)
	}

	late := resolve(t, "discovery://"+hosts+"/alpha")
	if s := late.States(); len(s) != 1 || addrs(s[0]) != "127.0.0.1:1001" {
		t.Errorf("a resolver of a watched service had %v when Build returned, want alpha's state", late.States())
	}

	betaStates := len(beta[0].States())
	a2 := register(t, client, "alpha", "127.0.0.1:1002")
	expectAll(t, alpha, "alpha after a second instance", "127.0.0.1:1001", "127.0.0.1:1002")
	a1()
	expectAll(t, alpha, "alpha after the first instance left", "127.0.0.1:1002")
	a2()
	expectAll(t, alpha, "alpha after the last instance left")
	for _, cc := range beta {
		if n := len(cc.States()); n != betaStates {
			t.Fatalf("beta's resolver got %d states while only alpha changed, want %d", n, betaStates)
		}
	}
	errs := alpha[0].Errors()
	if len(errs) == 0 || !strings.Contains(errs[len(errs)-1].Error(),
		`dtm-driver-kratos: resolve "discovery://`+hosts+`/alpha" (kratos service "alpha"): no instance`) {
		t.Errorf("alpha without instances reported %v, want an error naming the driver and the target", errs)
	}
}

// TestSharedWatchStopsWithLastResolver checks that the watch costs no
// goroutine per resolver, and that closing the last resolver of the cluster
// ends the watch's goroutines: Close returns after the watch's own, and the
// count goes back to what it was with no resolver.
func TestSharedWatchStopsWithLastResolver(t *testing.T) {
	e, client := startEtcd(t, 1)
	ownDriver(t)
	register(t, client, "alpha", "127.0.0.1:1001")
	target := "discovery://" + e.Hosts() + "/alpha"

	// connected to etcd, no resolver: the baseline
	first, closeFirst := resolveAndClose(t, target)
	expectAll(t, []*kittest.ClientConn{first}, "the first resolver", "127.0.0.1:1001")
	closeFirst()
	if s := kittest.Stacks(watchGoroutine); s != "" {
		t.Fatalf("Close of the last resolver returned while the watch runs:\n%s", s)
	}
	baseline := settledGoroutines(t)

	one, closeOne := resolveAndClose(t, target)
	expectAll(t, []*kittest.ClientConn{one}, "one resolver", "127.0.0.1:1001")
	withOne := settledGoroutines(t)
	closers := []func(){closeOne}
	const more = 200
	for i := 0; i < more; i++ {
		_, closeIt := resolveAndClose(t, "discovery://"+e.Hosts()+fmt.Sprintf("/svc-%d", i%20))
		closers = append(closers, closeIt)
	}
	if withMore := settledGoroutines(t); withMore > withOne {
		t.Errorf("%d goroutines with %d resolvers, %d with one: the watch costs goroutines per resolver",
			withMore, more+1, withOne)
	}
	for _, c := range closers {
		c()
	}
	if s := kittest.Stacks(watchGoroutine); s != "" {
		t.Fatalf("Close of the last resolver returned while the watch runs:\n%s", s)
	}
	var now int
	if err := infra.WaitFor(10*time.Second, "goroutines back to the baseline", func() bool {
		now = runtime.NumGoroutine()
		return now <= baseline
	}); err != nil {
		t.Fatalf("%d goroutines after the last resolver closed, %d before the first: %v", now, baseline, err)
	}
}

// TestSharedWatchRereadsAfterFailures breaks the watch twice, on a cluster
// of three members of which the driver knows one:
//   - a compaction: the member is cut off while the instances change, and the
//     changes are compacted away, so when it is back the watch cannot resume
//     from the revision it had reached: the resolvers must get the changes
//     through a read of the whole namespace;
//   - a lost leader (clientv3.WithRequireLeader): the other two members stop,
//     and the resolvers must be told rather than wait in silence, then follow
//     etcd again once the leader is back.
func TestSharedWatchRereadsAfterFailures(t *testing.T) {
	e, client := startEtcd(t, 3)
	ownDriver(t)
	gone := register(t, client, "alpha", "127.0.0.1:1001")
	target := "discovery://" + e.HostList()[0] + "/alpha"
	ccs := []*kittest.ClientConn{resolve(t, target), resolve(t, target)}
	expectAll(t, ccs, "before the outage", "127.0.0.1:1001")

	e.StopMember(0)
	gone()
	register(t, client, "alpha", "127.0.0.1:1002")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := client.Get(ctx, "compact")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Compact(ctx, resp.Header.Revision); err != nil {
		t.Fatal(err)
	}
	// member 0 serves again once it has applied the compaction
	if err := e.RestartMember(0); err != nil {
		t.Fatal(err)
	}
	expectAll(t, ccs, "after the compaction", "127.0.0.1:1002")
	for _, cc := range ccs {
		if !hasError(cc, "compacted") {
			t.Errorf("the resolver was not told its watch broke: %v", cc.Errors())
		}
	}

	e.StopMember(1)
	e.StopMember(2)
	down := map[int]bool{1: true, 2: true}
	t.Cleanup(func() { // a failure below leaves the cleanups a quorum
		for i := range down {
			_ = e.RestartMember(i)
		}
	})
	for _, cc := range ccs {
		if !cc.Await(10*time.Second, func() bool { return hasError(cc, "no leader") }) {
			t.Fatalf("the resolver was not told its member lost the leader within 10 s: %v", cc.Errors())
		}
	}
	for i := 1; i <= 2; i++ {
		if err := e.RestartMember(i); err != nil {
			t.Fatal(err)
		}
		delete(down, i)
	}
	register(t, client, "alpha", "127.0.0.1:1003")
	expectAll(t, ccs, "after the leader came back", "127.0.0.1:1002", "127.0.0.1:1003")
}

// startEtcd starts an embedded etcd of the given size and a client of it,
// both closed by the test's end.
func startEtcd(t *testing.T, members int) (*infra.Etcd, *clientv3.Client) {
	t.Helper()
	e, err := infra.StartEtcd(infra.EtcdOptions{Members: members})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	client, err := e.Client()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return e, client
}

// ownDriver makes grpc's discovery and etcd schemes resolve through a driver
// of the test's own, closed at the end, when the schemes go back to the
// driver dtm uses, if it is this one.
func ownDriver(t *testing.T) {
	d := &kratosdriver.Driver{}
	d.RegisterGrpcResolver()
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("driver Close: %v", err)
		}
		if inUse, ok := dtmdriver.GetDriver().(*kratosdriver.Driver); ok {
			inUse.RegisterGrpcResolver()
		}
	})
}

// register publishes an instance of service through kratos' etcd registry,
// as a kratos server does, and returns its deregistration. The test's end
// deregisters it too.
func register(t *testing.T, client *clientv3.Client, service, addr string) (deregister func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	reg := etcdregistry.New(client, etcdregistry.Context(ctx)) // one per instance: Register replaces its lease
	in := &registry.ServiceInstance{ID: addr, Name: service, Endpoints: []string{"grpc://" + addr}}
	rctx, rcancel := context.WithTimeout(ctx, 10*time.Second)
	defer rcancel()
	if err := reg.Register(rctx, in); err != nil {
		t.Fatalf("register %s at %s: %v", service, addr, err)
	}
	done := false
	deregister = func() {
		if done {
			return
		}
		done = true
		dctx, dcancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer dcancel()
		if err := reg.Deregister(dctx, in); err != nil {
			t.Errorf("deregister %s at %s: %v", service, addr, err)
		}
		cancel()
	}
	t.Cleanup(deregister)
	return deregister
}

// resolve builds a resolver for target, closed at the end of the test.
func resolve(t *testing.T, target string) *kittest.ClientConn {
	t.Helper()
	cc, closeIt := resolveAndClose(t, target)
	t.Cleanup(closeIt)
	return cc
}

// resolveAndClose builds a resolver for target with a recording ClientConn
// and returns its Close. Build must return within 1 s.
func resolveAndClose(t *testing.T, target string) (*kittest.ClientConn, func()) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	cc := &kittest.ClientConn{}
	start := time.Now()
	r, err := resolver.Get(u.Scheme).Build(resolver.Target{URL: *u}, cc, resolver.BuildOptions{})
	if err != nil {
		t.Fatalf("build a resolver for %s: %v", target, err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("Build took %v", took)
	}
	closed := false
	return cc, func() {
		if !closed {
			closed = true
			r.Close()
		}
	}
}

// expectAll waits until the latest state of every cc lists exactly want.
func expectAll(t *testing.T, ccs []*kittest.ClientConn, what string, want ...string) {
	t.Helper()
	sort.Strings(want)
	w := strings.Join(want, " ")
	for i, cc := range ccs {
		got := ""
		ok := cc.Await(10*time.Second, func() bool {
			s := cc.States()
			if len(s) == 0 {
				return false
			}
			got = addrs(s[len(s)-1])
			return got == w
		})
		if !ok {
			t.Fatalf("%s: resolver %d has %q after 10 s, want %q (errors %v)", what, i, got, w, cc.Errors())
		}
	}
}

// addrs lists a state's addresses, sorted, space-separated.
func addrs(s resolver.State) string {
	var l []string
	for _, a := range s.Addresses {
		l = append(l, a.Addr)
	}
	sort.Strings(l)
	return strings.Join(l, " ")
}

func hasError(cc *kittest.ClientConn, text string) bool {
	for _, err := range cc.Errors() {
		if strings.Contains(err.Error(), text) {
			return true
		}
	}
	return false
}

// settledGoroutines returns the goroutine count once it has held for 200 ms.
func settledGoroutines(t *testing.T) int {
	t.Helper()
	last, since := -1, time.Now()
	if err := infra.WaitFor(10*time.Second, "goroutines to settle", func() bool {
		n := runtime.NumGoroutine()
		if n != last {
			last, since = n, time.Now()
		}
		return time.Since(since) > 200*time.Millisecond
	}); err != nil {
		t.Fatal(err)
	}
	return last
}
