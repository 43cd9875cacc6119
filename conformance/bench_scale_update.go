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
	updateBudget  = 30 * time.Second
	// updateFill bounds the wait for the whole service to reach the
	// resolver's state.
	updateFill = 2 * time.Minute
)

// benchUpdate registers one service of updateInstances instances, waits
// for the driver's resolver to report them all (fill-ms@1000, from the
// first write), then makes up to updateChanges single changes one after
// the other, alternately removing one of the instances and adding a new
// one, and reports p50 and p99 of the time from each registry write to the
// first state at grpc that shows it (update-p50-ms@1000,
// update-p99-ms@1000; a change not seen within changeTimeout counts as
// changeTimeout and in unseen-updates@1000), and how many changes fit in
// updateBudget (changes@1000).
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

	var all, adds, removes timings
	deadline := time.Now().Add(updateBudget)
	n := 0
	for ; n < updateChanges && time.Now().Before(deadline); n++ {
		var (
			what string
			took time.Duration
			seen bool
			err  error
			kind = &removes
		)
		if n%2 == 0 {
			addr := addrs[n/2]
			what = "removal of " + addr
			took, seen, err = change(ctx, rec, "without "+addr,
				func() error { return reg.Deregister(ctx, service, addr) }, lacks(addr))
		} else {
			addr := fakeAddrs(1)[0]
			what, kind = "addition of "+addr, &adds
			took, seen, err = change(ctx, rec, "with "+addr,
				func() error { return reg.Register(ctx, service, addr) }, has(addr))
		}
		if err != nil {
			b.Fatalf("change %d of %s: %v", n+1, service, err)
		}
		all.add(took, seen, what)
		kind.add(took, seen, what)
	}
	if n < updateChanges {
		b.Logf("%d of %d changes timed: the rest did not fit in %s", n, updateChanges, updateBudget)
	}
	b.Logf("additions: %s; removals: %s", spread(adds.durations()), spread(removes.durations()))
	at := fmt.Sprintf("@%d", updateInstances)
	all.report(b, "update", at)
	b.ReportMetric(float64(n), "changes"+at)
}
