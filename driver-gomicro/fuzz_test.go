package gomicrodriver

import (
	"testing"

	"github.com/dtmkit/drivers/kit"
	"github.com/dtmkit/drivers/kit/kittest"
)

// FuzzParseServerMethod checks the invariants of kittest.CheckParse on the
// uncached parser. Seeds are in testdata/fuzz.
func FuzzParseServerMethod(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		server, method, err := parseServerMethod(in)
		kittest.CheckParse(t, in, server, method, err)
	})
}

// FuzzParseTarget checks RegisterGrpcService's target parsing (no network):
// no panic, no secret in an error.
func FuzzParseTarget(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		_, err := parseTarget(in, in)
		kittest.CheckNoSecret(t, in, err)
	})
}

// FuzzGrpcNodeAddrs checks that any registry value decodes without a panic
// into host:port addresses only.
func FuzzGrpcNodeAddrs(f *testing.F) {
	f.Fuzz(func(t *testing.T, value []byte) {
		for _, a := range grpcNodeAddrs(value) {
			if err := kit.ValidateHostPort(a); err != nil {
				t.Fatalf("address %q from %q: %v", a, value, err)
			}
		}
	})
}
