package kratosdriver

import (
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-kratos/kratos/v2/registry"
	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit"
	"github.com/dtmkit/drivers/kit/kittest"
)

func target(t *testing.T, raw string) resolver.Target {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return resolver.Target{URL: *u}
}

func TestBuildRejects(t *testing.T) {
	d := &Driver{}
	defer d.Close()
	b := &discoveryBuilder{d: d}
	cases := map[string]string{
		"discovery:///helloworld":                    "write discovery://<etcd hosts>/<service>",
		"discovery:///":                              "no service name",
		"discovery://h:2379/svc?pas=hunter2":         "unknown parameter pas",
		"discovery://default/svc":                    "bad etcd host",
		"discovery://root:hunter2@h:2379/svc?tls=no": "not a boolean",
	}
	for in, want := range cases {
		_, err := b.Build(target(t, in), &kittest.ClientConn{}, resolver.BuildOptions{})
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Build(%q) = %v, want %q without the secret", in, err, want)
		}
	}
}

// TestBuildDoesNotWaitForEtcd checks that an unreachable etcd neither fails
// nor blocks Build (dtm panics on a dial error), that the connection is told,
// and that Close ends the resolver's goroutine.
func TestBuildDoesNotWaitForEtcd(t *testing.T) {
	defer func(d time.Duration) { stallTimeout = d }(stallTimeout)
	stallTimeout = 100 * time.Millisecond
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close() // nothing listens there now

	d := &Driver{}
	cc := &kittest.ClientConn{}
	start := time.Now()
	r, err := (&discoveryBuilder{d: d}).Build(target(t, "discovery://"+addr+"/helloworld"), cc, resolver.BuildOptions{})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if time.Since(start) > time.Second {
		t.Fatalf("Build took %v", time.Since(start))
	}
	if !cc.Await(5*time.Second, func() bool { return len(cc.Errors()) > 0 }) {
		t.Fatal("no error reported within 5 s")
	}
	if err := cc.Errors()[0]; !strings.Contains(err.Error(), `dtm-driver-kratos: resolve "discovery://`+addr+`/helloworld"`) {
		t.Fatalf("reported %v, want an error naming the driver and the target", err)
	}
	r.Close()
	done := make(chan struct{})
	go func() { _ = d.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return: a resolver goroutine is still running")
	}
}

