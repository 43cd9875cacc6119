package kit

import (
	"strings"
	"testing"
)

// FuzzSplitBranchURL checks the invariants every driver relies on: no panic;
// a nil error means a non-empty server and a method "/a/b"; the parts are
// consistent with the input; errors never carry the password they were given.
func FuzzSplitBranchURL(f *testing.F) {
	for _, s := range []string{
		"etcd://127.0.0.1:2379/trans/pkg.Svc/M",
		"etcd:///h1:2379,h2:2379?key=trans.rpc/pkg.Svc/M",
		"etcd://u:secret@h:2379/k/pkg.Svc/M?password=secret",
		"127.0.0.1:8080/busi.Busi/TransIn",
		"polaris://trans/pkg.Svc/M?namespace=dtm&token=secret",
		"direct:///a:1,b:2/pkg.Svc/M", "", "/", "://", "a://b/c/d?e/f",
	} {
		f.Add(s)
	}
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
