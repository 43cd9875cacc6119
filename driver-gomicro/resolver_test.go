package gomicrodriver

import (
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/resolver"

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
	b := &builder{d: d}
	cases := map[string]string{
		"gomicro:///helloworld":                    "no etcd hosts",
		"gomicro://h:2379":                         "no key",
		"gomicro://h:2379/svc?pas=hunter2":         "unknown parameter pas",
		"gomicro://default/svc":                    "bad etcd host",
		"gomicro://root:hunter2@h:2379/svc?tls=no": "not a boolean",
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
	r, err := (&builder{d: d}).Build(target(t, "gomicro://"+addr+"/helloworld"), cc, resolver.BuildOptions{})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if time.Since(start) > time.Second {
		t.Fatalf("Build took %v", time.Since(start))
	}
	if !cc.Await(5*time.Second, func() bool { return len(cc.Errors()) > 0 }) {
		t.Fatal("no error reported within 5 s")
	}
	if err := cc.Errors()[0]; !strings.Contains(err.Error(), `"helloworld"`) || !strings.HasPrefix(err.Error(), Name+": ") {
		t.Fatalf("reported %v, want an error of the driver naming the service", err)
	}
	r.Close()
	done := make(chan struct{})
	go func() { _ = d.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return: a resolver goroutine is still running")
	}
	if s := kittest.Stacks("driver-gomicro."); s != "" {
		t.Errorf("goroutines of the driver after Close:\n%s", s)
	}
}

func TestUpdateWithoutGrpcNodesReports(t *testing.T) {
	cc := &kittest.ClientConn{}
	r := &watchResolver{cc: cc, service: "helloworld"}
	r.update(map[string][]string{"/micro/registry/helloworld/n1": nil})
	if s := cc.States(); len(s) != 1 || len(s[0].Addresses) != 0 {
		t.Fatalf("states %+v, want one empty state", s)
	}
	if errs := cc.Errors(); len(errs) != 1 || !strings.Contains(errs[0].Error(), "protocol=grpc") {
		t.Fatalf("reported %v", errs)
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
	r, err := (&builder{d: d}).Build(target(t, "gomicro://root:pw@"+lis.Addr().String()+"/helloworld"),
		&kittest.ClientConn{}, resolver.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case first := <-accepted: // the resolver is connecting
		defer first.Close()
	case <-time.After(5 * time.Second):
		t.Fatal("the resolver did not connect to etcd")
	}
	start := time.Now()
	r.Close()
	if took := time.Since(start); took > time.Second {
		t.Errorf("resolver Close took %v: it waited for the connection to etcd", took)
	}
	if s := kittest.Stacks("driver-gomicro.(*watchResolver).run"); s != "" {
		t.Errorf("resolver Close returned while its goroutine still runs:\n%s", s)
	}
	start = time.Now()
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("driver Close took %v: it did not stop the connection to etcd", took)
	}
	if s := kittest.Stacks("driver-gomicro.(*cluster).connect"); s != "" {
		t.Errorf("driver Close returned while a connection to etcd is still being made:\n%s", s)
	}
}
