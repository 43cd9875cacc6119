package conformance

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/conformance/infra"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/dtm-labs/dtm/client/dtmgrpc/dtmgpb"
)

// faultSagas is the load of each fault subtest.
const faultSagas = 200

// crashAfter is the branch call in the middle of which the victim of
// testInstanceCrash dies: early, so that most sagas are still to run.
const crashAfter = faultSagas / 10

// testInstanceCrash runs 200 sagas over two instances, one of which dies in
// the middle of its 20th branch call, having applied it but before answering:
// dtm must deliver that branch again, to the survivor, whose barrier absorbs
// it. Every saga succeeds, balances are exact, every action takes effect
// once, and the crash came while most sagas were still to run.
func testInstanceCrash(t *testing.T, e *Env) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const service = "crash"
	survivor, err := e.Harness.StartInstance(ctx, service, e.Bank.Register(service+"-1"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(survivor.Stop)
	victim, err := e.Harness.StartInstance(ctx, service, e.Bank.Register(service+"-2"))
	if err != nil {
		t.Fatal(err)
	}
	crasher, ok := victim.(Crasher)
	if !ok {
		victim.Stop()
		t.Skipf("%T cannot crash", victim)
	}
	t.Cleanup(victim.Stop)
	crashed := e.Bank.CrashOn(service+"-2", crashAfter, crasher.Crash)

	from, to := e.User(), e.User()
	gids := e.SubmitSagas(t, Prefix(e.Harness.ServiceURL(service)), faultSagas, 10, from, to)
	e.ExpectAllSucceed(t, gids, time.Minute)
	var fatal busi.Call
	select {
	case fatal = <-crashed:
	case <-time.After(30 * time.Second):
		t.Fatalf("the victim never crashed: it served %d branch calls, the crash was due in its %dth",
			e.Bank.Stats(service+"-2").Calls, crashAfter)
	}
	e.ExpectBalances(t, map[int64]int64{from: -faultSagas, to: faultSagas})
	e.expectEachBranchOnce(t, gids)

	// the branch the victim died in was delivered again, to the survivor,
	// and took effect once, on the victim
	var again []busi.Call
	for _, c := range e.Bank.Calls(fatal.Gid) {
		if c.BranchID == fatal.BranchID && c.Op == fatal.Op && c.Time.After(fatal.Time) {
			again = append(again, c)
		}
	}
	if !fatal.Effective || len(again) == 0 || again[len(again)-1].Instance != service+"-1" || again[len(again)-1].Answer != busi.OK {
		t.Errorf("the branch %s/%s/%s the victim died in (effective %v) was delivered again as %+v, "+
			"want a delivery to the survivor answered OK", fatal.Gid, fatal.BranchID, fatal.Op, fatal.Effective, again)
	}
	// the crash came while sagas were in flight: most had calls after it
	later := 0
	for _, gid := range gids {
		if calls := e.Bank.Calls(gid); len(calls) > 0 && calls[len(calls)-1].Time.After(fatal.Time) {
			later++
		}
	}
	if later < faultSagas/2 {
		t.Errorf("only %d of %d sagas had branch calls after the crash, want at least %d: it came too late to test anything",
			later, faultSagas, faultSagas/2)
	}
	counts := busi.CountByInstance(e.CallsOf(gids))
	t.Logf("the victim died in its call %d (branch %s of %s); %d of %d sagas ran on after; deliveries %v",
		crashAfter, fatal.BranchID, fatal.Gid, later, faultSagas, counts)
}

// testRegistryRestart stops the registry while sagas are in flight and
// starts it again on the same data: in-flight sagas finish, dtm's
// registration outlives two TTLs after the restart, and new sagas succeed.
func testRegistryRestart(t *testing.T, e *Env) {
	r := e.Harness.(RegistryRestarter)
	from, to := e.User(), e.User()
	before := e.SubmitSagas(t, Prefix(e.URL), faultSagas/2, 10, from, to)
	r.StopRegistry()
	stopped := time.Now()
	if err := r.StartRegistry(); err != nil {
		t.Fatalf("restart registry: %v", err)
	}
	restarted := time.Now()
	t.Logf("registry was down %s", restarted.Sub(stopped).Round(time.Millisecond))
	e.ExpectAllSucceed(t, before, time.Minute)

	// dtm must still be registered two TTLs after the restart: its
	// keep-alive (or heartbeat) survived it. A registry gives what it holds
	// a fresh TTL when it comes back (etcd renews every lease), so a
	// keep-alive that died with the restart shows only after one TTL; two
	// leave no doubt. Every probe, through a new connection, must succeed.
	ttl := r.RegistrationTTL()
	probe := time.NewTicker(ttl / 4)
	defer probe.Stop()
	until := restarted.Add(2 * ttl)
	for probes := 1; ; probes++ {
		began := time.Now()
		if err := e.newGidFresh(5 * time.Second); err != nil {
			t.Fatalf("dtm unreachable through %q %s after the restart: %v",
				e.DtmURL, time.Since(restarted).Round(time.Millisecond), err)
		}
		if began.After(until) {
			t.Logf("dtm reachable in %d probes up to %s after the restart (TTL %s)",
				probes, began.Sub(restarted).Round(time.Millisecond), ttl)
			break
		}
		<-probe.C
	}
	after := e.SubmitSagas(t, Prefix(e.URL), faultSagas/2, 10, from, to)
	e.ExpectAllSucceed(t, after, time.Minute)
	e.ExpectBalances(t, map[int64]int64{from: -faultSagas, to: faultSagas})
	e.expectEachBranchOnce(t, append(before, after...))
}

// testEtcdMemberLoss kills one member of the registry's etcd cluster while
// 200 sagas run: none fails.
func testEtcdMemberLoss(t *testing.T, e *Env) {
	m := e.Harness.(MemberKiller)
	if m.Members() < 3 {
		t.Fatalf("the cluster has %d members, want at least 3", m.Members())
	}
	from, to := e.User(), e.User()
	killed := make(chan struct{})
	go func() {
		defer close(killed)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = infra.WaitForContext(ctx, "sagas to start", func() bool {
			return e.Bank.Balance(to) >= faultSagas/10
		})
		m.KillMember(0)
	}()
	gids := e.SubmitSagas(t, Prefix(e.URL), faultSagas, 10, from, to)
	<-killed
	// sagas submitted after the kill must find dtm through the survivors
	gids = append(gids, e.SubmitSagas(t, Prefix(e.URL), 10, 5, from, to)...)
	e.ExpectAllSucceed(t, gids, time.Minute)
	e.ExpectBalances(t, map[int64]int64{from: -(faultSagas + 10), to: faultSagas + 10})
	e.expectEachBranchOnce(t, gids)
}

// newGidFresh reaches dtm through a new connection, so the driver resolves
// the dtm URL again rather than reusing a cached connection.
func (e *Env) newGidFresh(timeout time.Duration) error {
	conn, err := grpc.NewClient(e.DtmURL, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	// grpc builds the resolver on the call's first use, ignoring ctx: a
	// resolver whose Build never returns (seen once in go-zero's registry
	// after an etcd restart) must fail the probe, not hang the suite
	done := make(chan error, 1)
	go func() {
		_, err := dtmgpb.NewDtmClient(conn).NewGid(ctx, &emptypb.Empty{}, grpc.WaitForReady(true))
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(timeout + 5*time.Second):
		return fmt.Errorf("no answer from %s within %s: the resolver did not finish building", e.DtmURL, timeout)
	}
}

// ExpectAllSucceed waits until every transaction succeeded, failing on the
// first that fails instead.
func (e *Env) ExpectAllSucceed(t testing.TB, gids []string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for _, gid := range gids {
		var status string
		err := infra.WaitFor(time.Until(deadline), "transaction "+gid+" to succeed", func() bool {
			status = e.Dtm.TransStatus(gid)
			return status == "succeed" || status == "failed"
		})
		if err != nil || status != "succeed" {
			t.Fatalf("transaction %s: status %q (%v)", gid, status, err)
		}
	}
}

// CallsOf returns the calls of the transactions gids, in order.
func (e *Env) CallsOf(gids []string) []busi.Call {
	var calls []busi.Call
	for _, gid := range gids {
		calls = append(calls, e.Bank.Calls(gid)...)
	}
	return calls
}
