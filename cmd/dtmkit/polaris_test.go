package main

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/polarismesh/polaris-go/api"

	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/conformance/infra"
	"github.com/dtmkit/drivers/conformance/infra/polarisserver"
	polaris "github.com/dtmkit/drivers/driver-polaris"
)

// TestPolaris checks polaris:// URLs against the real polaris server: a
// weighted healthy instance, and a service whose only instance is
// unhealthy.
func TestPolaris(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the polaris server on first use")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv, err := polarisserver.Start(ctx, polarisserver.Options{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	d := &polaris.Driver{}
	if err := d.Configure(polaris.Options{Addresses: []string{srv.Addr()}, CacheDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = d.Close() }()
	svc := startService(t, busi.NewBank(), true)
	if err := d.RegisterService("polaris://bank?namespace=default&weight=300", svc.addr); err != nil {
		t.Fatal(err)
	}
	sdk, err := d.SDKContext()
	if err != nil {
		t.Fatal(err)
	}
	sick := deadAddr(t)
	host, port := splitAddr(t, sick)
	req := &api.InstanceRegisterRequest{}
	unhealthy := false
	req.Namespace, req.Service, req.Host, req.Port, req.Healthy = "default", "sick", host, port, &unhealthy
	if _, err := api.NewProviderAPIByContext(sdk).RegisterInstance(req); err != nil {
		t.Fatal(err)
	}
	// the server publishes registrations a moment later
	for _, name := range []string{"bank", "sick"} {
		if err := infra.WaitFor(15*time.Second, "polaris to list "+name, func() bool {
			r := &api.GetAllInstancesRequest{}
			r.Namespace, r.Service = "default", name
			resp, err := api.NewConsumerAPIByContext(sdk).GetAllInstances(r)
			return err == nil && len(resp.Instances) == 1
		}); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{polaris.AddressesEnv + "=" + srv.Addr()}

	t.Run("Good", func(t *testing.T) {
		runCheck(t, env, "polaris://bank/busi.Busi/TransIn").expect(t, exitOK,
			"polaris "+srv.Addr()+" ($POLARIS_ADDRESSES), namespace default, service bank: 1 entry",
			svc.addr+"  weight 300  healthy",
			"OK: dtm reaches /busi.Busi/TransIn on 1 of 1 instances")
	})
	t.Run("NoHealthyInstance", func(t *testing.T) {
		runCheck(t, env, "-timeout", "3s", "polaris://sick/busi.Busi/TransIn").expect(t, exitFail,
			sick+"  weight 100  UNHEALTHY  (skipped by the driver: unhealthy)",
			"resolve   FAIL  the polaris resolver lists no instance (the registry holds 1, none usable)",
			"fix: no registered instance is healthy")
	})
	t.Run("WrongNamespace", func(t *testing.T) {
		runCheck(t, env, "-timeout", "3s", "polaris://bank/busi.Busi/TransIn?namespace=prod").expect(t, exitFail,
			"namespace prod, service bank")
	})
}

func splitAddr(t *testing.T, addr string) (string, int) {
	t.Helper()
	host, port, ok := cutLast(addr, ":")
	p, err := strconv.Atoi(port)
	if !ok || err != nil {
		t.Fatalf("bad address %q", addr)
	}
	return host, p
}

func cutLast(s, sep string) (string, string, bool) {
	for i := len(s) - len(sep); i >= 0; i-- {
		if s[i:i+len(sep)] == sep {
			return s[:i], s[i+len(sep):], true
		}
	}
	return s, "", false
}
