package polaris

import (
	"errors"
	"strings"
	"testing"

	"github.com/polarismesh/polaris-go/pkg/model"
	"google.golang.org/grpc/balancer"
	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit/kittest"
)

type fakeInstance struct {
	model.Instance
	host              string
	port              uint32
	healthy, isolated bool
	weight            int
	metadata          map[string]string
}

func (f fakeInstance) GetHost() string                { return f.host }
func (f fakeInstance) GetPort() uint32                { return f.port }
func (f fakeInstance) IsHealthy() bool                { return f.healthy }
func (f fakeInstance) IsIsolated() bool               { return f.isolated }
func (f fakeInstance) GetWeight() int                 { return f.weight }
func (f fakeInstance) GetMetadata() map[string]string { return f.metadata }

func TestUsableInstances(t *testing.T) {
	r := &polarisResolver{target: serviceTarget{Service: "s", Namespace: "n", Metadata: map[string]string{"env": "blue"}}}
	blue := map[string]string{"env": "blue", "v": "1"}
	got := r.usable([]model.Instance{
		fakeInstance{host: "10.0.0.1", port: 1, healthy: true, weight: 100, metadata: blue},
		fakeInstance{host: "10.0.0.2", port: 1, healthy: false, weight: 100, metadata: blue},
		fakeInstance{host: "10.0.0.3", port: 1, healthy: true, isolated: true, weight: 100, metadata: blue},
		fakeInstance{host: "10.0.0.4", port: 1, healthy: true, weight: 0, metadata: blue},
		fakeInstance{host: "10.0.0.5", port: 1, healthy: true, weight: 100, metadata: map[string]string{"env": "green"}},
		fakeInstance{host: "::1", port: 2, healthy: true, weight: 300, metadata: blue},
	})
	if key := stateKey(got); key != "10.0.0.1:1=100,[::1]:2=300" {
		t.Fatalf("usable instances %s; want the healthy, non-isolated, weighted blue ones", key)
	}
}

// The first state is reported even when empty, with an error that says
// why; an unchanged state is not reported again.
func TestReportOnlyChanges(t *testing.T) {
	cc := &kittest.ClientConn{RejectEmpty: true} // as the base balancer does
	r := &polarisResolver{target: serviceTarget{Service: "busi", Namespace: "ns-b"}, cc: cc}
	r.report(nil)
	if s, errs := cc.States(), cc.Errors(); len(s) != 1 || len(errs) != 1 ||
		!strings.Contains(errs[0].Error(), "no healthy instance of busi in namespace ns-b") {
		t.Fatalf("first, empty resolution: states %v, errors %v", s, errs)
	}
	r.report(nil)
	a := []resolver.Address{withWeight(resolver.Address{Addr: "10.0.0.1:1"}, 100)}
	r.report(a)
	r.report(a)
	if s := cc.States(); len(s) != 2 || len(s[1].Addresses) != 1 {
		t.Fatalf("states %v; want the empty one then one address, once each", s)
	}
	r.report([]resolver.Address{withWeight(resolver.Address{Addr: "10.0.0.1:1"}, 300)})
	if s := cc.States(); len(s) != 3 {
		t.Fatalf("a weight change was not reported: %v", s)
	}
	if errors.Is(cc.Errors()[0], balancer.ErrBadResolverState) {
		t.Fatal("reported the balancer's error instead of the resolver's")
	}
}
