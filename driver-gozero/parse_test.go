package gozero

import (
	"net/url"
	"testing"

	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit/kittest"
)

func TestParseServerMethod(t *testing.T) {
	d := &Driver{}
	ok := []struct{ in, server, method string }{
		// legacy form, as dtm's docs write it
		{"etcd://127.0.0.1:2379/trans.rpc/trans.Trans/TransIn", "etcd://127.0.0.1:2379/trans.rpc", "/trans.Trans/TransIn"},
		{"etcd://h1:2379,h2:2379/trans.rpc/pkg.Svc/M", "etcd://h1:2379,h2:2379/trans.rpc", "/pkg.Svc/M"},
		{"discov://h:2379/trans.rpc/pkg.Svc/M", "discov://h:2379/trans.rpc", "/pkg.Svc/M"},
		// nested keys: split at the method, not at the first "/"
		{"etcd://h:2379/a/b/trans.rpc/pkg.Svc/M", "etcd://h:2379/a/b/trans.rpc", "/pkg.Svc/M"},
		// go-zero's BuildTarget() + "/pkg.Svc/M"
		{"etcd:///h1:2379,h2:2379?key=trans.rpc/pkg.Svc/M", "etcd:///h1:2379,h2:2379?key=trans.rpc", "/pkg.Svc/M"},
		{"etcd:///127.0.0.1:2379?key=a/b/pkg.Svc/M", "etcd:///127.0.0.1:2379?key=a/b", "/pkg.Svc/M"},
		{"etcd:///h:2379?key=%2Fgrpc%2Ftrans/pkg.Svc/M", "etcd:///h:2379?key=%2Fgrpc%2Ftrans", "/pkg.Svc/M"},
		// credentials and TLS stay with the server, wherever the method is
		{"etcd://h:2379/trans/pkg.Svc/M?user=root&pass=pw", "etcd://h:2379/trans?user=root&pass=pw", "/pkg.Svc/M"},
		{"etcd:///h:2379?key=trans&user=root&password=pw/pkg.Svc/M", "etcd:///h:2379?key=trans&user=root&password=pw", "/pkg.Svc/M"},
		{"etcd://root:pw@h:2379/trans/pkg.Svc/M", "etcd://root:pw@h:2379/trans", "/pkg.Svc/M"},
		// file paths hold "/": their query goes before the method
		{"etcd:///h:2379?key=k&certFile=/c.pem&certKeyFile=/k.pem&caFile=/ca.pem/pkg.Svc/M", "etcd:///h:2379?key=k&certFile=/c.pem&certKeyFile=/k.pem&caFile=/ca.pem", "/pkg.Svc/M"},
		{"etcd://h:2379/k?caFile=/ca.pem&certFile=/c.pem&certKeyFile=/k.pem/pkg.Svc/M", "etcd://h:2379/k?caFile=/ca.pem&certFile=/c.pem&certKeyFile=/k.pem", "/pkg.Svc/M"},
		{"direct:///a:1,b:2/pkg.Svc/M", "direct:///a:1,b:2", "/pkg.Svc/M"},
		{"127.0.0.1:8080/busi.Busi/TransIn", "127.0.0.1:8080", "/busi.Busi/TransIn"},
	}
	if k8sEnabled {
		ok = append(ok,
			struct{ in, server, method string }{"k8s://ns/svc:8080/pkg.Svc/M", "k8s://ns/svc:8080", "/pkg.Svc/M"},
			struct{ in, server, method string }{"k8s:///svc/pkg.Svc/M", "k8s:///svc", "/pkg.Svc/M"},
		)
	}
	splits := map[string][2]string{}
	for _, c := range ok {
		splits[c.in] = [2]string{c.server, c.method}
	}
	kittest.ExpectSplits(t, d.ParseServerMethod, splits)
}

