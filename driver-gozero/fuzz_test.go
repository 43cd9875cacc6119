package gozero

import (
	"testing"

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

// FuzzParseEtcdTarget checks RegisterGrpcService's target parsing (no
// network): no panic, no secret in an error.
func FuzzParseEtcdTarget(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		_, err := parseEtcdTarget(in)
		kittest.CheckNoSecret(t, in, err)
	})
}
