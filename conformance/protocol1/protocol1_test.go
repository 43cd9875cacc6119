// Package protocol1_test runs the conformance suite against the reference
// driver, with plain gRPC servers as the business instances: protocol1 has
// no registry, the branch URL lists the instances.
package protocol1_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/conformance/infra"
	protocol1 "github.com/dtmkit/drivers/driver-protocol1"
	"google.golang.org/grpc"
)

// TestMain gives the tests a TMPDIR of their own, removes dtm's data when
// they end and fails the run if they left anything else there.
func TestMain(m *testing.M) { infra.Main(m) }

func TestConformance(t *testing.T) {
	conformance.Run(t, newHarness)
}

func BenchmarkConformance(b *testing.B) {
	conformance.RunBenchmarks(b, newHarness)
}

// Static: protocol1 has no registry, so nothing converges.
func (h *harness) Static() {}

// Targets are distinct addresses, for the Memory benchmark.
func (h *harness) Targets(n int) []string {
	targets := make([]string, n)
	for i := range targets {
		targets[i] = fmt.Sprintf("protocol1://127.0.0.1:%d", 20000+i)
	}
	return targets
}

type harness struct {
	mu        sync.Mutex
	instances map[string][]*instance // by service
}

func newHarness(context.Context, testing.TB) (conformance.Harness, error) {
	return &harness{instances: map[string][]*instance{}}, nil
}

func (h *harness) DriverName() string { return protocol1.Name }

func (h *harness) DtmRegistration(grpcAddr string) (target, endpoint, clientURL string) {
	url := "protocol1://" + grpcAddr
	return url, grpcAddr, url
}

func (h *harness) StartInstance(_ context.Context, service string, register func(*grpc.Server)) (conformance.Instance, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	srv := grpc.NewServer()
	register(srv)
	go func() { _ = srv.Serve(lis) }()
	inst := &instance{h: h, service: service, addr: lis.Addr().String(), srv: srv}
	h.mu.Lock()
	h.instances[service] = append(h.instances[service], inst)
	h.mu.Unlock()
	return inst, nil
}

// ServiceURL lists the service's running instances, which is all the
// registering protocol1 has.
func (h *harness) ServiceURL(service string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var addrs []string
	for _, i := range h.instances[service] {
		addrs = append(addrs, i.addr)
	}
	return "protocol1://" + strings.Join(addrs, ",")
}

func (h *harness) ParseCases() []conformance.ParseCase {
	m := busi.TransIn
	return []conformance.ParseCase{
		{URL: "protocol1://127.0.0.1:1,127.0.0.1:2" + m, Server: "protocol1://127.0.0.1:1,127.0.0.1:2", Method: m},
		{URL: "protocol1://[::1]:8080" + m, Server: "protocol1://[::1]:8080", Method: m},
		{URL: "protocol1://127.0.0.1" + m, WantErr: "is not host:port"},
		{URL: "protocol1://127.0.0.1:1/key" + m, WantErr: "want protocol1://"},
		{URL: "protocol1://127.0.0.1:1" + m + "?x=1", WantErr: "want protocol1://"},
		{URL: "etcd://127.0.0.1:2379/key" + m, WantErr: "want protocol1://"},
	}
}

func (h *harness) Close() {
	h.mu.Lock()
	all := h.instances
	h.instances = map[string][]*instance{}
	h.mu.Unlock()
	for _, list := range all {
		for _, i := range list {
			i.srv.Stop()
		}
	}
}

type instance struct {
	h       *harness
	service string
	addr    string
	srv     *grpc.Server
}

func (i *instance) Addr() string { return i.addr }

// Crash stops the server abruptly and leaves it in the service's URL, as a
// dead address stays in a static configuration.
func (i *instance) Crash() { i.srv.Stop() }

// BadTargets are protocol1's malformed registrations.
func (h *harness) BadTargets() []conformance.BadTarget {
	return []conformance.BadTarget{
		{Target: "protocol1://", Endpoint: "127.0.0.1:1", WantErr: "want protocol1://"},
		{Target: "protocol1://127.0.0.1", Endpoint: "127.0.0.1:1", WantErr: "is not host:port"},
		{Target: "protocol1://127.0.0.1:1/key", Endpoint: "127.0.0.1:1", WantErr: "want protocol1://"},
		{Target: "protocol1://127.0.0.1:1,", Endpoint: "127.0.0.1:1", WantErr: "is not host:port"},
	}
}

// SecretTarget puts the marker where a password would go: protocol1 takes
// none, so registration fails, and the error must not show it.
func (h *harness) SecretTarget(marker string) (target, endpoint string, err error) {
	return "protocol1://root:" + marker + "@127.0.0.1:1", "127.0.0.1:1", nil
}

func (i *instance) Stop() {
	i.h.mu.Lock()
	list := i.h.instances[i.service]
	for n, other := range list {
		if other == i {
			i.h.instances[i.service] = append(list[:n:n], list[n+1:]...)
			break
		}
	}
	i.h.mu.Unlock()
	i.srv.Stop()
}
