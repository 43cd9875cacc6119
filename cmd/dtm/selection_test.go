package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/dtm-labs/dtmdriver"
	"github.com/dtmkit/drivers/conformance/infra"
	gozero "github.com/dtmkit/drivers/driver-gozero"
	kratosdriver "github.com/dtmkit/drivers/driver-kratos"
	polaris "github.com/dtmkit/drivers/driver-polaris"
	protocol1 "github.com/dtmkit/drivers/driver-protocol1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/resolver"
)

// Environment of the child processes of TestSelectionDecidesSchemes.
const (
	selectEnv = "DTMKIT_SELECT" // the driver the child selects
	etcdEnv   = "DTMKIT_ETCD"   // the etcd hosts
	addrEnv   = "DTMKIT_ADDR"   // the address of the go-zero-registered server
)

// TestSelectionDecidesSchemes checks that this binary, which links all four
// drivers, resolves each driver's schemes as that driver does once its
// configuration selects it, and that no driver registers a resolver before
// it is selected. etcd:// is the crux: go-zero and kratos both serve it, with
// different registry formats. One etcd holds the service "svc" twice, in
// go-zero's format pointing at one server and in kratos' pointing at
// another; each server answers health checks for its own framework's name
// only. dtm selects a driver once per process, so each selection runs in a
// process of its own, as dtm does: dtmdriver.Use, ParseServerMethod, dial.
func TestSelectionDecidesSchemes(t *testing.T) {
	etcd, err := infra.StartEtcd(infra.EtcdOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer etcd.Close()
	zAddr := serveHealth(t, "gozero")
	kAddr := serveHealth(t, "kratos")
	svc := "etcd://" + etcd.Hosts() + "/svc"
	z, k := &gozero.Driver{}, &kratosdriver.Driver{}
	if err := z.RegisterService(svc, zAddr); err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	if err := k.RegisterService(svc, kAddr); err != nil {
		t.Fatal(err)
	}
	defer k.Close()

	for _, name := range []string{gozero.Name, kratosdriver.Name, protocol1.Name, polaris.Name} {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestSelectedDriverChild$", "-test.v")
			cmd.Env = append(os.Environ(), selectEnv+"="+name, etcdEnv+"="+etcd.Hosts(), addrEnv+"="+zAddr)
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "--- PASS: TestSelectedDriverChild") {
				t.Fatalf("child selecting %s: %v\n%s", name, err, out)
			}
		})
	}
}

// TestSelectedDriverChild is one selection of TestSelectionDecidesSchemes.
func TestSelectedDriverChild(t *testing.T) {
	name := os.Getenv(selectEnv)
	if name == "" {
		t.Skip("run by TestSelectionDecidesSchemes in a process of its own")
	}
	// nothing is registered before the selection, as dtm finds it (but
	// direct://: kratos' direct package registers it in its init, and go-zero
	// and kratos write it alike)
	for _, scheme := range []string{"etcd", "discov", "discovery", "k8s", "polaris", "protocol1"} {
		if resolver.Get(scheme) != nil {
			t.Errorf("a resolver for %s:// is registered before any driver is selected", scheme)
		}
	}
	if err := dtmdriver.Use(name); err != nil {
		t.Fatal(err)
	}
	hosts, zAddr := os.Getenv(etcdEnv), os.Getenv(addrEnv)
	switch name {
	case gozero.Name: // go-zero's registry format, and its BuildTarget form
		checkHealth(t, "etcd://"+hosts+"/svc", "gozero")
		checkHealth(t, "etcd:///"+hosts+"?key=svc", "gozero")
		checkSchemes(t, "etcd", "discov")
	case kratosdriver.Name: // kratos' registry format, as discovery:// too
		checkHealth(t, "etcd://"+hosts+"/svc", "kratos")
		checkHealth(t, "discovery://"+hosts+"/svc", "kratos")
		checkSchemes(t, "etcd", "discovery")
	case protocol1.Name:
		checkHealth(t, "protocol1://"+zAddr, "gozero")
		checkSchemes(t, "protocol1")
	case polaris.Name: // resolving needs a polaris server: the scheme only
		checkSchemes(t, "polaris")
	}
}

// checkHealth does what dtm does with a branch URL on server: splits it with
// the selected driver, dials the server and calls the method, here a health
// check that only the server of framework answers.
func checkHealth(t *testing.T, server, framework string) {
	t.Helper()
	target, method, err := dtmdriver.GetDriver().ParseServerMethod(server + "/grpc.health.v1.Health/Check")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var reply healthpb.HealthCheckResponse
	err = conn.Invoke(ctx, method, &healthpb.HealthCheckRequest{Service: framework}, &reply, grpc.WaitForReady(true))
	if err != nil || reply.Status != healthpb.HealthCheckResponse_SERVING {
		t.Errorf("%s as %s: %v %v, want the %s server", server, dtmdriver.GetDriver().GetName(), reply.Status, err, framework)
	}
}

// checkSchemes checks that the selection registered the driver's schemes,
// and those only, among the schemes the four drivers serve (direct:// aside).
func checkSchemes(t *testing.T, want ...string) {
	t.Helper()
	for _, scheme := range []string{"etcd", "discov", "discovery", "polaris", "protocol1"} {
		registered := resolver.Get(scheme) != nil
		wanted := false
		for _, w := range want {
			wanted = wanted || w == scheme
		}
		if registered != wanted {
			t.Errorf("selecting %s: %s:// registered %v, want %v", dtmdriver.GetDriver().GetName(), scheme, registered, wanted)
		}
	}
}

// serveHealth starts a gRPC server whose health service reports name as
// serving, and nothing else, and returns its address.
func serveHealth(t *testing.T, name string) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := grpc.NewServer()
	h := health.NewServer()
	h.SetServingStatus(name, healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(s, h)
	go func() { _ = s.Serve(lis) }()
	t.Cleanup(s.Stop)
	return fmt.Sprint(lis.Addr())
}
