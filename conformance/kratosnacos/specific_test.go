package kratosnacos_test

import (
	"context"
	"testing"
	"time"

	"github.com/dtm-labs/dtm/client/dtmgrpc/dtmgpb"
	"github.com/dtmkit/drivers/conformance"
	kratosdriver "github.com/dtmkit/drivers/driver-kratos"
	nacosregistry "github.com/go-kratos/kratos/contrib/registry/nacos/v2"
	kgrpc "github.com/go-kratos/kratos/v2/transport/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// testAppNameForm runs sagas through URLs that name the kratos app rather
// than its nacos service (busi for busi.grpc), with the query before and
// after the method.
func testAppNameForm(t *testing.T, h *harness, env *conformance.Env) {
	base := "nacos://" + h.srv.NacosAddr() + "/" + env.Service
	for name, url := range map[string]conformance.URLFunc{
		"method after query": func(m string) string { return base + "?namespaceid=public&timeout=3000" + m },
		"query after method": func(m string) string { return base + m + "?groupName=DEFAULT_GROUP&clusters=DEFAULT" },
	} {
		t.Run(name, func(t *testing.T) {
			from, to := env.User(), env.User()
			gids := env.SubmitSagas(t, url, 2, 2, from, to)
			env.ExpectAllSucceed(t, gids, time.Minute)
			env.ExpectBalances(t, map[int64]int64{from: -2, to: 2})
		})
	}
}

// testKratosClientFindsDtm: a kratos client that knows nothing of dtm's
// driver, using kratos' own nacos discovery, dials
// discovery:///dtmservice.grpc and reaches dtm; nacos lists dtm as kratos'
// registry lists a server (cluster DEFAULT, metadata kind grpc), which is
// what kratos' watcher filters on.
func testKratosClientFindsDtm(t *testing.T, h *harness, env *conformance.Env) {
	listed, err := h.listed(dtmService + ".grpc")
	if err != nil {
		t.Fatal(err)
	}
	in, ok := listed[env.Dtm.GrpcAddr]
	if !ok {
		t.Fatalf("nacos lists %v as %s.grpc, not dtm at %s", listed, dtmService, env.Dtm.GrpcAddr)
	}
	if in.ClusterName != "DEFAULT" || in.Metadata["kind"] != "grpc" || !in.Ephemeral || !in.Healthy {
		t.Errorf("dtm's instance: cluster %q, metadata %v, ephemeral %v, healthy %v; want kratos' DEFAULT, kind grpc, ephemeral, healthy",
			in.ClusterName, in.Metadata, in.Ephemeral, in.Healthy)
	}

	client, closeClient, err := h.newClient("kratos-client")
	if err != nil {
		t.Fatal(err)
	}
	defer closeClient()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := kgrpc.DialInsecure(ctx,
		kgrpc.WithEndpoint("discovery:///"+dtmService+".grpc"),
		kgrpc.WithDiscovery(nacosregistry.New(client)),
		kgrpc.WithPrintDiscoveryDebugLog(false),
	)
	if err != nil {
		t.Fatalf("kratos client dial discovery:///%s.grpc: %v", dtmService, err)
	}
	defer conn.Close()
	reply, err := dtmgpb.NewDtmClient(conn).NewGid(ctx, &emptypb.Empty{})
	if err != nil {
		t.Fatalf("dtm's NewGid through kratos' nacos discovery: %v", err)
	}
	if reply.Gid == "" {
		t.Error("dtm's NewGid through kratos' nacos discovery: empty gid")
	}
}

// testCloseDeregisters: a driver's Close removes the instance it
// registered, and returns once nacos no longer lists it (dtm#496: upstream
// left a stale dtm in nacos).
func testCloseDeregisters(t *testing.T, h *harness) {
	const service, addr = "closetest", "127.0.0.1:9"
	d := &kratosdriver.Driver{}
	if err := d.RegisterGrpcService("nacos://"+h.srv.NacosAddr()+"/"+service, "grpc://"+addr); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.waitListed(ctx, service+".grpc", addr, true); err != nil {
		t.Fatalf("RegisterGrpcService: %v", err)
	}
	start := time.Now()
	if err := d.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	t.Logf("Close returned in %s", time.Since(start).Round(time.Millisecond))
	// Close waited for nacos: no waiting here
	if listed, err := h.serverLists(ctx, service+".grpc", addr); err != nil || listed {
		t.Errorf("after Close, nacos lists %s as %s.grpc: %v, %v", addr, service, listed, err)
	}
}
