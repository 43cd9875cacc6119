package conformance

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// The leaves the Churn benchmark times: twice leaveCount instances of a
// service that keeps leaveStayers, registered and seen at grpc first, at
// least leaverAge old when they leave, deregistered one every leaveEvery,
// each timed alone (they overlap when a leave takes longer than
// leaveEvery), waited for up to changeTimeout each; under churn they start
// leaveStart into it. The age matters: polaris' boltdb store publishes the
// deletion of a record younger than its cache's 5 s diffTime at once, and
// of an older one only when a health check next rewrites it.
const (
	leaveStayers = 10
	leaveCount   = 30
	leaverAge    = 6 * time.Second
	leaveEvery   = 150 * time.Millisecond
	leaveStart   = time.Second
)

// benchChurn times leaves from a service (deregistration → the first state
// at grpc without the instance), first with the registry quiet
// (leave-p50-ms@quiet, leave-p99-ms@quiet, unseen-leaves@quiet), then while
// a churn makes churnRate registration changes a second on other instances
// of the service and on other services of the same registry
// (leave-p50-ms@churn, leave-p99-ms@churn, unseen-leaves@churn), and
// reports the rate the churn reached (churn-changes/s). A leave not seen
// within changeTimeout counts as changeTimeout.
func benchChurn(b *testing.B, e *Env) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	reg := e.addrRegistrar(ctx, b)
	const service = "scale-churn"
	rec, stop, err := e.watchService(service)
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	stayers, quietLeavers, churnLeavers := fakeAddrs(leaveStayers), fakeAddrs(leaveCount), fakeAddrs(leaveCount)
	registered := time.Now()
	if err := registerSeen(ctx, reg, rec, service, slices.Concat(stayers, quietLeavers, churnLeavers)); err != nil {
		b.Fatal(err)
	}
	// instances leave once they have lived a while, as in production
	age := time.NewTimer(time.Until(registered.Add(leaverAge)))
	defer age.Stop()
	<-age.C

	quiet, _, err := timeLeaves(ctx, reg, rec, service, quietLeavers, 0)
	if err != nil {
		b.Fatal(err)
	}
	quiet.report(b, "leave", "@quiet")

	services := []string{service}
	for i := 1; i < churnServices; i++ {
		services = append(services, fmt.Sprintf("%s-other-%d", service, i))
	}
	c := startChurn(ctx, e.addrRegistrar(ctx, b), services)
	loud, lastSeen, err := timeLeaves(ctx, reg, rec, service, churnLeavers, leaveStart)
	rate, summary := c.stop()
	if err != nil {
		b.Fatal(err)
	}
	if !lastSeen.IsZero() {
		summary += fmt.Sprintf("; the last leave seen %s after it ended (negative: before)", lastSeen.Sub(c.ended).Round(time.Millisecond))
	}
	b.Logf("churn: %s", summary)
	loud.report(b, "leave", "@churn")
	b.ReportMetric(rate, "churn-changes/s")
}

// registerSeen registers addrs in service and waits until the resolver's
// state holds them all.
func registerSeen(ctx context.Context, reg AddrRegistrar, rec *stateRecorder, service string, addrs []string) error {
	from := rec.mark()
	if err := reg.Register(ctx, service, addrs...); err != nil {
		return fmt.Errorf("register %d instances of %s: %w", len(addrs), service, err)
	}
	ctx, cancel := context.WithTimeout(ctx, updateFill)
	defer cancel()
	_, err := rec.await(ctx, from, fmt.Sprintf("holding %d new instances of %s", len(addrs), service), hasAll(addrs))
	return err
}

// timeLeaves waits delay, then deregisters the leavers of service one every
// leaveEvery and times each until the resolver's state no longer holds it.
// It returns the timings and when the last leave was seen.
func timeLeaves(ctx context.Context, reg AddrRegistrar, rec *stateRecorder, service string, leavers []string, delay time.Duration) (*timings, time.Time, error) {
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return nil, time.Time{}, ctx.Err()
	case <-timer.C:
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		lastSeen time.Time
		firstErr error
		out      timings
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
		}
	}
	tick := time.NewTicker(leaveEvery)
	defer tick.Stop()
	for i, addr := range leavers {
		if i > 0 {
			<-tick.C
		}
		from := rec.mark()
		start := time.Now()
		if err := reg.Deregister(ctx, service, addr); err != nil {
			fail(fmt.Errorf("deregister %s from %s: %w", addr, service, err))
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			took, seen, err := seenAfter(ctx, rec, from, start, "without "+addr, lacks(addr))
			if err != nil {
				fail(err)
				return
			}
			out.add(took, seen, "leave of "+addr)
			mu.Lock()
			if seen && start.Add(took).After(lastSeen) {
				lastSeen = start.Add(took)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return &out, lastSeen, firstErr
}
