// Package gomicro_test runs the conformance suite against driver-gomicro,
// with real go-micro v5 services as the business instances: go-micro's gRPC
// server (go-micro.dev/v5/server/grpc) with go-micro handlers, registered
// through go-micro's etcd registry (go-micro.dev/v5/registry/etcd) on an
// embedded etcd, as a go-micro deployment registers them, with the one
// option the driver's README asks of a service.
package gomicro_test

import (
	"os"
	"testing"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra"
)

func TestMain(m *testing.M) {
	if hosts := os.Getenv(childEtcdEnv); hosts != "" {
		// a child started by testBesideGoMicroCodec, with go-micro's codec
		os.Exit(runChild(hosts))
	}
	restoreProtoCodec() // go-micro v5.30.0 breaks etcd clients: see restoreProtoCodec
	// a TMPDIR of its own, dtm's data removed at the end, nothing else left
	infra.Main(m)
}

// TestConformance runs the suite, then the go-micro driver's own subtests
// on the same dtm, etcd and business instances.
func TestConformance(t *testing.T) {
	conformance.RunWith(t, newHarness, func(t *testing.T, env *conformance.Env) {
		h := env.Harness.(*harness)
		t.Run("WithoutServerOption", func(t *testing.T) { testWithoutServerOption(t, h, env) })
		t.Run("GrpcNodesOnly", func(t *testing.T) { testGrpcNodesOnly(t, h, env) })
		t.Run("GoMicroFindsDtm", func(t *testing.T) { testGoMicroFindsDtm(t, h, env) })
		t.Run("BesideGoMicroCodec", func(t *testing.T) { testBesideGoMicroCodec(t, h, env) })
		t.Run("LeaseLost", func(t *testing.T) { testLeaseLost(t, h, env) })
		t.Run("CloseDeregisters", func(t *testing.T) { testCloseDeregisters(t, h, env) })
	})
}

// BenchmarkConformance runs the suite's benchmarks; run it alone, with
// -run '^$', since dtm runs once per process.
func BenchmarkConformance(b *testing.B) {
	conformance.RunBenchmarks(b, newHarness)
}
