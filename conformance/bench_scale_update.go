package conformance

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// The Update benchmark's bounds.
const (
	// updateInstances is the size of the service.
	updateInstances = 1000
	// updateChanges is how many single changes are timed, and updateBudget
	// the most they may take together: a registry that takes seconds per
	// change reports fewer, and says so.
	updateChanges = 50
	updateBudget  = 2 * time.Minute
	// updateFill bounds the wait for the whole service to reach the
	// resolver's state.
	updateFill = 2 * time.Minute
)

// benchUpdate registers one service of updateInstances instances, waits
// for the driver's resolver to report them all, then makes updateChanges
// single changes one after the other, alternately removing one of the
// instances and adding a new one, and reports p50 and p99 of the time from
// each registry write to the first state at grpc that shows it
// (update-p50-ms@1000, update-p99-ms@1000), how many changes were timed,
// and how long the whole service took to appear (fill-ms@1000).
func benchUpdate(b *testing.B, e *Env) {
	ctx, cancel := context.WithTimeout(context.Background(), updateFill+updateBudget+time.Minute)
	defer cancel()
	reg := e.addrRegistrar(ctx, b)
	const service = "scale-update"
	rec, stop, err := e.watchService(service)
	if err != nil {
		b.Fatal(err)
	}
	defer stop()

	addrs := fakeAddrs(updateInstances)
	start := time.Now()
	if err := reg.Register(ctx, service, addrs...); err != nil {
		b.Fatalf("register %d instances of %s: %v", len(addrs), service, err)
	}
	written := time.Since(start)
	fillCtx, fillCancel := context.WithTimeout(ctx, updateFill)
	full, err := rec.await(fillCtx, 0, fmt.Sprintf("holding all %d instances", len(addrs)), hasAll(addrs))
	fillCancel()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(ms(full.Sub(start)), fmt.Sprintf("fill-ms@%d", updateInstances))
	b.Logf("%d instances: written in %s, all in the resolver's state %s after the first write",
		len(addrs), written.Round(time.Millisecond), full.Sub(start).Round(time.Millisecond))

	var took []time.Duration
	deadline := time.Now().Add(updateBudget)
	for i := 0; i < updateChanges && time.Now().Before(deadline); i++ {
		var d time.Duration
		if i%2 == 0 {
			addr := addrs[i/2]
			d, err = change(ctx, rec, "without "+addr,
				func() error { return reg.Deregister(ctx, service, addr) }, lacks(addr))
		} else {
			addr := fakeAddrs(1)[0]
			d, err = change(ctx, rec, "with "+addr,
				func() error { return reg.Register(ctx, service, addr) }, has(addr))
		}
		if err != nil {
			b.Fatalf("change %d of %s: %v", i+1, service, err)
		}
		took = append(took, d)
	}
	if len(took) < updateChanges {
		b.Logf("%d of %d changes timed: the rest did not fit in %s", len(took), updateChanges, updateBudget)
	}
	at := fmt.Sprintf("@%d", updateInstances)
	reportPercentiles(b, "update", at, took)
	b.ReportMetric(float64(len(took)), "changes"+at)
}
