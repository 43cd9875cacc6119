package conformance

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dtm-labs/dtm/client/dtmgrpc"
	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/conformance/infra"
	"go.uber.org/goleak"
)

// Env is what Run set up, handed to a driver package's own subtests through
// RunWith.
type Env struct {
	Harness Harness
	Dtm     *infra.Dtm
	// DtmURL is the URL clients dial dtm through, from DtmRegistration.
	DtmURL string
	// Bank serves every business instance the suite starts.
	Bank *busi.Bank
	// Service is the business service started with one instance, and URL
	// its branch URL prefix.
	Service, URL string
	// Logs captures dtm's logs.
	Logs *infra.Logs

	nextUser atomic.Int64
	nextGid  atomic.Int64
	// checkGoroutines is set by Close: once the driver is closed, nothing
	// may be left running after the harness' Close.
	checkGoroutines bool
}

// Run starts a real dtm server that uses the harness' driver, one business
// instance, and runs the conformance subtests. Call it once per process.
func Run(t *testing.T, newHarness HarnessMaker) {
	RunWith(t, newHarness, nil)
}

// RunWith is Run followed by the driver's own subtests, which get the same
// dtm, harness and bank.
func RunWith(t *testing.T, newHarness HarnessMaker, more func(t *testing.T, env *Env)) {
	env := setUp(t, newHarness)
	subtests := []struct {
		name string
		run  func(*testing.T, *Env)
	}{
		{"Interface", testInterface},
		{"ParseServerMethod", testParseServerMethod},
		{"RegisterService", testRegisterService},
		{"Msg", testMsg},
		{"SagaSuccess", testSagaSuccess},
		{"SagaCompensate", testSagaCompensate},
		{"TccConfirm", testTccConfirm},
		{"TccCancel", testTccCancel},
		{"ConcurrentSagas", testConcurrentSagas},
		{"Redelivery", testRedelivery},
		{"LoadSpread", testLoadSpread},
	}
	// Fault and hygiene subtests run where the harness has the hooks they
	// need; those without are named in the log.
	optional := []struct {
		name string
		run  func(*testing.T, *Env)
		ok   bool
	}{
		{"InstanceCrash", testInstanceCrash, true},
		{"RegistryRestart", testRegistryRestart, implements[RegistryRestarter](env.Harness)},
		{"EtcdMemberLoss", testEtcdMemberLoss, implements[MemberKiller](env.Harness)},
		{"BadTargets", testBadTargets, true},
		{"Secrets", testSecrets, implements[SecretTargeter](env.Harness)},
		{"ManyServices", testManyServices, implements[BulkRegistrar](env.Harness)},
		{"Cluster", testCluster, implements[ClusterHarness](env.Harness)},
	}
	for _, st := range subtests {
		t.Run(st.name, func(t *testing.T) { st.run(t, env) })
	}
	for _, st := range optional {
		if !st.ok {
			t.Logf("%s: not applicable, the harness lacks its hook", st.name)
			continue
		}
		t.Run(st.name, func(t *testing.T) { st.run(t, env) })
	}
	if more != nil {
		more(t, env)
	}
	// Close last: it deregisters dtm and stops the driver.
	t.Run("Close", func(t *testing.T) { testClose(t, env) })
}

// stampOnce installs busi.StampAttempts in dtm's client, which is
// process-wide, once: before dtm makes its first call, so that every branch
// call carries its ID.
var stampOnce sync.Once

func implements[I any](h Harness) bool {
	_, ok := h.(I)
	return ok
}

func setUp(t testing.TB, newHarness HarnessMaker) *Env {
	t.Helper()
	baseline := goleak.IgnoreCurrent()
	var env *Env
	t.Cleanup(func() {
		// last, after the harness' Close: dtm's connections use the
		// driver's resolvers, and a later run in the process must dial anew
		infra.CloseDtmConns()
		if env != nil && env.checkGoroutines {
			env.expectNoGoroutineLeft(t, "after the run (Close, the harness' Close)", baseline)
		}
	})
	var echo *os.File
	if testing.Verbose() && os.Getenv("DTMKIT_DTM_LOGS") != "" {
		echo = os.Stderr
	}
	env = &Env{Logs: infra.CaptureDtmLogs(echo, false), Bank: busi.NewBank(), Service: "busi"}
	// minutes: a harness may build its registry on a first run (polaris'
	// server: one minute on two idle cores, seven seen on busy ones)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	h, err := newHarness(ctx, t)
	if err != nil {
		t.Fatalf("make harness: %v", err)
	}
	t.Cleanup(h.Close)
	env.Harness = h
	stampOnce.Do(func() { dtmgrpc.AddUnaryInterceptor(busi.StampAttempts) })
	if err := dtmgrpc.UseDriver(h.DriverName()); err != nil {
		t.Fatalf("use driver: %v", err)
	}
	env.Dtm, err = infra.StartDtm(infra.DtmOptions{
		Driver: h.DriverName(),
		Registration: func(grpcAddr string) (string, string) {
			var target, endpoint string
			target, endpoint, env.DtmURL = h.DtmRegistration(grpcAddr)
			return target, endpoint
		},
	})
	if err != nil {
		t.Fatalf("start dtm: %v", err)
	}
	inst, err := h.StartInstance(ctx, env.Service, env.Bank.Register(env.Service+"-1"))
	if err != nil {
		t.Fatalf("start business instance: %v", err)
	}
	t.Cleanup(inst.Stop)
	env.URL = h.ServiceURL(env.Service)
	return env
}

// User returns a user ID no other subtest uses, so balances do not mix.
func (e *Env) User() int64 { return 1000 + e.nextUser.Add(1) }

// Gid returns a fresh transaction ID, readable in logs.
func (e *Env) Gid(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, time.Now().UnixNano(), e.nextGid.Add(1))
}

// WaitStatus waits until dtm reports status for gid.
func (e *Env) WaitStatus(t testing.TB, gid, status string) {
	t.Helper()
	var last string
	err := infra.WaitFor(30*time.Second, "transaction "+gid+" to be "+status, func() bool {
		last = e.Dtm.TransStatus(gid)
		return last == status
	})
	if err != nil {
		t.Fatalf("%v (last status %q)", err, last)
	}
}
