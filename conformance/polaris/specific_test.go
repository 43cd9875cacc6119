package polaris_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/dtm-labs/dtmdriver"
	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/conformance/infra"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// testNamespaces: one service name in two namespaces, and a service only in
// one. Branch URLs reach the namespace they name, by ?namespace= after the
// method or by grpc-go-polaris' options; another namespace does not find a
// service.
func testNamespaces(t *testing.T, h *harness, env *conformance.Env) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, s := range []instanceSpec{
		{service: "iso", namespace: "ns-a", register: env.Bank.Register("iso-a")},
		{service: "iso", namespace: "ns-b", register: env.Bank.Register("iso-b")},
		{service: "isoonly", namespace: "ns-a", register: env.Bank.Register("isoonly-a")},
	} {
		i, err := h.startInstance(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(i.Stop)
	}

	calls := submitSagas(t, env, 5, 5, func(m string) string { return "polaris://iso" + m + "?namespace=ns-a" })
	if counts := busi.CountByInstance(calls); len(counts) != 1 || counts["iso-a"] != 10 {
		t.Errorf("?namespace=ns-a: calls reached%s, want iso-a only", shares(counts))
	}
	opts := base64.URLEncoding.EncodeToString([]byte(`{"Namespace":"ns-b"}`))
	calls = submitSagas(t, env, 5, 5, func(m string) string { return "polaris://iso" + m + "?options=" + opts })
	if counts := busi.CountByInstance(calls); len(counts) != 1 || counts["iso-b"] != 10 {
		t.Errorf("options {Namespace: ns-b}: calls reached%s, want iso-b only", shares(counts))
	}

	// isoonly exists in ns-a only: through ns-b the call finds nothing.
	conn := dial(t, "polaris://isoonly?namespace=ns-b")
	_, err := callOnce(env, conn, env.User())
	if status.Code(err) != codes.Unavailable || !strings.Contains(err.Error(), "ns-b") {
		t.Errorf("call to isoonly through ns-b: %v, want Unavailable naming ns-b", err)
	}
	if inst, err := callOnce(env, dial(t, "polaris://isoonly?namespace=ns-a"), env.User()); err != nil || inst != "isoonly-a" {
		t.Errorf("call to isoonly through ns-a: served by %q, %v", inst, err)
	}
}

// testWeightedSplit: instances weighted 100 and 300 get about 25% and 75% of
// at least 400 branch calls from dtm.
func testWeightedSplit(t *testing.T, h *harness, env *conformance.Env) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, s := range []instanceSpec{
		{service: "weighted", weight: 100, register: env.Bank.Register("w100")},
		{service: "weighted", weight: 300, register: env.Bank.Register("w300")},
	} {
		i, err := h.startInstance(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(i.Stop)
	}
	calls := submitSagas(t, env, 200, 10, func(m string) string { return "polaris://weighted" + m })
	counts := busi.CountByInstance(calls)
	t.Logf("%d branch calls over weights 100 and 300:%s", len(calls), shares(counts))
	if len(calls) < 400 {
		t.Fatalf("%d branch calls, want at least 400", len(calls))
	}
	if share := float64(counts["w100"]) / float64(len(calls)); share < 0.15 || share > 0.35 {
		t.Errorf("weight 100 got %.1f%% of calls, want 25%% ± 10", 100*share)
	}
}

// notifySlack bounds the time from the server marking an instance
// unhealthy to the driver dropping it, which is polaris-go's notification:
// the server's discovery cache refreshes every second, and polaris-go, at
// the driver's default PollInterval, asks every 0.5 to 1 s. The server's own
// expiry (3×TTL after the last heartbeat, in whole seconds, on a timer) is
// timed apart: it took 4.4 to 13.7 s for a TTL of 2 s here, the slow ones
// on a loaded machine. Measured from the mark to the drop, with the
// driver's periodic re-read off (the harness sets ResolverRefresh to an
// hour): at polaris-go's own schedule (2 s plus 0–2 s of jitter) 1.1 to
// 5.5 s, which failed a 5 s bound in CI once; at the default PollInterval,
// see the log line.
const notifySlack = 3 * time.Second

