// Package kittest holds the invariants every driver's fuzz and table tests
// check, so that each driver states them once, the same way.
package kittest

import (
	"strings"
	"testing"

	"github.com/dtmkit/drivers/kit"
)

// Seeds are branch URLs and targets of every form the drivers read, valid
// and not, some holding the secret "hunter2secret", for fuzz corpora.
var Seeds = []string{
	"",
	"/",
	"127.0.0.1:8080/busi.Busi/TransIn",
	"etcd://127.0.0.1:2379/trans/pkg.Svc/M",
	"etcd://h1:2379,h2:2379/a/b/key/pkg.Svc/M",
	"etcd:///h1:2379,h2:2379?key=trans.rpc/pkg.Svc/M",
	"etcd://root:hunter2secret@h:2379/k/pkg.Svc/M?pass=hunter2secret",
	"etcd://h:2379/k?user=root&password=hunter2secret",
	"discov://h:2379/k/pkg.Svc/M?caFile=/etc/ca.pem",
	"direct:///a:1,b:2/pkg.Svc/M",
	"k8s://ns/svc:8080/pkg.Svc/M",
	"discovery://h:2379/svc/pkg.Svc/M",
	"discovery:///svc/pkg.Svc/M",
	"polaris://svc/pkg.Svc/M?namespace=ns&token=hunter2secret",
	"polaris://svc?namespace=ns&ttl=5&weight=100",
	"protocol1://a:1,b:2/pkg.Svc/M",
	"unknown://x/y/z",
	"://",
	"a:b@c/d/e?token=hunter2secret",
}

// CheckParse fails t unless a ParseServerMethod result keeps the promises
// dtm relies on: a nil error comes with a non-empty server and a method
// "/a/b"; an error shows no secret that kit.Redact would hide.
func CheckParse(t testing.TB, in, server, method string, err error) {
	t.Helper()
	if err != nil {
		CheckNoSecret(t, in, err)
		return
	}
	if server == "" {
		t.Fatalf("ParseServerMethod(%q): nil error and an empty server", in)
	}
	i := strings.IndexByte(method[min(1, len(method)):], '/') + 1
	if len(method) < 4 || method[0] != '/' || i < 2 || i == len(method)-1 || strings.Count(method, "/") != 2 {
		t.Fatalf("ParseServerMethod(%q): nil error and method %q, not /pkg.Service/Method", in, method)
	}
}

// CheckNoSecret fails t if err shows a secret of in: a password or token
// that kit.Redact hides, and that shows nowhere else in in.
func CheckNoSecret(t testing.TB, in string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	msg, red := err.Error(), kit.Redact(in)
	for _, s := range Secrets(in) {
		// text that also stands in a non-secret part of in may show
		if strings.Contains(msg, s) && !strings.Contains(red, s) {
			t.Fatalf("error %q shows the secret %q of %q", msg, s, in)
		}
	}
}

// Secrets returns the values kit.Redact hides in s, of at least 6 bytes
// (shorter ones occur elsewhere in a URL by chance).
func Secrets(s string) []string {
	red := kit.Redact(s)
	if red == s {
		return nil
	}
	// Walk both strings: each Redacted in red stands for a run of s.
	var out []string
	i, j := 0, 0
	for i < len(s) && j < len(red) {
		if strings.HasPrefix(red[j:], kit.Redacted) && (i >= len(s) || !strings.HasPrefix(s[i:], kit.Redacted)) {
			end := nextCommon(s[i:], red[j+len(kit.Redacted):])
			if end >= 6 {
				out = append(out, s[i:i+end])
			}
			i += end
			j += len(kit.Redacted)
			continue
		}
		i++
		j++
	}
	return out
}

// nextCommon returns how much of s precedes the text rest starts with.
func nextCommon(s, rest string) int {
	if rest == "" {
		return len(s)
	}
	for k := 0; k <= len(s); k++ {
		if strings.HasPrefix(s[k:], rest) {
			return k
		}
	}
	return len(s)
}