// instanceJSON is a kratos instance as kratos' etcd registry stores it.
func instanceJSON(t *testing.T, name string, endpoints ...string) []byte {
	t.Helper()
	b, err := json.Marshal(&registry.ServiceInstance{ID: "id", Name: name, Endpoints: endpoints})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestWatchSortsInstancesAsKratos checks which instances the watch gives
// each service: those kratos' watcher of the service would list (keys
// under /microservices/<service>, values naming it), by their plain grpc
// endpoint, in key order, without duplicates.
func TestWatchSortsInstancesAsKratos(t *testing.T) {
	w := newClusterWatch("k", nil, func() {})
	put := func(key string, value []byte) { w.put([]byte(key), value, nil) }
	put("/microservices/bank/3", instanceJSON(t, "bank", "http://10.0.0.3:8000", "grpc://10.0.0.3:9000"))
	put("/microservices/bank/1", instanceJSON(t, "bank", "grpc://10.0.0.1:9000"))
	put("/microservices/bank/2", instanceJSON(t, "bank", "grpc://10.0.0.1:9000")) // same address
	put("/microservices/bank/4", instanceJSON(t, "bank", "grpcs://10.0.0.4:9000"))
	put("/microservices/bank/5", instanceJSON(t, "bank", "grpc://10.0.0.5:9000?isSecure=true"))
	put("/microservices/bank/6", instanceJSON(t, "bank", "grpc://10.0.0.6:9000?isSecure=false"))
	put("/microservices/bank/7", instanceJSON(t, "bank", "%zz", ""))
	put("/microservices/bank/8", []byte("not json"))
	put("/microservices/bank/9", []byte("null"))
	put("/microservices/bank/10", instanceJSON(t, "bankx", "grpc://10.0.0.10:9000")) // not under bankx
	put("/microservices/bankx/1", instanceJSON(t, "bank", "grpc://10.0.0.11:9000"))  // kratos' watcher of bank lists it
	put("/microservices/bankx/2", instanceJSON(t, "bankx", "grpc://10.0.0.12:9000")) // bankx's
	put("/elsewhere/bank/1", instanceJSON(t, "bank", "grpc://10.0.0.13:9000"))       // not in the namespace
	want := map[string]string{
		"bank":  "10.0.0.1:9000 10.0.0.3:9000 10.0.0.6:9000 10.0.0.11:9000",
		"bankx": "10.0.0.12:9000",
	}
	check := func(when string) {
		t.Helper()
		for name, addrs := range want {
			svc := w.services[name]
			got := ""
			if svc != nil {
				for _, a := range svc.addresses() {
					got = strings.TrimSpace(got + " " + a.Addr)
				}
			}
			if got != addrs {
				t.Errorf("%s: %s has %q, want %q", when, name, got, addrs)
			}
		}
	}
	check("after puts")

	// a key whose instance changes service, or loses its grpc endpoint,
	// leaves its old service; a deleted key leaves too
	changed := map[*kratosService]bool{}
	w.put([]byte("/microservices/bankx/1"), instanceJSON(t, "bankx", "grpc://10.0.0.11:9000"), changed)
	w.put([]byte("/microservices/bank/6"), instanceJSON(t, "bank", "http://10.0.0.6:8000"), changed)
	w.drop("/microservices/bank/3", changed)
	w.drop("/microservices/bank/never", changed)
	want["bank"] = "10.0.0.1:9000"
	want["bankx"] = "10.0.0.11:9000 10.0.0.12:9000"
	check("after changes")
	if len(changed) != 2 || !changed[w.services["bank"]] || !changed[w.services["bankx"]] {
		t.Errorf("changed %v, want bank and bankx", changed)
	}
	w.drop("/microservices/bankx/1", nil)
	w.drop("/microservices/bankx/2", nil)
	if _, ok := w.services["bankx"]; ok {
		t.Error("a service without instances or resolvers is kept")
	}
}

// TestResolverStates checks what a resolver tells its connection: a state
// with the addresses, an error with the target when there are none, no
// older state after a newer one, nothing after Close.
func TestResolverStates(t *testing.T) {
	cc := &kittest.ClientConn{}
	d := &Driver{}
	s := d.session()
	defer d.Close()
	w := newClusterWatch("k", nil, func() {})
	close(w.done)
	w.resolvers = 1
	r := &watchResolver{feed: kit.NewFeed(cc), service: "helloworld", target: "discovery://h:2379/helloworld", s: s, w: w}
	r.deliver(2, nil)
	r.deliver(1, []resolver.Address{{Addr: "10.0.0.1:9000"}}) // older: dropped
	if s := cc.States(); len(s) != 1 || len(s[0].Addresses) != 0 {
		t.Fatalf("states %+v, want one empty state", s)
	}
	want := `dtm-driver-kratos: resolve "discovery://h:2379/helloworld" (kratos service "helloworld"): no instance`
	if errs := cc.Errors(); len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), want) {
		t.Fatalf("reported %v, want %s...", errs, want)
	}
	r.Close()
	r.deliver(3, []resolver.Address{{Addr: "10.0.0.1:9000"}})
	r.reportError(errors.New("after Close"))
	if len(cc.States()) != 1 || len(cc.Errors()) != 1 {
		t.Fatalf("the resolver spoke after Close: %v %v", cc.States(), cc.Errors())
	}
}

// TestResolverCloseWaits closes a resolver while it waits for an etcd that
// accepts connections and never answers (its credentials make the client
// authenticate while connecting): Close returns promptly, and only once the
// resolver's goroutine has ended, as grpc expects of a resolver. The
// connection attempt belongs to the driver, whose Close ends it.
func TestResolverCloseWaits(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer lis.Close()
	accepted := make(chan net.Conn, 16)
	go func() {
		for {
			c, err := lis.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- c
		}
	}()
	defer func() {
		lis.Close()
		for c := range accepted {
			c.Close()
		}
	}()

	d := &Driver{}
	r, err := (&discoveryBuilder{d: d}).Build(target(t, "discovery://root:pw@"+lis.Addr().String()+"/helloworld"),
		&kittest.ClientConn{}, resolver.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var first net.Conn
	select {
	case first = <-accepted: // the resolver is connecting
		defer first.Close()
	case <-time.After(5 * time.Second):
		t.Fatal("the resolver did not connect to etcd")
	}
	start := time.Now()
	r.Close()
	if took := time.Since(start); took > time.Second {
		t.Errorf("resolver Close took %v: it waited for the connection to etcd", took)
	}
	if s := kittest.Stacks("driver-kratos.(*clusterWatch).run"); s != "" {
		t.Errorf("resolver Close returned while its goroutine still runs:\n%s", s)
	}
	start = time.Now()
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("driver Close took %v: it did not stop the connection to etcd", took)
	}
	if s := kittest.Stacks("driver-kratos.(*cluster).connect"); s != "" {
		t.Errorf("driver Close returned while a connection to etcd is still being made:\n%s", s)
	}
}
