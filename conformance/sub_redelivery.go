package conformance

import (
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance/busi"
)

// redeliveredSagas is how many sagas testRedelivery runs.
const redeliveredSagas = 20

// testRedelivery runs sagas whose second branch answers "ongoing" to its
// first delivery, so that dtm delivers it again on its next retry: every saga
// succeeds, each second branch is delivered at least twice, answered ongoing
// first and OK last, every action takes effect once, and no call dtm made
// reached the service twice.
func testRedelivery(t *testing.T, e *Env) {
	from, to := e.User(), e.User()
	gids := e.gids("redeliver", redeliveredSagas)
	load := sagaLoad{urls: []URLFunc{Prefix(e.URL)}, workers: 10, from: from, to: to, ongoing: 1}
	if err := e.runSagas(gids, load); err != nil {
		t.Fatal(err)
	}
	e.ExpectAllSucceed(t, gids, time.Minute)
	e.ExpectBalances(t, map[int64]int64{from: -redeliveredSagas, to: redeliveredSagas})
	if n := e.expectEachBranchOnce(t, gids); n < len(gids) {
		t.Errorf("%d branches delivered more than once, want at least %d (each saga's second)", n, len(gids))
	}
	for _, gid := range gids {
		var in, out []busi.Call
		for _, c := range e.Bank.Calls(gid) {
			switch c.Method {
			case busi.TransIn:
				in = append(in, c)
			case busi.TransOut:
				out = append(out, c)
			}
		}
		if len(out) == 0 || len(in) < 2 || in[0].Answer != busi.Ongoing || in[len(in)-1].Answer != busi.OK {
			t.Fatalf("transaction %s: TransOut delivered %d times, TransIn %d times (want at least 2, "+
				"the first answered ongoing, the last OK): %+v", gid, len(out), len(in), append(out, in...))
		}
	}
}

// expectEachBranchOnce checks the two-action sagas gids: each action took
// effect exactly once, however often dtm delivered it, and every delivery
// came from a call of its own. The barrier makes a second effect impossible,
// so what it guards against is the delivery: dtm numbers its calls
// (busi.StampAttempts), and a call delivered twice was duplicated below dtm,
// by the driver's resolver or balancer, a retry policy or a middleware; a
// service without a barrier would apply it twice. It returns how many
// branches dtm delivered more than once (retries it made itself).
func (e *Env) expectEachBranchOnce(t *testing.T, gids []string) (redelivered int) {
	t.Helper()
	for _, gid := range gids {
		effects, deliveries := map[string]int{}, map[string]int{}
		calls := map[string]busi.Call{}
		for _, c := range e.Bank.Calls(gid) {
			branch := c.BranchID + "/" + c.Op
			deliveries[branch]++
			if c.Effective {
				effects[branch]++
			}
			if c.Attempt == "" {
				t.Fatalf("transaction %s: a delivery of branch %s carries no call ID: it did not come through dtm's client", gid, branch)
			}
			if first, dup := calls[c.Attempt]; dup {
				t.Fatalf("transaction %s: dtm's call %s of branch %s reached the service twice, %s at %s and %s at %s",
					gid, c.Attempt, branch, first.Instance, first.Time.Format("15:04:05.000"), c.Instance, c.Time.Format("15:04:05.000"))
			}
			calls[c.Attempt] = c
		}
		if len(effects) != 2 {
			t.Fatalf("transaction %s: branches that took effect %v, want 2 actions", gid, effects)
		}
		for branch, n := range effects {
			if n != 1 {
				t.Fatalf("transaction %s: branch %s took effect %d times", gid, branch, n)
			}
		}
		for _, n := range deliveries {
			if n > 1 {
				redelivered++
			}
		}
	}
	return redelivered
}
