// Package gozeronacos_test runs the conformance suite against driver-gozero
// with its nacos plug-in: business instances are gRPC servers registered in
// nacos as zero-contrib's nacos registry registers zrpc servers (an
// ephemeral instance through nacos-sdk-go v2), dtm registers in the same
// nacos through the driver, and branch URLs are nacos:// URLs. The nacos
// server is the polaris server's nacos API (conformance/infra/polarisserver
// with Options.Nacos): the Java nacos server cannot be fetched with Go.
package gozeronacos_test

import (
	"testing"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra"
	_ "github.com/dtmkit/drivers/driver-gozero/nacos"
)

// TestMain gives the tests a TMPDIR of their own and fails the run if they
// left anything there.
func TestMain(m *testing.M) { infra.Main(m) }

func TestConformance(t *testing.T) {
	conformance.RunWith(t, newHarness, func(t *testing.T, env *conformance.Env) {
		h := env.Harness.(*harness)
		t.Run("DialTwiceCloseFive", func(t *testing.T) { env.DialTwiceCloseFive(t, h.ServiceURL(env.Service)) })
		t.Run("UpstreamForms", func(t *testing.T) { testUpstreamForms(t, h, env) })
		t.Run("NoFilesInWorkingDir", func(t *testing.T) { testNoFilesInWorkingDir(t) })
	})
}

// BenchmarkConformance runs the suite's benchmarks; run it alone, with
// -run '^$', since dtm runs once per process.
func BenchmarkConformance(b *testing.B) {
	conformance.RunBenchmarks(b, newHarness)
}
