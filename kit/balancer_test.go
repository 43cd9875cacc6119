package kit_test

import (
	"context"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/resolver"
	"google.golang.org/grpc/resolver/manual"

	"github.com/dtmkit/drivers/kit"
	"github.com/dtmkit/drivers/kit/kittest"
)

// TestWithRoundRobinSpreadsCalls dials through a wrapped resolver with no
// balancer option, as dtm does, and checks that calls reach every server.
func TestWithRoundRobinSpreadsCalls(t *testing.T) {
	var mu sync.Mutex
	hits := map[string]int{}
	var addrs []resolver.Address
	for i := 0; i < 3; i++ {
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		s := grpc.NewServer(grpc.UnaryInterceptor(func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			mu.Lock()
			hits[lis.Addr().String()]++
			mu.Unlock()
			return h(ctx, req)
		}))
		healthpb.RegisterHealthServer(s, health.NewServer())
		go func() { _ = s.Serve(lis) }()
		t.Cleanup(s.Stop)
		addrs = append(addrs, resolver.Address{Addr: lis.Addr().String()})
	}
	r := manual.NewBuilderWithScheme(fmt.Sprintf("rrtest%d", time.Now().UnixNano()))
	r.InitialState(resolver.State{Addresses: addrs})
	cc, err := grpc.Dial(r.Scheme()+":///x", grpc.WithResolvers(kit.WithRoundRobin(r)),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	client := healthpb.NewHealthClient(cc)
	const calls = 300
	for i := 0; i < calls; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := client.Check(ctx, &healthpb.HealthCheckRequest{}, grpc.WaitForReady(true))
		cancel()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range addrs {
		share := float64(hits[a.Addr]) / calls
		if share < 0.23 || share > 0.43 {
			t.Errorf("server %s got %.0f%% of calls, want 33%% ± 10: %v", a.Addr, share*100, hits)
		}
	}
}

// TestWithRoundRobinKeepsGivenConfig checks that a resolver's own service
// config is not overridden, and that the round_robin one is parsed once.
func TestWithRoundRobinKeepsGivenConfig(t *testing.T) {
	cc := &kittest.ClientConn{}
	r := manual.NewBuilderWithScheme("keepconfig")
	if _, err := kit.WithRoundRobin(r).Build(resolver.Target{}, cc, resolver.BuildOptions{}); err != nil {
		t.Fatal(err)
	}
	given := cc.ParseServiceConfig(`{"loadBalancingConfig":[{"pick_first":{}}]}`)
	r.UpdateState(resolver.State{ServiceConfig: given})
	r.UpdateState(resolver.State{})
	r.UpdateState(resolver.State{})
	states, parsed := cc.States(), cc.Configs()
	if len(states) != 3 || states[0].ServiceConfig != given {
		t.Fatal("the resolver's own service config was replaced")
	}
	if states[1].ServiceConfig == nil || len(parsed) != 2 || parsed[1] != kit.RoundRobinConfig {
		t.Fatalf("no round_robin config added: %+v, parsed %q", states[1].ServiceConfig, parsed)
	}
	if states[2].ServiceConfig != states[1].ServiceConfig {
		t.Fatalf("the config was parsed again: %q", parsed)
	}
}
