package conformance

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/dtm-labs/dtmdriver"
	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/conformance/infra"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
)

// RunBenchmarks measures a driver against a real dtm, as Run tests it: saga
// throughput through driver URLs against direct host:port URLs to the same
// instances, discovery convergence, the spread of calls, and how the cost
// of targets and the time to converge grow with the estate (Scale). Call it
// once per process, with -run '^$'.
func RunBenchmarks(b *testing.B, newHarness HarnessMaker) {
	env := setUp(b, newHarness)
	b.Run("Sagas", func(b *testing.B) { benchSagas(b, env) })
	b.Run("Convergence", func(b *testing.B) { benchConvergence(b, env) })
	b.Run("Spread", func(b *testing.B) { benchSpread(b, env) })
	b.Run("Scale", func(b *testing.B) { benchScale(b, env) })
}

// benchSagas alternates blocks of sagas through the driver's URL and
// through direct URLs to the same two instances, 8 at a time, each waiting
// for dtm to finish it, and reports both rates and their ratio.
func benchSagas(b *testing.B, e *Env) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const service = "bench"
	var direct []string
	for i := 1; i <= 2; i++ {
		inst, err := e.Harness.StartInstance(ctx, service, e.Bank.Register(fmt.Sprintf("%s-%d", service, i)))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(inst.Stop)
		direct = append(direct, inst.Addr())
	}
	driverURL := e.Harness.ServiceURL(service)
	from, to := e.User(), e.User()
	const block, workers = 16, 8
	var viaDriver, viaDirect time.Duration
	var n int
	run := func(prefixes []string) time.Duration {
		start := time.Now()
		if err := e.runSagasWaiting(prefixes, block, workers, from, to); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	run([]string{driverURL}) // warm both paths: connections, resolvers
	run(direct)
	b.ResetTimer()
	for n < max(b.N, minBenchSagas) {
		viaDriver += run([]string{driverURL})
		viaDirect += run(direct)
		n += block
	}
	b.StopTimer()
	driverRate := float64(n) / viaDriver.Seconds()
	directRate := float64(n) / viaDirect.Seconds()
	b.ReportMetric(driverRate, "driver-sagas/s")
	b.ReportMetric(directRate, "direct-sagas/s")
	b.ReportMetric(driverRate/directRate, "driver/direct")
}

// minBenchSagas is the least each path runs, so that -benchtime 1x still
// measures something steady.
const minBenchSagas = 320

// runSagasWaiting runs n two-branch sagas with WaitResult, so each counts
// only once dtm has finished it; prefixes are used in turn.
func (e *Env) runSagasWaiting(prefixes []string, n, workers int, from, to int64) error {
	urls := make([]URLFunc, len(prefixes))
	for i, p := range prefixes {
		urls[i] = Prefix(p)
	}
	return e.runSagas(e.gids("bench", n), sagaLoad{urls: urls, workers: workers, from: from, to: to, wait: true})
}

// convergenceTrials is how many instances come and go in benchConvergence.
const convergenceTrials = 20

