// Package kratosconsul_test runs the conformance suite against
// driver-kratos with its consul plug-in: business instances are kratos apps
// registered in a real consul agent (conformance/infra/consulagent) by
// kratos' consul registry (github.com/go-kratos/kratos/contrib/registry/
// consul/v2), dtm registers in the same agent through the driver, and
// branch URLs are consul:// URLs naming the agent.
package kratosconsul_test

import (
	"testing"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra"
	_ "github.com/dtmkit/drivers/driver-kratos/consul"
)

// TestMain gives the tests a TMPDIR of their own and fails the run if they
// left anything there.
func TestMain(m *testing.M) { infra.Main(m) }

func TestConformance(t *testing.T) {
	conformance.RunWith(t, newHarness, func(t *testing.T, env *conformance.Env) {
		h := env.Harness.(*harness)
		t.Run("HealthCheck", func(t *testing.T) { testHealthCheck(t, h, env) })
		t.Run("DtmAsKratosRegisters", func(t *testing.T) { testDtmAsKratosRegisters(t, h, env) })
	})
}

// BenchmarkConformance runs the suite's benchmarks; run it alone, with
// -run '^$', since dtm runs once per process.
func BenchmarkConformance(b *testing.B) {
	conformance.RunBenchmarks(b, newHarness)
}
