// Package gozeroconsul_test runs the conformance suite against driver-gozero
// with its consul plug-in: business instances are gRPC servers registered
// in a real consul agent (conformance/infra/consulagent) as zero-contrib's
// consul registry registers zrpc servers (a service with a TTL check kept
// passing), dtm registers in the same agent through the driver, and branch
// URLs are consul:// URLs.
package gozeroconsul_test

import (
	"testing"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra"
	_ "github.com/dtmkit/drivers/driver-gozero/consul"
)

// TestMain gives the tests a TMPDIR of their own and fails the run if they
// left anything there.
func TestMain(m *testing.M) { infra.Main(m) }

func TestConformance(t *testing.T) {
	conformance.RunWith(t, newHarness, func(t *testing.T, env *conformance.Env) {
		h := env.Harness.(*harness)
		t.Run("HealthCheck", func(t *testing.T) { testHealthCheck(t, h, env) })
		t.Run("UpstreamForms", func(t *testing.T) { testUpstreamForms(t, h, env) })
		t.Run("ACLToken", func(t *testing.T) { testACLToken(t, h, env) })
		t.Run("AgentWatch", func(t *testing.T) { testAgentWatch(t, h, env) })
	})
}

// BenchmarkConformance runs the suite's benchmarks; run it alone, with
// -run '^$', since dtm runs once per process.
func BenchmarkConformance(b *testing.B) {
	conformance.RunBenchmarks(b, newHarness)
}