func TestParseServerMethodRejects(t *testing.T) {
	d := &Driver{}
	bad := map[string]string{
		"":                                      "empty URL",
		"etcd://h:2379":                         "no method",
		"etcd://h:2379/pkg.Svc/M":               "no key",
		"etcd:///h:2379/pkg.Svc/M":              "no key",
		"etcd:///h:2379?key=/pkg.Svc/M":         "no key",
		"etcd:///h:1?key=k&caFile=/etc/ca.pem":  "caFile has no value",
		"etcd:///h:2379/trans/pkg.Svc/M":        "belongs in the query",
		"etcd://h/trans/pkg.Svc/M":              "bad etcd host",
		"etcd:///h1:2379,h2?key=k/pkg.Svc/M":    "bad etcd host",
		"etcd://h:1/k/pkg.Svc/M?key=x":          "key given twice",
		"etcd://h:1/k/pkg.Svc/M?user=root":      "user needs pass",
		"etcd://h:1/k/pkg.Svc/M?tls=true":       "certFile, certKeyFile and caFile",
		"etcd://h:1/k/pkg.Svc/M?passwd=hunter2": "unknown query parameter passwd",
		"etcd://root:hunter2@h/k/pkg.Svc/M":     "bad etcd host",
		"etcd://h:1/k/pkg.Svc/M?pass=hunter2":   "needs a user",
		"direct://a:1/pkg.Svc/M":                "want direct:///",
		"direct:///a:1,b/pkg.Svc/M":             "bad address",
		"direct:///a:1/x/pkg.Svc/M":             "want direct:///",
		"consul://h:8500/trans/pkg.Svc/M":       "want scheme etcd, discov",
		"dns:///h:1/pkg.Svc/M":                  "want scheme etcd, discov",
		"nacos://h:8848/trans/pkg.Svc/M":        "want scheme etcd, discov",
	}
	if k8sEnabled {
		bad["k8s://ns/svc:http/pkg.Svc/M"] = "bad port"
		bad["k8s://ns/a/svc:1/pkg.Svc/M"] = "want k8s://"
		bad["k8s://ns/pkg.Svc/M"] = "want k8s://"
	} else {
		bad["k8s://ns/svc:8080/pkg.Svc/M"] = "no_k8s"
	}
	kittest.ExpectRejects(t, d.ParseServerMethod, bad)
}

// TestErrorsNameTheDriver checks that every error leaving the driver says
// which driver it comes from.
func TestErrorsNameTheDriver(t *testing.T) {
	d := &Driver{}
	d.RegisterGrpcResolver()
	_, _, parseErr := d.ParseServerMethod("consul://h:8500/k/pkg.Svc/M")
	u, err := url.Parse("etcd://h:1/k?user=root")
	if err != nil {
		t.Fatal(err)
	}
	_, buildErr := resolver.Get(EtcdScheme).Build(resolver.Target{URL: *u}, &kittest.ClientConn{}, resolver.BuildOptions{})
	kittest.ExpectDriverErrors(t, Name, map[string]error{
		"ParseServerMethod":            parseErr,
		"RegisterGrpcService(target)":  d.RegisterGrpcService("consul://h:8500/dtm", "a:1"),
		"RegisterGrpcService(address)": d.RegisterGrpcService("etcd://h:2379/dtm", "a"),
		"Build":                        buildErr,
	})
}

// TestParseServerMethodAllocs checks the first parse of the common forms,
// before the cache, and a cached lookup.
func TestParseServerMethodAllocs(t *testing.T) {
	d := &Driver{}
	for _, in := range []string{
		"etcd://127.0.0.1:2379/trans.rpc/pkg.Svc/M",
		"etcd://127.0.0.1:2379,127.0.0.2:2379/a/b/trans.rpc/pkg.Svc/M",
		"etcd:///127.0.0.1:2379,127.0.0.2:2379?key=trans.rpc/pkg.Svc/M",
		"direct:///127.0.0.1:1,127.0.0.1:2/pkg.Svc/M",
		"127.0.0.1:8080/busi.Busi/TransIn",
	} {
		if n := testing.AllocsPerRun(100, func() { _, _, _ = parseServerMethod(in) }); n != 0 {
			t.Errorf("parseServerMethod(%q) allocates %v times, want 0", in, n)
		}
		if n := testing.AllocsPerRun(100, func() { _, _, _ = d.ParseServerMethod(in) }); n != 0 {
			t.Errorf("cached ParseServerMethod(%q) allocates %v times, want 0", in, n)
		}
	}
}

// BenchmarkParseServerMethod measures the first parse of each form ("cold")
// and dtm's steady state (a cached URL) against dtm's default split.
func BenchmarkParseServerMethod(b *testing.B) {
	d := &Driver{}
	var forms []kittest.Form
	for _, f := range [][2]string{
		{"etcd", "etcd://127.0.0.1:2379/trans.rpc/pkg.Svc/Method"},
		{"buildTarget", "etcd:///127.0.0.1:2379,127.0.0.2:2379?key=trans.rpc/pkg.Svc/Method"},
		{"withCredentials", "etcd://127.0.0.1:2379/trans.rpc/pkg.Svc/Method?user=root&pass=pw"},
		{"noScheme", "127.0.0.1:8080/pkg.Svc/Method"},
	} {
		forms = append(forms,
			kittest.Form{Name: f[0] + "-cold", URL: f[1], Parse: parseServerMethod},
			kittest.Form{Name: f[0], URL: f[1], Parse: d.ParseServerMethod})
	}
	kittest.BenchmarkForms(b, forms)
}
