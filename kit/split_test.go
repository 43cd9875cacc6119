package kit

import (
	"strings"
	"testing"
)

func TestSplitBranchURL(t *testing.T) {
	cases := []struct {
		in                                  string
		server, method, scheme, auth, endpt string
		query                               string
	}{
		{"127.0.0.1:8080/busi.Busi/TransIn", "127.0.0.1:8080", "/busi.Busi/TransIn", "", "127.0.0.1:8080", "", ""},
		{"etcd://h:2379/trans/pkg.Svc/M", "etcd://h:2379/trans", "/pkg.Svc/M", "etcd", "h:2379", "trans", ""},
		{"etcd://h1:2379,h2:2379/a/b/key/pkg.Svc/M", "etcd://h1:2379,h2:2379/a/b/key", "/pkg.Svc/M", "etcd", "h1:2379,h2:2379", "a/b/key", ""},
		{"etcd://h:2379/trans/pkg.Svc/M?user=u", "etcd://h:2379/trans?user=u", "/pkg.Svc/M", "etcd", "h:2379", "trans", "user=u"},
		{"etcd:///h1:2379,h2:2379?key=trans.rpc/pkg.Svc/M", "etcd:///h1:2379,h2:2379?key=trans.rpc", "/pkg.Svc/M", "etcd", "", "h1:2379,h2:2379", "key=trans.rpc"},
		{"etcd:///h:2379?key=a/b/pkg.Svc/M", "etcd:///h:2379?key=a/b", "/pkg.Svc/M", "etcd", "", "h:2379", "key=a/b"},
		{"direct:///a:1,b:2/pkg.Svc/M", "direct:///a:1,b:2", "/pkg.Svc/M", "direct", "", "a:1,b:2", ""},
		{"k8s://ns/svc:8080/pkg.Svc/M", "k8s://ns/svc:8080", "/pkg.Svc/M", "k8s", "ns", "svc:8080", ""},
		{"polaris://trans/pkg.Svc/M?namespace=ns", "polaris://trans?namespace=ns", "/pkg.Svc/M", "polaris", "trans", "", "namespace=ns"},
		{"discovery:///trans/pkg.Svc/M", "discovery:///trans", "/pkg.Svc/M", "discovery", "", "trans", ""},
		{"etcd://h:2379/k/pkg.Svc/M?caFile=/etc/ca.pem", "etcd://h:2379/k?caFile=/etc/ca.pem", "/pkg.Svc/M", "etcd", "h:2379", "k", "caFile=/etc/ca.pem"},
		{"etcd://h:2379/k?caFile=/ca.pem/pkg.Svc/M", "etcd://h:2379/k?caFile=/ca.pem", "/pkg.Svc/M", "etcd", "h:2379", "k", "caFile=/ca.pem"},
	}
	for _, c := range cases {
		u, err := SplitBranchURL(c.in)
		if err != nil {
			t.Errorf("SplitBranchURL(%q): %v", c.in, err)
			continue
		}
		got := BranchURL{Server: c.server, Method: c.method, Scheme: c.scheme, Authority: c.auth, Endpoint: c.endpt, Query: c.query}
		if u != got {
			t.Errorf("SplitBranchURL(%q)\n got %+v\nwant %+v", c.in, u, got)
		}
	}
}

func TestSplitBranchURLRejects(t *testing.T) {
	cases := map[string]string{
		"":                                 "empty URL",
		"etcd://h:2379":                    "no method",
		"etcd://h:2379/":                   "no method",
		"etcd://h:2379/key/pkg.Svc/":       "empty service or method",
		"etcd://h:2379/key//M":             "empty service or method",
		"etcd://h:2379/a//b/pkg.Svc/M":     "empty path segment",
		"etcd://h:2379//pkg.Svc/M":         "empty path segment",
		"://h/pkg.Svc/M":                   "empty scheme",
		"1tcp://h/pkg.Svc/M":               "invalid scheme",
		"no-slash":                         "no method",
		"/pkg.Svc/M":                       "no server",
		"h:1/pkg.Svc":                      "method must be",
		"h:1/a/b/c":                        "method must be",
		"etcd://u:hunter2@h/k":             "no method",
		"etcd://h/k/pkg.Svc/M?password=s3": "",
	}
	for in, want := range cases {
		_, err := SplitBranchURL(in)
		if want == "" {
			if err != nil {
				t.Errorf("SplitBranchURL(%q): unexpected error %v", in, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("SplitBranchURL(%q): no error, want %q", in, want)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("SplitBranchURL(%q) = %v, want it to say %q", in, err, want)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error leaks the password: %v", err)
		}
		if !strings.Contains(err.Error(), "bad URL") {
			t.Errorf("error does not quote the input: %v", err)
		}
	}
}

func TestSplitBranchURLAllocs(t *testing.T) {
	for _, in := range []string{
		"etcd://127.0.0.1:2379/trans/pkg.Svc/M",
		"etcd:///h1:2379,h2:2379?key=trans.rpc/pkg.Svc/M",
		"127.0.0.1:8080/busi.Busi/TransIn",
	} {
		n := testing.AllocsPerRun(100, func() { _, _ = SplitBranchURL(in) })
		if n != 0 {
			t.Errorf("SplitBranchURL(%q) allocates %v times, want 0", in, n)
		}
	}
}
