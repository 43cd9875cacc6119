package conformance

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// The leaves the Churn benchmark times: leaveCount instances of a service
// that keeps leaveStayers, registered and seen at grpc first, then
// deregistered one every leaveEvery, each timed alone (they overlap when a
// leave takes longer than leaveEvery), waited for up to changeTimeout each.
// Under churn they start leaveStart into it.
const (
	leaveStayers = 10
	leaveCount   = 30
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
	leavers := func() []string {
		addrs := fakeAddrs(leaveCount)
		if err := registerSeen(ctx, reg, rec, service, addrs); err != nil {
			b.Fatal(err)
		}
		return addrs
	}
	if err := registerSeen(ctx, reg, rec, service, fakeAddrs(leaveStayers)); err != nil {
		b.Fatal(err)
	}

	quiet, _, err := timeLeaves(ctx, reg, rec, service, leavers(), 0)
	if err != nil {
		b.Fatal(err)
	}
	quiet.report(b, "leave", "@quiet")

	services := []string{service}
	for i := 1; i < churnServices; i++ {
		services = append(services, fmt.Sprintf("%s-other-%d", service, i))
	}
	churnReg, next := e.addrRegistrar(ctx, b), leavers()
	c := startChurn(ctx, churnReg, services)
	loud, lastSeen, err := timeLeaves(ctx, reg, rec, service, next, leaveStart)
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
