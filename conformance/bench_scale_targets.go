package conformance

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance/infra"
	"github.com/dtmkit/drivers/kit"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// targetCounts are the numbers of distinct targets Scale/Targets resolves,
// in increasing order, beside warmTargets held open throughout.
var targetCounts = []int{100, 1000, 10000}

const warmTargets = 10

// benchTargets resolves n distinct service targets through the driver, for
// each n of targetCounts, and reports the heap bytes and goroutines each
// costs, beside the same for n passthrough targets (grpc's own cost per
// connection) measured in the same run, and the difference: a driver that
// opens a registry client or stream per target, rather than per host set,
// shows in it, and in its growth with n.
func benchTargets(b *testing.B, e *Env) {
	// What a driver sets up once per registry (a shared client) is no
	// per-target cost: a few targets of each kind, distinct from the
	// measured ones, hold it open throughout.
	most := targetCounts[len(targetCounts)-1]
	warm := append(e.targets(most + warmTargets)[most:], passthroughTargets(most + warmTargets)[most:]...)
	defer dialAll(b, warm)()
	for _, n := range targetCounts {
		start := time.Now()
		baseHeap, baseG := costPerTarget(b, passthroughTargets(n))
		heap, g := costPerTarget(b, e.targets(n))
		at := fmt.Sprintf("/target@%d", n)
		b.ReportMetric(heap, "heap-B"+at)
		b.ReportMetric(g, "goroutines"+at)
		b.ReportMetric(heap-baseHeap, "driver-heap-B"+at)
		b.ReportMetric(g-baseG, "driver-goroutines"+at)
		b.Logf("%d targets: %.0f B and %.2f goroutines each (passthrough %.0f B, %.2f), measured in %s",
			n, heap, g, baseHeap, baseG, time.Since(start).Round(time.Second))
	}
}

// targets returns n distinct targets of the driver: the harness' own
// (TargetLister), or the URLs of n services.
func (e *Env) targets(n int) []string {
	if tl, ok := e.Harness.(TargetLister); ok {
		return tl.Targets(n)
	}
	targets := make([]string, n)
	for i := range targets {
		targets[i] = e.Harness.ServiceURL(fmt.Sprintf("mem-%d", i))
	}
	return targets
}

// passthroughTargets are n distinct addresses on 127.0.0.1 that nothing is
// expected to serve, dialled through grpc's passthrough resolver.
func passthroughTargets(n int) []string {
	targets := make([]string, n)
	for i := range targets {
		targets[i] = fmt.Sprintf("passthrough:///127.0.0.1:%d", 20000+i)
	}
	return targets
}

// costPerTarget dials every target, lets the resolvers start, and returns
// the heap bytes and goroutines added per target. It waits for what the
// previous measurement closed to wind down before it starts, and for the
// resolvers to settle before it measures: up to 3 s per thousand targets,
// at least 10 s.
func costPerTarget(b *testing.B, targets []string) (heap, goroutines float64) {
	wait := max(10*time.Second, time.Duration(len(targets))*3*time.Millisecond)
	_ = infra.WaitFor(wait, "goroutines to settle before dialling", settled())
	heap0, g0 := heapAndGoroutines()
	defer dialAll(b, targets)()
	if err := infra.WaitFor(wait, "goroutines to settle", settled()); err != nil {
		b.Logf("%d targets: %v; measured anyway", len(targets), err)
	}
	heap1, g1 := heapAndGoroutines()
	n := float64(len(targets))
	return float64(heap1-heap0) / n, float64(g1-g0) / n
}

// dialAll dials every target as dtm does and has grpc build its resolver;
// closeAll closes the connections.
func dialAll(b *testing.B, targets []string) (closeAll func()) {
	conns := make([]*grpc.ClientConn, 0, len(targets))
	closeAll = func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}
	for _, t := range targets {
		conn, err := grpc.NewClient(t, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			closeAll()
			b.Fatalf("dial %q: %v", kit.Redact(t), err)
		}
		conn.Connect() // builds the resolver
		conns = append(conns, conn)
	}
	return closeAll
}

// settled returns a condition that holds once the goroutine count has not
// changed for 100 ms.
func settled() func() bool {
	last, since := -1, time.Now()
	return func() bool {
		n := runtime.NumGoroutine()
		if n != last {
			last, since = n, time.Now()
		}
		return time.Since(since) > 100*time.Millisecond
	}
}

func heapAndGoroutines() (int64, int) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc), runtime.NumGoroutine()
}
