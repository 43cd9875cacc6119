package kratosdriver

import (
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-kratos/kratos/v2/registry"
	"google.golang.org/grpc/resolver"
)

// errConn records what a resolver reports.
type errConn struct {
	resolver.ClientConn
	mu     sync.Mutex
	errs   []error
	states []resolver.State
}

func (c *errConn) ReportError(err error) { c.mu.Lock(); c.errs = append(c.errs, err); c.mu.Unlock() }
func (c *errConn) UpdateState(s resolver.State) error {
	c.mu.Lock()
	c.states = append(c.states, s)
	c.mu.Unlock()
	return nil
}

func (c *errConn) firstError() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.errs) == 0 {
		return nil
	}
	return c.errs[0]
}

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
		_, err := b.Build(target(t, in), &errConn{}, resolver.BuildOptions{})
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
	cc := &errConn{}
	start := time.Now()
	r, err := (&discoveryBuilder{d: d}).Build(target(t, "discovery://"+addr+"/helloworld"), cc, resolver.BuildOptions{})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if time.Since(start) > time.Second {
		t.Fatalf("Build took %v", time.Since(start))
	}
	deadline := time.Now().Add(5 * time.Second)
	for cc.firstError() == nil && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := cc.firstError(); err == nil || !strings.Contains(err.Error(), `"helloworld"`) {
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
	cc := &errConn{}
	r := &watchResolver{cc: cc, service: "helloworld"}
	r.update(nil)
	if len(cc.states) != 1 || len(cc.states[0].Addresses) != 0 {
		t.Fatalf("states %+v, want one empty state", cc.states)
	}
	if err := cc.firstError(); err == nil || !strings.Contains(err.Error(), "no instance") {
		t.Fatalf("reported %v", err)
	}
}
