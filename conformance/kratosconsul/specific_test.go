package kratosconsul_test

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/busi"
	consulregistry "github.com/go-kratos/kratos/contrib/registry/consul/v2"
	"github.com/hashicorp/consul/api"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
)

// healthBound is how soon after an instance's TTL check turns critical in
// its agent the driver's connections stop calling it (measured: a few
// milliseconds; the bound leaves room for a loaded machine).
const healthBound = time.Second

// testHealthCheck cuts one of two instances off the agent while it keeps
// serving: once kratos' heartbeat misses its TTL and the check turns
// critical, calls through a consul:// connection go to the other only,
// within healthBound.
func testHealthCheck(t *testing.T, h *harness, env *conformance.Env) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const service = "health"
	steady, err := h.startInstance(ctx, h.agent, "", service, env.Bank.Register("health-1"))
	if err != nil {
		t.Fatal(err)
	}
	defer steady.Stop()
	failing, err := h.startInstance(ctx, h.agent, "", service, env.Bank.Register("health-2"))
	if err != nil {
		t.Fatal(err)
	}
	defer failing.Stop()
	conn, err := grpc.NewClient(h.ServiceURL(service), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	user := env.User()
	var mu sync.Mutex
	var failed []error
	call := func() {
		cctx, ccancel := context.WithTimeout(ctx, 2*time.Second)
		defer ccancel()
		if err := conn.Invoke(cctx, busi.TransIn, busi.Req{UserID: user, Amount: 1}.Proto(), new(emptypb.Empty), grpc.WaitForReady(true)); err != nil {
			mu.Lock()
			failed = append(failed, err)
			mu.Unlock()
		}
	}
	for n := 0; n < 200 && (env.Bank.Stats("health-1").Calls == 0 || env.Bank.Stats("health-2").Calls == 0); n++ {
		call()
	}
	if env.Bank.Stats("health-1").Calls == 0 || env.Bank.Stats("health-2").Calls == 0 {
		t.Fatalf("calls did not reach both instances: %+v %+v", env.Bank.Stats("health-1"), env.Bank.Stats("health-2"))
	}
	checkID := "service:" + failing.reg.instance.ID

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		// one call a millisecond at most, bounded in count
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for n := 0; n < 30000; n++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			call()
		}
	}()
	failing.CutAgent()
	cutAt := time.Now()
	var critical time.Time
	for time.Since(cutAt) < 6*interval*time.Second {
		if st, err := h.agent.CheckStatus(checkID); err == nil && st == "critical" {
			critical = time.Now()
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	if critical.IsZero() {
		close(stop)
		wg.Wait()
		t.Fatalf("the TTL check %s did not turn critical within %ds of the cut", checkID, 6*interval)
	}
	time.Sleep(3 * time.Second) // the window in which calls are observed
	close(stop)
	wg.Wait()
	if len(failed) > 0 {
		t.Errorf("%d calls failed, first: %v", len(failed), failed[0])
	}
	lag := env.Bank.Stats("health-2").Last.Sub(critical)
	t.Logf("TTL check critical %s after the cut (TTL %ds); last call to the failing instance %s after that (bound %s); %d calls to the steady one",
		critical.Sub(cutAt).Round(time.Millisecond), 2*interval, lag.Round(time.Millisecond), healthBound, env.Bank.Stats("health-1").Calls)
	if lag > healthBound {
		t.Errorf("the failing instance got calls %s after its check turned critical, want at most %s", lag, healthBound)
	}
	if after := env.Bank.Stats("health-1").Last; !after.After(critical.Add(2 * time.Second)) {
		t.Errorf("the steady instance got no calls late in the window (last %s after critical)", after.Sub(critical))
	}
}

// testDtmAsKratosRegisters reads dtm's registration back through kratos'
// own consul registry, as a kratos client would discover dtm: one instance
// whose grpc endpoint is dtm's gRPC address, with kratos' checks.
func testDtmAsKratosRegisters(t *testing.T, h *harness, env *conformance.Env) {
	client, err := api.NewClient(&api.Config{Address: h.agent.HTTPAddr(), HttpClient: &http.Client{Timeout: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	instances, err := consulregistry.New(client).GetService(ctx, dtmService)
	if err != nil {
		t.Fatal(err)
	}
	if len(instances) != 1 || !slices.Contains(instances[0].Endpoints, "grpc://"+env.Dtm.GrpcAddr) {
		t.Fatalf("kratos' registry lists %s as %+v, want one instance with endpoint grpc://%s", dtmService, instances, env.Dtm.GrpcAddr)
	}
	checks, _, err := client.Health().Checks(dtmService, nil)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, c := range checks {
		kinds[c.Type] = c.Status
	}
	if kinds["ttl"] != "passing" || kinds["tcp"] == "" || len(checks) != 2 {
		t.Errorf("dtm's checks are %+v, want kratos' two: a passing TTL check and a TCP check", kinds)
	}
}
