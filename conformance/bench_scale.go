package conformance

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// benchScale measures how the driver's costs grow with the estate it
// serves. Every part is bounded in count and time; the registry parts run
// where the harness can register instances at addresses nothing serves
// (BulkRegistrar), and observe the driver's own resolver through grpc's
// resolver registry (watchService).
//   - Targets: heap and goroutines per resolved target at 100, 1,000 and
//     10,000 targets, beside passthrough in the same run;
//   - Update: one service with 1,000 instances; the time from a registry
//     write to the resolver's new state, over 50 single changes;
//   - Churn: leaves from a service, quiet and then while 100 registration
//     changes a second go on in the same registry.
func benchScale(b *testing.B, e *Env) {
	b.Run("Targets", func(b *testing.B) { benchTargets(b, e) })
	b.Run("Update", func(b *testing.B) { benchUpdate(b, e) })
	b.Run("Churn", func(b *testing.B) { benchChurn(b, e) })
}

// addrRegistrar returns a new registrar of the harness, closed when b ends,
// or skips b when the harness has no registry or cannot register instances
// at bare addresses.
func (e *Env) addrRegistrar(ctx context.Context, b *testing.B) AddrRegistrar {
	if implements[Static](e.Harness) {
		b.Skip("the driver has no registry: nothing to register or converge")
	}
	br, ok := e.Harness.(BulkRegistrar)
	if !ok {
		b.Skip("the harness lacks BulkRegistrar: it cannot register instances at bare addresses")
	}
	reg, err := br.NewAddrRegistrar(ctx)
	if err != nil {
		b.Fatalf("new registrar: %v", err)
	}
	b.Cleanup(func() {
		if err := reg.Close(); err != nil {
			b.Errorf("close the registrar: %v", err)
		}
	})
	return reg
}

// nextFakePort numbers the addresses of registered instances that nothing
// serves: distinct in the process, so that no registry takes one for
// another, and never dialled (the benchmark reads the resolver's state,
// grpc connects nowhere).
var nextFakePort atomic.Int32

// fakeAddrs returns n fresh such addresses on 127.0.0.1.
func fakeAddrs(n int) []string {
	addrs := make([]string, n)
	for i := range addrs {
		addrs[i] = fmt.Sprintf("127.0.0.1:%d", 30000+nextFakePort.Add(1)%35000)
	}
	return addrs
}

// change makes one registry write and returns the time from just before it
// to the first state of rec, reported after the write began, that cond
// accepts; it gives up after changeTimeout.
func change(ctx context.Context, rec *stateRecorder, what string, write func() error, cond func([]string) bool) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, changeTimeout)
	defer cancel()
	from := rec.mark()
	start := time.Now()
	if err := write(); err != nil {
		return 0, err
	}
	seen, err := rec.await(ctx, from, what, cond)
	if err != nil {
		return 0, err
	}
	return seen.Sub(start), nil
}

// changeTimeout bounds the wait for one change to reach the resolver's
// state.
const changeTimeout = 30 * time.Second

// reportPercentiles reports p50 and p99 of d, in ms, as name-p50-ms<at>
// and name-p99-ms<at>.
func reportPercentiles(b *testing.B, name, at string, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	b.ReportMetric(ms(percentile(d, 50)), name+"-p50-ms"+at)
	b.ReportMetric(ms(percentile(d, 99)), name+"-p99-ms"+at)
}

// has, lacks and hasAll are conditions on a state's addresses.
func has(addr string) func([]string) bool {
	return func(s []string) bool { return slices.Contains(s, addr) }
}

func lacks(addr string) func([]string) bool {
	return func(s []string) bool { return !slices.Contains(s, addr) }
}

func hasAll(addrs []string) func([]string) bool {
	return func(s []string) bool {
		if len(s) < len(addrs) {
			return false
		}
		in := make(map[string]bool, len(s))
		for _, a := range s {
			in[a] = true
		}
		for _, a := range addrs {
			if !in[a] {
				return false
			}
		}
		return true
	}
}