// benchConvergence keeps calls flowing to a service through the driver, as
// dtm makes them, while a second instance registers and deregisters 20
// times; it reports, in ms, p50 and p99 of registration → first call (from
// the registration request, see RegisterTimer) and of deregistration → last
// call.
func benchConvergence(b *testing.B, e *Env) {
	if implements[Static](e.Harness) {
		b.Skip("the driver has no registry: nothing converges")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	const service = "conv"
	base, err := e.Harness.StartInstance(ctx, service, e.Bank.Register(service+"-base"))
	if err != nil {
		b.Fatal(err)
	}
	defer base.Stop()
	stopCalls := e.callContinuously(b, e.Harness.ServiceURL(service))
	defer stopCalls()

	var join, leave []time.Duration
	for trial := 0; trial < convergenceTrials; trial++ {
		name := fmt.Sprintf("%s-%d", service, trial)
		called := time.Now()
		inst, err := e.Harness.StartInstance(ctx, service, e.Bank.Register(name))
		if err != nil {
			b.Fatal(err)
		}
		// from the registration request, which no resolver can have seen
		// earlier, or else from StartInstance's call, a little earlier
		registered := called
		if rt, ok := inst.(RegisterTimer); ok {
			registered = rt.RegisteredAt()
		}
		if err := infra.WaitForContext(ctx, name+"'s first call", func() bool { return e.Bank.Stats(name).Calls > 0 }); err != nil {
			b.Fatal(err)
		}
		first := e.Bank.Stats(name).First
		if first.Before(registered) {
			b.Fatalf("%s was called %v before its registration was sent", name, registered.Sub(first))
		}
		join = append(join, first.Sub(registered))

		dereg, ok := inst.(Deregisterer)
		if !ok {
			inst.Stop()
			continue
		}
		left := time.Now()
		if err := dereg.Deregister(); err != nil {
			b.Fatal(err)
		}
		// the last call is known once calls have stopped for a while
		const quiet = time.Second
		err = infra.WaitForContext(ctx, name+"'s calls to stop", func() bool {
			return time.Since(e.Bank.Stats(name).Last) > quiet
		})
		if err != nil {
			b.Fatal(err)
		}
		leave = append(leave, max(0, e.Bank.Stats(name).Last.Sub(left)))
		inst.Stop()
	}
	report := func(what string, d []time.Duration) {
		if len(d) == 0 {
			return
		}
		b.ReportMetric(ms(percentile(d, 50)), what+"-p50-ms")
		b.ReportMetric(ms(percentile(d, 99)), what+"-p99-ms")
	}
	report("join", join)
	report("leave", leave)
}

// callContinuously invokes TransIn with amount 0 through url about every
// millisecond from two goroutines, over one connection per goroutine made as
// dtm makes them (grpc.NewClient with no balancer option).
func (e *Env) callContinuously(b *testing.B, url string) (stop func()) {
	server, method, err := parseWith(url + busi.TransIn)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		conn, err := grpc.NewClient(server, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			b.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer conn.Close()
			tick := time.NewTicker(time.Millisecond)
			defer tick.Stop()
			req := busi.Req{UserID: e.User(), Amount: 0}.Proto()
			for {
				cctx, ccancel := context.WithTimeout(ctx, time.Second)
				_ = conn.Invoke(cctx, method, req, new(emptyReply))
				ccancel()
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
			}
		}()
	}
	return func() { cancel(); wg.Wait() }
}

// benchSpread reports the share of each of three instances over 300 branch
// calls made by dtm.
func benchSpread(b *testing.B, e *Env) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const service = "benchspread"
	for i := 1; i <= spreadInstances; i++ {
		inst, err := e.Harness.StartInstance(ctx, service, e.Bank.Register(fmt.Sprintf("%s-%d", service, i)))
		if err != nil {
			b.Fatal(err)
		}
		defer inst.Stop()
	}
	from, to := e.User(), e.User()
	for i := 0; i < b.N; i++ {
		if err := e.runSagasWaiting([]string{e.Harness.ServiceURL(service)}, spreadSagas, 10, from, to); err != nil {
			b.Fatal(err)
		}
	}
	total := 0
	for i := 1; i <= spreadInstances; i++ {
		total += e.Bank.Stats(fmt.Sprintf("%s-%d", service, i)).Calls
	}
	for i := 1; i <= spreadInstances; i++ {
		n := e.Bank.Stats(fmt.Sprintf("%s-%d", service, i)).Calls
		b.ReportMetric(100*float64(n)/float64(total), fmt.Sprintf("instance%d-%%", i))
	}
}

func percentile(d []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s)*p + 99) / 100
	if i > 0 {
		i--
	}
	return s[i]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// emptyReply receives busi's emptypb.Empty replies.
type emptyReply = emptypb.Empty

// parseWith splits url with the driver in use, as dtm does.
func parseWith(url string) (server, method string, err error) {
	return dtmdriver.GetDriver().ParseServerMethod(url)
}
