// Package kratos_test runs the conformance suite against driver-kratos, with
// real kratos gRPC servers (transport/grpc) as the business instances, run by
// kratos.App and registered through kratos' etcd registry on an embedded
// etcd, as a kratos deployment registers them.
package kratos_test

import (
	"os"
	"testing"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra"
)

func TestMain(m *testing.M) {
	if os.Getenv(clientOnlyEnv) != "" {
		// a child started by testClientOnlyProcess: a dtm client, nothing else
		os.Exit(runClientOnly())
	}
	// a TMPDIR of its own, dtm's data removed at the end, nothing else left
	infra.Main(m)
}

// TestConformance runs the suite, then the kratos driver's own subtests on
// the same dtm, etcd and business instances.
func TestConformance(t *testing.T) {
	conformance.RunWith(t, newHarness, func(t *testing.T, env *conformance.Env) {
		h := env.Harness.(*harness)
		t.Run("ClientOnlyProcess", func(t *testing.T) { testClientOnlyProcess(t, h, env) })
		t.Run("HomeRegistry", func(t *testing.T) { testHomeRegistry(t, h, env) })
		t.Run("Direct", func(t *testing.T) { testDirect(t, h, env) })
		t.Run("TwoDtmRegistrations", func(t *testing.T) { testTwoDtmRegistrations(t, h, env) })
		t.Run("EtcdAuthTLS", func(t *testing.T) { testEtcdAuthTLS(t, h, env) })
		t.Run("WrongCredential", func(t *testing.T) { testWrongCredential(t, h, env) })
		t.Run("CloseRemovesInstance", func(t *testing.T) { testCloseRemovesInstance(t, h, env) })
	})
}

// BenchmarkConformance runs the suite's benchmarks; run it alone, with
// -run '^$', since dtm runs once per process.
func BenchmarkConformance(b *testing.B) {
	conformance.RunBenchmarks(b, newHarness)
}
