// Package polaris_test runs the conformance suite against the polaris driver
// and a real polaris server (built from github.com/polarismesh/polaris, see
// infra/polarisserver), then the polaris-specific subtests: namespaces,
// weights, heartbeat loss and deregistration on Close.
//
// The first run builds the server (about a minute on two cores) and caches
// it under the user cache directory; later runs start it in well under a
// second.
package polaris_test

import (
	"testing"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra"
)

// TestMain gives the tests a TMPDIR of their own, removes dtm's data when
// they end and fails the run if they left anything else there.
func TestMain(m *testing.M) { infra.Main(m) }

func TestConformance(t *testing.T) {
	conformance.RunWith(t, newHarness, func(t *testing.T, env *conformance.Env) {
		h := env.Harness.(*harness)
		t.Run("Namespaces", func(t *testing.T) { testNamespaces(t, h, env) })
		t.Run("WeightedSplit", func(t *testing.T) { testWeightedSplit(t, h, env) })
		t.Run("HeartbeatLoss", func(t *testing.T) { testHeartbeatLoss(t, h, env) })
		t.Run("ListingErrors", func(t *testing.T) { testListingErrors(t, h, env) })
		// last: it destroys the driver's SDK context; the suite's Close
		// subtest then checks that a second Close is harmless and that no
		// goroutine of the driver is left
		t.Run("CloseDeregisters", func(t *testing.T) { testCloseDeregisters(t, h, env) })
	})
}

// BenchmarkConformance runs the suite's benchmarks (with -run '^$').
func BenchmarkConformance(b *testing.B) {
	conformance.RunBenchmarks(b, newHarness)
}
