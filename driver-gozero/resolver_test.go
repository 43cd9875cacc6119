package gozero

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/resolver"
)

func TestRegisterGrpcResolverRegistersGoZeroSchemes(t *testing.T) {
	d := &Driver{}
	d.RegisterGrpcResolver()
	d.RegisterGrpcResolver() // a second call must not wrap twice
	for _, s := range []string{EtcdScheme, DiscovScheme, DirectScheme} {
		if resolver.Get(s) == nil {
			t.Errorf("scheme %s not registered", s)
		}
	}
	if got := resolver.Get(K8sScheme) != nil; got != k8sEnabled {
		t.Errorf("k8s registered: %v, want %v", got, k8sEnabled)
	}
}

// TestDirectTargetSpreadsCalls dials a branch server the way dtm does, with no
// balancer option, and checks that calls reach every instance.
func TestDirectTargetSpreadsCalls(t *testing.T) {
	(&Driver{}).RegisterGrpcResolver()
	var mu sync.Mutex
	hits := map[string]int{}
	var addrs []string
	for i := 0; i < 3; i++ {
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := lis.Addr().String()
		s := grpc.NewServer(grpc.UnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			mu.Lock()
			hits[addr]++
			mu.Unlock()
			return h(ctx, req)
		}))
		healthpb.RegisterHealthServer(s, health.NewServer())
		go func() { _ = s.Serve(lis) }()
		t.Cleanup(s.Stop)
		addrs = append(addrs, addr)
	}
	server, method, err := (&Driver{}).ParseServerMethod("direct:///" + strings.Join(addrs, ",") + "/grpc.health.v1.Health/Check")
	if err != nil {
		t.Fatal(err)
	}
	cc, err := grpc.NewClient(server, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	call := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := cc.Invoke(ctx, method, &healthpb.HealthCheckRequest{}, &healthpb.HealthCheckResponse{}, grpc.WaitForReady(true))
		if err != nil {
			t.Fatal(err)
		}
	}
	// round_robin picks among the connections ready so far: call until
	// every instance has answered, then count from zero
	for i := 0; ; i++ {
		mu.Lock()
		ready := len(hits) == len(addrs)
		if ready {
			clear(hits)
		}
		mu.Unlock()
		if ready {
			break
		}
		if i == 1000 {
			t.Fatal("1000 calls did not reach every instance")
		}
		call()
	}
	const calls = 300
	for i := 0; i < calls; i++ {
		call()
	}
	for _, a := range addrs {
		if share := float64(hits[a]) / calls; share < 0.23 || share > 0.43 {
			t.Errorf("instance %s got %.0f%% of calls, want 33%% ± 10: %v", a, share*100, hits)
		}
	}
}
