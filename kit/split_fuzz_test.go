package kit_test

import (
	"strings"
	"testing"

	"github.com/dtmkit/drivers/kit"
	"github.com/dtmkit/drivers/kit/kittest"
)

// FuzzSplitBranchURL checks the invariants every driver relies on: no panic;
// a nil error means a non-empty server and a method "/a/b"; the parts are
// consistent with the input; errors never carry a secret of the input
// (kittest.CheckParse, which finds secrets without kit.Redact).
func FuzzSplitBranchURL(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		u, err := kit.SplitBranchURL(in)
		kittest.CheckParse(t, in, u.Server, u.Method, err)
		if err == nil && !strings.HasSuffix(in, u.Method) && !strings.Contains(in, u.Method+"?") {
			t.Fatalf("SplitBranchURL(%q): method %q is not from the input", in, u.Method)
		}
	})
}

// FuzzRedact checks kit.Redact itself: what it returns shows no secret of
// its input, as kittest finds them.
func FuzzRedact(f *testing.F) {
	for _, s := range kittest.Seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		kittest.CheckNoSecret(t, in, stringError(kit.Redact(in)))
	})
}

type stringError string

func (e stringError) Error() string { return string(e) }
