package conformance

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dtm-labs/dtm/client/dtmgrpc"
	"github.com/dtmkit/drivers/conformance/busi"
)

// concurrentSagas is how many sagas testConcurrentSagas submits at once.
const concurrentSagas = 100

// testConcurrentSagas submits sagas concurrently: all succeed, the money is
// conserved, every action takes effect once and no call dtm made reached
// the service twice. dtm may deliver a branch again on its own when a saga
// takes longer than its retry interval (1 s here) to process, which a
// loaded machine sees: that is dtm's at-least-once delivery, which the
// barrier absorbs, and is logged.
func testConcurrentSagas(t *testing.T, e *Env) {
	from, to := e.User(), e.User()
	gids := e.SubmitSagas(t, Prefix(e.URL), concurrentSagas, concurrentSagas, from, to)
	e.ExpectAllSucceed(t, gids, time.Minute)
	e.ExpectBalances(t, map[int64]int64{from: -concurrentSagas, to: concurrentSagas})
	if n := e.expectEachBranchOnce(t, gids); n > 0 {
		t.Logf("dtm delivered %d of %d branches more than once", n, 2*len(gids))
	}
}

// URLFunc makes the branch URL of a method, for drivers whose URLs carry
// something after the method (polaris' ?namespace=).
type URLFunc func(method string) string

// Prefix is the URLFunc of the common form, prefix + method.
func Prefix(prefix string) URLFunc { return func(m string) string { return prefix + m } }

// SubmitSagas submits n two-branch sagas moving 1 from one user to another,
// workers at a time, with branch URLs from url, and returns their gids once
// dtm has accepted them all.
func (e *Env) SubmitSagas(t testing.TB, url URLFunc, n, workers int, from, to int64) []string {
	t.Helper()
	gids := e.gids("load", n)
	if err := e.runSagas(gids, sagaLoad{urls: []URLFunc{url}, workers: workers, from: from, to: to}); err != nil {
		t.Fatal(err)
	}
	return gids
}

func (e *Env) gids(prefix string, n int) []string {
	gids := make([]string, n)
	for i := range gids {
		gids[i] = e.Gid(prefix)
	}
	return gids
}

// sagaLoad is what runSagas runs: two-branch sagas moving 1 from one user to
// another, workers at a time, saga i with branch URLs from urls[i%len(urls)].
type sagaLoad struct {
	urls     []URLFunc
	workers  int
	from, to int64
	// wait makes each Submit return only once dtm has finished the saga
	// (WaitResult).
	wait bool
	// ongoing is how many deliveries of each saga's second branch the
	// service answers "ongoing" before it proceeds (busi.Req.Ongoing).
	ongoing int
}

// runSagas runs a saga per gid as l says. It gives up after 2 minutes.
func (e *Env) runSagas(gids []string, l sagaLoad) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	jobs := make(chan int)
	errs := make(chan error, len(gids))
	var wg sync.WaitGroup
	for w := 0; w < l.workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				url := l.urls[i%len(l.urls)]
				saga := dtmgrpc.NewSagaGrpc(e.DtmURL, gids[i]).
					Add(url(busi.TransOut), url(busi.TransOutRevert), busi.Req{UserID: l.from, Amount: 1}.Proto()).
					Add(url(busi.TransIn), url(busi.TransInRevert), busi.Req{UserID: l.to, Amount: 1, Ongoing: l.ongoing}.Proto())
				saga.WaitResult = l.wait
				errs <- saga.Submit()
			}
		}()
	}
	for i := range gids {
		select {
		case jobs <- i:
		case <-ctx.Done():
		}
	}
	close(jobs)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return fmt.Errorf("submit saga: %w", err)
		}
	}
	if ctx.Err() != nil {
		return fmt.Errorf("running %d sagas: %w", len(gids), ctx.Err())
	}
	return nil
}

// spreadInstances and spreadSagas size testLoadSpread: 150 two-branch sagas
// make 300 branch calls over 3 instances.
const (
	spreadInstances = 3
	spreadSagas     = 150
)

// testLoadSpread starts three instances of a service and checks that dtm's
// branch calls through the driver reach each about equally.
func testLoadSpread(t *testing.T, e *Env) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const service = "spread"
	for i := 1; i <= spreadInstances; i++ {
		inst, err := e.Harness.StartInstance(ctx, service, e.Bank.Register(fmt.Sprintf("%s-%d", service, i)))
		if err != nil {
			t.Fatalf("start instance %d: %v", i, err)
		}
		t.Cleanup(inst.Stop)
	}
	from, to := e.User(), e.User()
	gids := e.SubmitSagas(t, Prefix(e.Harness.ServiceURL(service)), spreadSagas, 10, from, to)
	var calls []busi.Call
	for _, gid := range gids {
		e.WaitStatus(t, gid, "succeed")
		calls = append(calls, e.Bank.Calls(gid)...)
	}
	counts := busi.CountByInstance(calls)
	shares := ""
	for _, inst := range busi.Instances(counts) {
		shares += fmt.Sprintf(" %s=%d (%.1f%%)", inst, counts[inst], 100*float64(counts[inst])/float64(len(calls)))
	}
	t.Logf("%d branch calls over %d instances:%s", len(calls), spreadInstances, shares)
	if len(counts) != spreadInstances {
		t.Fatalf("calls reached %d instances, want %d:%s", len(counts), spreadInstances, shares)
	}
	for inst, n := range counts {
		if share := float64(n) / float64(len(calls)); share < 0.2333 || share > 0.4333 {
			t.Errorf("instance %s got %.1f%% of calls, want 33%% ± 10", inst, 100*share)
		}
	}
}
