package conformance

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/conformance/infra/dtmcluster"
)

// Cluster load sizes, bounded in count; each saga moves 1.
const (
	clusterSpreadSagas = 90
	crashSagas         = 300
	crashTccs          = 100
	// The rolling restart submits batches until its restarts are done,
	// at most one batch per rollingPace (about 120 sagas a second, so that
	// registries whose changes take seconds to reach clients still see
	// load throughout) and rollingBatches at most.
	rollingBatch   = 30
	rollingBatches = 240
	rollingPace    = 250 * time.Millisecond
	clusterWorkers = 10
)

const submitMethod = "/dtmgimp.Dtm/Submit"

// testClusterSpread: clients resolving dtm through the driver spread their
// submissions over the servers, each taking 33% ± 15 of them.
func testClusterSpread(t *testing.T, dc *dtmCluster) {
	before := map[*dtmcluster.Member]int{}
	for _, m := range dc.c.Members() {
		before[m] = m.Calls(submitMethod)
	}
	from, to := dc.e.User(), dc.e.User()
	gids := dc.e.gids("cluster-spread", clusterSpreadSagas)
	if failed := dc.run(gids, nil, from, to, nil); len(failed) > 0 {
		t.Fatalf("%d submissions failed: %v", len(failed), failed)
	}
	final := dc.expectFinal(t, gids, nil, time.Minute)
	dc.expectAccounted(t, final, from, to)
	shares := ""
	for _, m := range dc.c.Members() {
		n := m.Calls(submitMethod) - before[m]
		share := float64(n) / clusterSpreadSagas
		shares += fmt.Sprintf(" %s %d (%.0f%%)", m.GrpcAddr, n, share*100)
		if share < 0.18 || share > 0.48 {
			t.Errorf("dtm server %s took %d of %d submissions, want 33%% ± 15", m.GrpcAddr, n, clusterSpreadSagas)
		}
	}
	t.Logf("submissions per server:%s", shares)
}

// testClusterDtmCrash kills one server with SIGKILL while clients submit
// sagas and TCC transactions through the registry URL: every transaction
// ends, the money is exact, no branch takes effect twice, later submissions
// succeed, and the dead server leaves resolution within its registration's
// TTL.
func testClusterDtmCrash(t *testing.T, dc *dtmCluster, ttl time.Duration) {
	victim := dc.c.Members()[1]
	from, to := dc.e.User(), dc.e.User()
	sagas, tccs := dc.e.gids("crash-saga", crashSagas), dc.e.gids("crash-tcc", crashTccs)
	var killedAt time.Time
	left := make(chan time.Duration, 1)
	failed := dc.run(sagas, tccs, from, to, func(done int) {
		if done == (crashSagas+crashTccs)/3 {
			victim.Kill()
			killedAt = time.Now()
			go func() { left <- dc.awaitResolved(ttl+5*time.Second, dc.addrs(dc.except(victim)...)) }()
		}
	})
	if killedAt.IsZero() {
		t.Fatal("the load ended before the kill")
	}
	gone := <-left
	if gone < 0 {
		t.Fatalf("the killed server %s still resolves %s after SIGKILL (TTL %s): %v",
			victim.GrpcAddr, ttl+5*time.Second, ttl, dc.resolvedAddrs())
	}
	t.Logf("the killed server left resolution %s after SIGKILL (registration TTL %s)", gone.Round(time.Millisecond), ttl)
	if gone > ttl+2*time.Second {
		t.Errorf("the killed server stayed resolvable %s, beyond its TTL %s", gone.Round(time.Millisecond), ttl)
	}

	all := append(append([]string(nil), sagas...), tccs...)
	final := dc.expectFinal(t, all, failed, 2*time.Minute)
	succeeded := dc.expectAccounted(t, final, from, to)
	for _, gid := range sagas {
		if failed[gid] {
			t.Errorf("saga %s: the client's submission failed despite its retries", gid)
		} else if final[gid] != "succeed" {
			t.Errorf("saga %s accepted by dtm ended %q", gid, final[gid])
		}
	}
	t.Logf("%d sagas and %d TCCs; %d TCCs failed at the client (%d of them unknown to dtm); %d transactions succeeded",
		crashSagas, crashTccs, len(failed), countUnknown(final), succeeded)

	later := dc.e.gids("crash-after", 20)
	if f := dc.run(later, nil, from, to, nil); len(f) > 0 {
		t.Fatalf("submissions after the crash failed: %v", f)
	}
	dc.expectFinal(t, later, nil, time.Minute)
	if err := victim.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	dc.expectResolved(t, 30*time.Second, dc.addrs(dc.c.Members()...)...)
}

