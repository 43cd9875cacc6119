package protocol1

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

// FuzzParseTarget checks RegisterGrpcService's target parsing: no panic, no
// secret in an error, and a nil error only with addresses.
func FuzzParseTarget(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		hosts, err := parseTarget(in)
		kittest.CheckNoSecret(t, in, err)
		if err == nil && hosts == "" {
			t.Fatalf("parseTarget(%q): no addresses and no error", in)
		}
	})
}
