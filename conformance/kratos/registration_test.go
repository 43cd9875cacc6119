package kratos_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dtm-labs/dtm/client/dtmgrpc/dtmgpb"
	"github.com/dtmkit/drivers/conformance"
	kratosdriver "github.com/dtmkit/drivers/driver-kratos"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
)

// testTwoDtmRegistrations: two more dtm replicas register under dtm's
// service name. Each gets its own instance ID, so all three appear (upstream
// registered every replica under one key, the last overwriting the others),
// clients still reach dtm, and closing a replica removes only its own.
func testTwoDtmRegistrations(t *testing.T, h *harness, env *conformance.Env) {
	target, endpoint, _ := h.DtmRegistration(env.Dtm.GrpcAddr)
	before := registered(t, h.client, dtmService)
	if len(before) != 1 {
		t.Fatalf("dtm's own registration: %+v, want one instance", before)
	}
	replicas := []*kratosdriver.Driver{{}, {}}
	for i, d := range replicas {
		if err := d.RegisterGrpcService(target, endpoint); err != nil {
			t.Fatalf("replica %d: RegisterGrpcService(%q, %q): %v", i, target, endpoint, err)
		}
		t.Cleanup(func() { _ = d.Close() })
	}
	all := registered(t, h.client, dtmService)
	ids := map[string]bool{}
	for _, in := range all {
		ids[in.ID] = true
		if len(in.Endpoints) != 1 || in.Endpoints[0] != endpoint {
			t.Errorf("instance %s has endpoints %q, want [%s]", in.ID, in.Endpoints, endpoint)
		}
	}
	if len(all) != 3 || len(ids) != 3 {
		t.Fatalf("after two more registrations etcd holds %+v, want three instances with distinct IDs", all)
	}

	conn, err := grpc.NewClient(env.DtmURL, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := dtmgpb.NewDtmClient(conn).NewGid(timeout(t, 10*time.Second), &emptypb.Empty{}); err != nil {
		t.Fatalf("NewGid through %s with three registrations: %v", env.DtmURL, err)
	}

	if err := replicas[0].Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	left := registered(t, h.client, dtmService)
	if len(left) != 2 {
		t.Fatalf("after closing one replica etcd holds %+v, want two instances", left)
	}
	for _, in := range left {
		if in.ID != before[0].ID && !ids[in.ID] {
			t.Errorf("unexpected instance %+v", in)
		}
	}
}

// testCloseRemovesInstance: Close deregisters what RegisterGrpcService
// published, at once rather than when the lease expires.
func testCloseRemovesInstance(t *testing.T, h *harness, env *conformance.Env) {
	const service = "closing"
	d := &kratosdriver.Driver{}
	endpoint := env.Dtm.GrpcAddr // plain host:port, published as grpc://
	if err := d.RegisterGrpcService(h.ServiceURL(service), endpoint); err != nil {
		t.Fatalf("RegisterGrpcService: %v", err)
	}
	got := registered(t, h.client, service)
	if len(got) != 1 || !strings.HasPrefix(got[0].ID, endpoint+"-") ||
		len(got[0].Endpoints) != 1 || got[0].Endpoints[0] != "grpc://"+endpoint {
		t.Fatalf("registered %+v, want one instance %s-<random> at grpc://%s", got, endpoint, endpoint)
	}
	if err := d.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if left := registered(t, h.client, service); len(left) != 0 {
		t.Fatalf("after Close etcd still holds %+v", left)
	}
	if err := d.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}