// testClusterRollingRestart restarts the servers one by one with SIGTERM
// while clients submit, in batches until the last restart is done: no
// submission fails, every transaction ends, and each stopped server leaves
// resolution within bound of its exit.
func testClusterRollingRestart(t *testing.T, dc *dtmCluster, bound time.Duration) {
	from, to := dc.e.User(), dc.e.User()
	type load struct {
		gids   []string
		failed map[string]bool
	}
	stop, ended := make(chan struct{}), make(chan load, 1)
	var running atomic.Bool
	running.Store(true)
	go func() {
		defer running.Store(false)
		l := load{failed: map[string]bool{}}
		pace := time.NewTicker(rollingPace)
		defer pace.Stop()
		for batch := 0; batch < rollingBatches; batch++ {
			select {
			case <-stop:
				ended <- l
				return
			case <-pace.C:
			}
			gids := dc.e.gids("rolling", rollingBatch)
			for gid := range dc.run(gids, nil, from, to, nil) {
				l.failed[gid] = true
			}
			l.gids = append(l.gids, gids...)
		}
		ended <- l
	}()
	for _, m := range dc.c.Members() {
		if !running.Load() {
			t.Fatalf("the load (at most %d sagas) ended before server %s was restarted", rollingBatches*rollingBatch, m.GrpcAddr)
		}
		stoppedAt := time.Now()
		took, err := m.Stop()
		if err != nil {
			t.Fatalf("SIGTERM %s: %v", m.GrpcAddr, err)
		}
		dc.expectResolved(t, bound+5*time.Second, dc.addrs(dc.except(m)...)...)
		left := time.Since(stoppedAt)
		t.Logf("server %s exited %s after SIGTERM and left resolution after %s",
			m.GrpcAddr, took.Round(time.Millisecond), left.Round(time.Millisecond))
		if left > bound+took {
			t.Errorf("server %s left resolution %s after SIGTERM, want within %s of its exit", m.GrpcAddr, left.Round(time.Millisecond), bound)
		}
		if err := m.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		dc.expectResolved(t, 30*time.Second, dc.addrs(dc.c.Members()...)...)
	}
	close(stop)
	l := <-ended
	if len(l.failed) > 0 {
		t.Errorf("%d submissions failed across the rolling restart: %v", len(l.failed), keys(l.failed))
	}
	final := dc.expectFinal(t, l.gids, l.failed, 2*time.Minute)
	dc.expectAccounted(t, final, from, to)
	t.Logf("%d sagas submitted through %d restarts", len(l.gids), len(dc.c.Members()))
}

// run submits a saga per gid in sagas and a TCC per gid in tccs,
// interleaved, clusterWorkers at a time, calling progress (if set) with the
// number done after each; it returns the gids whose client saw an error.
func (dc *dtmCluster) run(sagas, tccs []string, from, to int64, progress func(done int)) map[string]bool {
	type job struct {
		gid string
		tcc bool
	}
	var jobs []job
	for i := 0; i < len(sagas) || i < len(tccs)*3; i++ {
		if i < len(sagas) {
			jobs = append(jobs, job{sagas[i], false})
		}
		if i%3 == 2 && i/3 < len(tccs) {
			jobs = append(jobs, job{tccs[i/3], true})
		}
	}
	ch := make(chan job)
	var mu sync.Mutex
	failed := map[string]bool{}
	var done atomic.Int32
	var wg sync.WaitGroup
	for w := 0; w < clusterWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				var err error
				if j.tcc {
					err = dc.tcc(j.gid, from, to)
				} else {
					err = dc.submitSaga(j.gid, from, to)
				}
				if err != nil {
					mu.Lock()
					failed[j.gid] = true
					mu.Unlock()
				}
				if progress != nil {
					progress(int(done.Add(1)))
				}
			}
		}()
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
	return failed
}

// expectAccounted checks the money against the final statuses: each
// succeeded transaction moved exactly 1, the others nothing, and no call
// reached the service twice or took effect twice. It returns how many
// succeeded.
func (dc *dtmCluster) expectAccounted(t *testing.T, final map[string]string, from, to int64) int {
	t.Helper()
	succeeded := 0
	for gid, st := range final {
		if st == "succeed" {
			succeeded++
		}
		seen := map[string]busi.Call{}
		effects := map[string]int{}
		for _, c := range dc.e.Bank.Calls(gid) {
			if first, dup := seen[c.Attempt]; dup && c.Attempt != "" {
				t.Fatalf("transaction %s: dtm's call %s reached the service twice (%s, %s)", gid, c.Attempt, first.Instance, c.Instance)
			}
			seen[c.Attempt] = c
			if c.Effective {
				effects[c.BranchID+"/"+c.Op]++
			}
		}
		for branch, n := range effects {
			if n > 1 {
				t.Fatalf("transaction %s: branch %s took effect %d times", gid, branch, n)
			}
		}
		if st == "" && len(effects) > 0 {
			t.Fatalf("transaction %s is unknown to dtm but took effect: %v", gid, effects)
		}
	}
	dc.e.ExpectBalances(t, map[int64]int64{from: -int64(succeeded), to: int64(succeeded)})
	return succeeded
}

func countUnknown(final map[string]string) int {
	n := 0
	for _, st := range final {
		if st == "" {
			n++
		}
	}
	return n
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
