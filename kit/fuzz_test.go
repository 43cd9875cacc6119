package kit_test

import (
	"testing"

	"github.com/dtmkit/drivers/kit"
	"github.com/dtmkit/drivers/kit/kittest"
)

// FuzzParseEtcdTarget: no panic, and errors show no secret of the input.
// Seeds are in testdata/fuzz/FuzzParseEtcdTarget.
func FuzzParseEtcdTarget(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		tgt, err := kit.ParseEtcdTarget(in)
		kittest.CheckNoSecret(t, in, err)
		if err == nil && (len(tgt.Hosts) == 0 || tgt.Key == "") {
			t.Fatalf("ParseEtcdTarget(%q) = %+v: no hosts or key, and no error", in, tgt)
		}
	})
}
