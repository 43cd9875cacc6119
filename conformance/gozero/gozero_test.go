// Package gozero_test runs the conformance suite against driver-gozero, with
// real go-zero zrpc servers as the business instances, registered in an
// embedded etcd by go-zero's own publisher, as a zrpc deployment registers
// them, and dtm registered in the same etcd through the driver.
package gozero_test

import (
	"testing"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra"
)

// TestMain gives the tests a TMPDIR of their own, removes dtm's data when
// they end and fails the run if they left anything else there.
func TestMain(m *testing.M) { infra.Main(m) }

// TestConformance runs the suite, then the go-zero driver's own subtests on
// the same dtm, etcd and bank. CloseRemovesDtmKey comes last: dtm cannot be
// found through etcd after it.
func TestConformance(t *testing.T) {
	conformance.RunWith(t, newHarness, func(t *testing.T, env *conformance.Env) {
		h := env.Harness.(*harness)
		t.Run("BuildTarget", func(t *testing.T) { testBuildTarget(t, h, env) })
		t.Run("RegistrationLayout", func(t *testing.T) { testRegistrationLayout(t, h, env) })
		t.Run("GoZeroClientFindsDtm", func(t *testing.T) { testGoZeroClientFindsDtm(t, h, env) })
		t.Run("NestedKey", func(t *testing.T) { testNestedKey(t, h, env) })
		t.Run("Direct", func(t *testing.T) { testDirect(t, h, env) })
		t.Run("WrongPassword", func(t *testing.T) { testWrongPassword(t, h, env) })
		t.Run("EtcdAuthTLS", func(t *testing.T) { testEtcdAuthTLS(t, h, env) })
		t.Run("CloseRemovesDtmKey", func(t *testing.T) { testCloseRemovesDtmKey(t, h, env) })
	})
}

// BenchmarkConformance runs the suite's benchmarks; run it alone, with
// -run '^$', since dtm runs once per process.
func BenchmarkConformance(b *testing.B) {
	conformance.RunBenchmarks(b, newHarness)
}