// testHeartbeatLoss: an instance that stops heartbeating (its process hangs
// or is cut off, still serving) leaves resolution once polaris marks it
// unhealthy, within what polaris-go's notification takes (notifySlack), and
// calls go to the healthy one only.
func testHeartbeatLoss(t *testing.T, h *harness, env *conformance.Env) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var insts []*instance
	for _, name := range []string{"hb-1", "hb-2"} {
		i, err := h.startInstance(ctx, instanceSpec{service: "hb", register: env.Bank.Register(name)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(i.Stop)
		insts = append(insts, i)
	}
	conn := dial(t, "polaris://hb")
	user := env.User()
	seen := map[string]bool{}
	if err := infra.WaitFor(20*time.Second, "calls to reach hb-1 and hb-2", func() bool {
		if inst, err := callOnce(env, conn, user); err == nil {
			seen[inst] = true
		}
		return seen["hb-1"] && seen["hb-2"]
	}); err != nil {
		t.Fatal(err)
	}

	ttl := time.Duration(instanceTTL) * time.Second
	if err := h.srv.WaitHealthChecks(ctx, ttl); err != nil {
		t.Fatal(err)
	}
	insts[1].stopHeartbeat()
	stopped := time.Now()
	streak := 0 // consecutive calls served by hb-1
	err := infra.WaitFor(3*ttl+30*time.Second, "hb-2 to leave resolution", func() bool {
		inst, err := callOnce(env, conn, user)
		switch {
		case err != nil:
			streak = 0
		case inst == "hb-1":
			streak++
		default:
			streak = 0
		}
		// equal weights alternate, so 6 in a row means hb-2 is gone
		return streak >= 6
	})
	if err != nil {
		t.Fatal(err)
	}
	dropped := time.Now()
	var marked time.Time
	if err := infra.WaitFor(10*time.Second, "the server to log hb-2 unhealthy", func() bool {
		var ok bool
		marked, ok = h.srv.UnhealthyAt(insts[1].addr)
		return ok
	}); err != nil {
		t.Fatalf("hb-2 left resolution %v after its heartbeat stopped, but %v", dropped.Sub(stopped).Round(100*time.Millisecond), err)
	}
	lag := dropped.Sub(marked)
	t.Logf("TTL %v: the server marked hb-2 unhealthy %v after its heartbeat stopped (3×TTL = %v); "+
		"it left the driver's resolution %v later", ttl, marked.Sub(stopped).Round(100*time.Millisecond), 3*ttl, lag.Round(100*time.Millisecond))
	switch {
	case lag < 0:
		t.Errorf("hb-2 left resolution %v before the server marked it unhealthy: not through polaris' notification", -lag)
	case lag > notifySlack:
		t.Errorf("hb-2 left resolution %v after the server marked it unhealthy, want within %v: "+
			"polaris-go's change notification should have reached the driver", lag, notifySlack)
	}
}

// deregisterWait bounds how long the registry may take to stop listing dtm
// after Close: the server's cache refresh (1 s) and the harness' poll (at
// most 1 s), with a margin for a loaded machine. The driver registers an
// instance again just before deleting it; without that, polaris'
// standalone store publishes the deletion of an instance registered more
// than 5 s before only when its health check next rewrites it (up to
// 3×TTL, 15 s at dtm's TTL), see driver-polaris/deregister.go.
const deregisterWait = 4 * time.Second

// staleRecord is the age past which polaris' standalone store no longer
// publishes an instance's deletion by itself: its cache diffTime (5 s),
// on whole seconds, and margin.
const staleRecord = 8 * time.Second

// testCloseDeregisters: the driver's Close removes dtm's registration.
func testCloseDeregisters(t *testing.T, h *harness, env *conformance.Env) {
	var queryErr error
	if err := infra.WaitFor(15*time.Second, "dtm listed healthy", func() bool {
		var ok bool
		ok, queryErr = h.isListed("default", dtmService, env.Dtm.GrpcAddr, true)
		return ok
	}); err != nil {
		t.Fatalf("dtm (%s) in default/%s before Close: %v (last query error: %v)", env.Dtm.GrpcAddr, dtmService, err, queryErr)
	}
	closer, ok := dtmdriver.GetDriver().(conformance.Closer)
	if !ok {
		t.Fatalf("%T has no Close() error", dtmdriver.GetDriver())
	}
	// The case that matters is dtm's usual one, a registration older than
	// staleRecord; a run of this subtest alone would otherwise close a
	// fresh one. Waiting here is the condition under test, not a
	// synchronisation.
	if age := time.Since(h.created); age < staleRecord {
		time.Sleep(staleRecord - age)
	}
	start := time.Now()
	if err := closer.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// only an answer from the registry counts: a failed query is not "gone"
	err := infra.WaitFor(deregisterWait, "dtm to leave default/"+dtmService, func() bool {
		listed, err := h.isListed("default", dtmService, env.Dtm.GrpcAddr, false)
		queryErr = err
		return err == nil && !listed
	})
	if err != nil {
		fresh, freshErr := h.listedFresh("default", dtmService)
		t.Fatalf("%v (last query error: %v); a new SDK context lists %v (%v); the server logged:\n%s", err, queryErr,
			fresh, freshErr, strings.Join(append(h.srv.LogLines(env.Dtm.GrpcAddr), h.srv.LogLines(dtmService)...), "\n"))
	}
	t.Logf("dtm deregistered; the registry stopped listing it after %v", time.Since(start).Round(100*time.Millisecond))
}

// testListingErrors: the harness' registry query reports a server it cannot
// reach as an error, not as an empty list, so that "deregistered" in
// CloseDeregisters is the registry's answer.
func testListingErrors(t *testing.T, h *harness, _ *conformance.Env) {
	addr, err := infra.FreeAddr() // nothing listens there
	if err != nil {
		t.Fatal(err)
	}
	sdk, err := h.newSDKAt(addr, "unreachable")
	if err != nil {
		t.Fatal(err)
	}
	defer sdk.Destroy()
	if got, err := listedIn(sdk, "default", dtmService); err == nil {
		t.Fatalf("listing default/%s through %s, where no server listens: %v and no error", dtmService, addr, got)
	}
}
