package polaris_test

import (
	"context"
	"time"

	"github.com/dtmkit/drivers/conformance"
	polaris "github.com/dtmkit/drivers/driver-polaris"
)

// The harness implements the suite's optional hooks its registry supports.
var (
	_ conformance.RegistryRestarter = (*harness)(nil)
	_ conformance.BadTargeter       = (*harness)(nil)
	_ conformance.SecretTargeter    = (*harness)(nil)
	_ conformance.LongLived         = (*harness)(nil)
	_ conformance.Crasher           = (*instance)(nil)
	_ conformance.Deregisterer      = (*instance)(nil)
	_ conformance.RegisterTimer     = (*instance)(nil)
)

// StopRegistry kills the polaris server, keeping its store.
func (h *harness) StopRegistry() { h.srv.Stop() }

// StartRegistry starts it again on the same store and port. The harness'
// own SDK context is replaced: polaris-go takes a while to resume updating
// the services it watched across a server restart, and the harness reads
// the registry through it.
func (h *harness) StartRegistry() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := h.srv.Restart(ctx); err != nil {
		return err
	}
	inspect, err := h.newSDK("inspect-restarted")
	if err != nil {
		return err
	}
	h.mu.Lock()
	old := h.inspect
	h.inspect = inspect
	h.mu.Unlock()
	old.Destroy()
	return nil
}

// RegistrationTTL is how long polaris keeps listing dtm as healthy without
// a heartbeat: 3×TTL, dtm's target setting the default TTL.
func (h *harness) RegistrationTTL() time.Duration { return 3 * polaris.DefaultTTL * time.Second }

// BadTargets are registration targets the polaris driver rejects.
func (h *harness) BadTargets() []conformance.BadTarget {
	return []conformance.BadTarget{
		{Target: "polaris://0.0.0.0:8080/dtmservice?namespace=Test", Endpoint: "token", WantErr: "put the address in EndPoint"},
		{Target: "polaris://?namespace=default", Endpoint: "127.0.0.1:1", WantErr: "service must be a name"},
		{Target: "polaris://dtm?namespace=a/b", Endpoint: "127.0.0.1:1", WantErr: "namespace must be a name"},
		{Target: "polaris://dtm?ttl=0", Endpoint: "127.0.0.1:1", WantErr: "ttl must be whole seconds"},
		{Target: "polaris://dtm?ttl=61", Endpoint: "127.0.0.1:1", WantErr: "ttl must be whole seconds"},
		{Target: "polaris://dtm?weight=10001", Endpoint: "127.0.0.1:1", WantErr: "weight must be"},
		{Target: "polaris://dtm?ns=default", Endpoint: "127.0.0.1:1", WantErr: "unknown query parameter ns"},
		{Target: "polaris://dtm?token=hunter2", Endpoint: "0.0.0.0:36790", WantErr: "an address others can reach"},
	}
}

// SecretTarget registers a service of its own with a token holding marker;
// the server does not check tokens (client auth is off), so it succeeds.
func (h *harness) SecretTarget(marker string) (target, endpoint string, err error) {
	return "polaris://secretsvc?namespace=default&token=" + marker, "127.0.0.1:9", nil
}

// LongLivedGoroutines: polaris-go v1.6.1's composite circuit breaker starts
// a task executor of 8 workers, 2 goroutines each, in every SDK context, and
// never stops it: its Destroy stops nothing on the first call (an inverted
// compare-and-swap returns early) and does not stop the executor at all. So
// every SDK context, the driver's and the harness' own, leaves 16 goroutines
// for the life of the process.
func (h *harness) LongLivedGoroutines() []string {
	return []string{
		"github.com/polarismesh/polaris-go/plugin/circuitbreaker/composite.(*worker).mainLoop.func1",
		"github.com/polarismesh/polaris-go/plugin/circuitbreaker/composite.(*worker).mainLoop.func2",
	}
}
