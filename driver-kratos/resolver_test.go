package kratosdriver

import (
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-kratos/kratos/v2/registry"
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
	if err := cc.Errors()[0]; !strings.Contains(err.Error(), `"helloworld"`) {
		t.Fatalf("reported %v, want an error naming the service", err)
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

func TestGrpcAddresses(t *testing.T) {
	in := []*registry.ServiceInstance{
		{Endpoints: []string{"http://10.0.0.1:8000", "grpc://10.0.0.1:9000"}},
		{Endpoints: []string{"grpc://10.0.0.1:9000"}}, // duplicate
		{Endpoints: []string{"grpcs://10.0.0.2:9000"}},
		{Endpoints: []string{"grpc://10.0.0.3:9000?isSecure=true"}},
		{Endpoints: []string{"grpc://10.0.0.4:9000?isSecure=false"}},
		{Endpoints: []string{"%zz", ""}},
	}
	var got []string
	for _, a := range grpcAddresses(in) {
		got = append(got, a.Addr)
	}
	if strings.Join(got, " ") != "10.0.0.1:9000 10.0.0.4:9000" {
		t.Fatalf("addresses %q", got)
	}
}

func TestUpdateWithoutInstancesReports(t *testing.T) {
	cc := &kittest.ClientConn{}
	r := &watchResolver{cc: cc, service: "helloworld"}
	r.update(nil)
	if s := cc.States(); len(s) != 1 || len(s[0].Addresses) != 0 {
		t.Fatalf("states %+v, want one empty state", s)
	}
	if errs := cc.Errors(); len(errs) != 1 || !strings.Contains(errs[0].Error(), "no instance") {
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
	if s := kittest.Stacks("driver-kratos.(*watchResolver).run"); s != "" {
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
