// Package kittest holds the invariants every driver's fuzz and table tests
// check, so that each driver states them once, the same way.
package kittest

import (
	"strings"
	"testing"
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
	// names decoded by url.ParseQuery; secret names glued to other text or
	// at the very start
	"etcd://h:2379/k/pkg.Svc/M?user=u&p%61ss=hunter2secret",
	"discovery://h:2379/k/pkg.Svc/M?user=u&p%61ss=hunter2secret",
	"polaris://s/pkg.Svc/M?t%6Fken=hunter2secret",
	"polaris://dtm?namespace=ns&t%6Fken=hunter2secret",
	"etcd://h:2379/k/pkg.Svc/M?user=u&Svcpass=hunter2secret",
	"pass=hunter2secret/pkg.Svc/M",
	"etcd://u:p&hunter2secret@h:2379/k/pkg.Svc/M",
}

// CheckParse fails t unless a ParseServerMethod result keeps the promises
// dtm relies on: a nil error comes with a non-empty server and a method
// "/a/b"; an error shows no secret of the input (see CheckNoSecret).
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
