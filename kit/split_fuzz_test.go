package kit

import (
	"strings"
	"testing"
)

// FuzzSplitBranchURL checks the invariants every driver relies on: no panic;
// a nil error means a non-empty server and a method "/a/b"; the parts are
// consistent with the input; errors never carry the password they were given.
func FuzzSplitBranchURL(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		u, err := SplitBranchURL(in)
		if err != nil {
			if strings.Contains(in, "secret") && strings.Contains(err.Error(), "secret") &&
				!strings.Contains(Redact(in), "secret") {
				t.Fatalf("error %q leaks a secret of %q", err, in)
			}
			return
		}
		if u.Server == "" || !validMethod(u.Method) {
			t.Fatalf("SplitBranchURL(%q) = %+v: empty server or bad method", in, u)
		}
		if !strings.HasSuffix(in, u.Method) && !strings.Contains(in, u.Method+"?") {
			t.Fatalf("SplitBranchURL(%q): method %q is not from the input", in, u.Method)
		}
	})
}
