package conformance

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
)

// benchScale measures how the driver's costs grow with the estate it
// serves. Every part is bounded in count and time; the registry parts run
// where the harness can register instances at addresses nothing serves
// (BulkRegistrar), and observe the driver's own resolver through grpc's
// resolver registry (watchService).
//   - Update: one service with 1,000 instances; the time from a registry
//     write to the resolver's new state, over 50 single changes;
//   - Churn: leaves from a service, quiet and then while 100 registration
//     changes a second go on in the same registry;
//   - Targets: heap and goroutines per resolved target at 100, 1,000 and
//     10,000 targets, beside passthrough in the same run.
func benchScale(b *testing.B, e *Env) {
	b.Run("Update", func(b *testing.B) { benchUpdate(b, e) })
	b.Run("Churn", func(b *testing.B) { benchChurn(b, e) })
	// last: a driver may keep following the services of closed targets
	// for a while (polaris-go polls every service it cached until it
	// expires), which would load the registry under the parts above
	b.Run("Targets", func(b *testing.B) { benchTargets(b, e) })
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
