package kratosdriver

import (
	"strings"
	"testing"

	"github.com/dtm-labs/dtmdriver"
	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit/kittest"
)

func TestRegisteredUnderUpstreamName(t *testing.T) {
	if err := dtmdriver.Use(Name); err != nil {
		t.Fatal(err)
	}
	if got := dtmdriver.GetDriver().GetName(); got != "dtm-driver-kratos" {
		t.Fatalf("driver name %q", got)
	}
}

func TestParseServerMethod(t *testing.T) {
	d := &Driver{}
	ok := map[string][2]string{
		"discovery://127.0.0.1:2379/helloworld/pkg.Svc/M":            {"discovery://127.0.0.1:2379/helloworld", "/pkg.Svc/M"},
		"discovery://h1:2379,h2:2379/helloworld/pkg.Svc/M":           {"discovery://h1:2379,h2:2379/helloworld", "/pkg.Svc/M"},
		"discovery://h:2379/helloworld/pkg.Svc/M?user=root&pass=pw":  {"discovery://h:2379/helloworld?user=root&pass=pw", "/pkg.Svc/M"},
		"discovery://h:2379/svc/pkg.Svc/M?tls=true&caPath=%2Fca.pem": {"discovery://h:2379/svc?tls=true&caPath=%2Fca.pem", "/pkg.Svc/M"},
		"discovery://h:2379/svc?tls=true&caPath=/ca.pem/pkg.Svc/M":   {"discovery://h:2379/svc?tls=true&caPath=/ca.pem", "/pkg.Svc/M"},
		"direct:///127.0.0.1:9000,127.0.0.1:9001/busi.Busi/TransIn":  {"direct:///127.0.0.1:9000,127.0.0.1:9001", "/busi.Busi/TransIn"},
		"direct://default/127.0.0.1:9000/busi.Busi/TransIn":          {"direct://default/127.0.0.1:9000", "/busi.Busi/TransIn"},
		"127.0.0.1:8080/busi.Busi/TransIn":                           {"127.0.0.1:8080", "/busi.Busi/TransIn"},
		"discovery://u:pw@h:2379/helloworld/pkg.Svc/M":               {"discovery://u:pw@h:2379/helloworld", "/pkg.Svc/M"},
		"etcd://h1:2379,h2:2379/dtmservice/pkg.Svc/M":                {"etcd://h1:2379,h2:2379/dtmservice", "/pkg.Svc/M"},
		"etcd:///h1:2379,h2:2379?key=trans/pkg.Svc/M":                {"etcd:///h1:2379,h2:2379?key=trans", "/pkg.Svc/M"},
	}
	kittest.ExpectSplits(t, d.ParseServerMethod, ok)
	bad := map[string]string{
		"":                                  "empty URL",
		"discovery://h:2379/pkg.Svc/M":      "no service name",
		"discovery:///helloworld/pkg.Svc/M": "RegisterGrpcService",
		"discovery:///svc/pkg.Svc/M?user=u": "takes no query",
		"discovery://default/helloworld/pkg.Svc/M":   "must be the etcd hosts",
		"discovery://h:2379/svc/pkg.Svc/M?tls=yes":   "not a boolean",
		"discovery://h/svc/pkg.Svc/M?pass=hunter2":   "bad etcd host",
		"discovery://h:1/svc/pkg.Svc/M?pass=hunter2": "needs a user",
		"direct:///a/pkg.Svc/M":                      "bad address",
		"direct://a:1/pkg.Svc/M":                     "addresses in the path",
		"direct:///a:1/pkg.Svc/M?x=1":                "takes no query",
		"etcd:///svc/pkg.Svc/M":                      "write etcd://<etcd hosts>/<service>",
		"etcd://h:2379/svc/pkg.Svc/M?tls=yes":        "not a boolean",
		"consul://h:8500/svc/pkg.Svc/M":              "scheme consul is not served",
		"discovery://u:hunter2@h/svc/pkg.Svc/M":      "bad etcd host",
	}
	kittest.ExpectRejects(t, d.ParseServerMethod, bad)

	// An unknown parameter may be a misspelt password: every value of the
	// query is hidden, more than kit.Redact hides.
	_, _, err := d.ParseServerMethod("discovery://h:2379/svc/pkg.Svc/M?pas=hunter2")
	if err == nil || !strings.Contains(err.Error(), "unknown parameter pas") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("misspelt pass: error %v, want it to name pas without its value", err)
	}
}

func TestParseServerMethodHomeRegistry(t *testing.T) {
	d := &Driver{}
	d.hasHome.Store(true) // as after RegisterGrpcService
	s, m, err := d.ParseServerMethod("discovery:///helloworld/pkg.Svc/M")
	if err != nil || s != "discovery:///helloworld" || m != "/pkg.Svc/M" {
		t.Fatalf("got %q, %q, %v", s, m, err)
	}
}

func TestParseServerMethodAllocs(t *testing.T) {
	d := &Driver{}
	for _, in := range []string{
		"discovery://127.0.0.1:2379,127.0.0.2:2379/helloworld/pkg.Svc/M",
		"direct:///127.0.0.1:9000,127.0.0.1:9001/pkg.Svc/M",
		"127.0.0.1:8080/busi.Busi/TransIn",
	} {
		if n := testing.AllocsPerRun(100, func() { _, _, _ = d.ParseServerMethod(in) }); n != 0 {
			t.Errorf("ParseServerMethod(%q) allocates %v times, want 0", in, n)
		}
	}
}

func TestRegisterGrpcServiceRejects(t *testing.T) {
	d := &Driver{}
	defer d.Close()
	if err := d.RegisterGrpcService("", ""); err != nil {
		t.Fatalf("empty target: %v", err)
	}
	cases := []struct{ target, endpoint, want string }{
		{"polaris://h:1/dtm", "a:1", "want etcd:// or discovery://"},
		{"discovery:///dtm", "a:1", "bad etcd host"},
		{"etcd://h:1", "a:1", "no key"},
		{"etcd://h:1/dtm?password=hunter2", "a:1", "needs a user"},
		{"etcd://h:1/dtm?user=u&pass=hunter2&passwd=hunter2", "a:1", "unknown parameter passwd"},
		{"etcd://h:1/dtm", "", "EndPoint must be"},
		{"etcd://h:1/dtm", "a", "EndPoint must be"},
		{"etcd://h:1/dtm", "tcp://a:1", "unknown scheme tcp"},
		{"etcd://h:1/dtm", "grpcs://a:1", "plain grpc endpoint"},
		{"etcd://h:1/dtm", "grpc://a:1?isSecure=true", "plain grpc endpoint"},
	}
	for _, c := range cases {
		err := d.RegisterGrpcService(c.target, c.endpoint)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("RegisterGrpcService(%q, %q) = %v, want %q without the secret", c.target, c.endpoint, err, c.want)
		}
	}
}

// TestErrorsNameTheDriver checks that every error leaving the driver says
// which driver it comes from.
func TestErrorsNameTheDriver(t *testing.T) {
	d := &Driver{}
	defer d.Close()
	_, _, parseErr := d.ParseServerMethod("consul://h:8500/svc/pkg.Svc/M")
	_, buildErr := (&discoveryBuilder{d: d}).Build(target(t, "discovery:///helloworld"), &kittest.ClientConn{}, resolver.BuildOptions{})
	kittest.ExpectDriverErrors(t, Name, map[string]error{
		"ParseServerMethod":             parseErr,
		"RegisterGrpcService(target)":   d.RegisterGrpcService("polaris://h:1/dtm", "a:1"),
		"RegisterGrpcService(endpoint)": d.RegisterGrpcService("etcd://h:1/dtm", "a"),
		"Build":                         buildErr,
	})
}

func TestInstanceEndpoints(t *testing.T) {
	cases := map[string]struct {
		endpoints []string
		grpcAddr  string
	}{
		"127.0.0.1:36790":                       {[]string{"grpc://127.0.0.1:36790"}, "127.0.0.1:36790"},
		"grpc://127.0.0.1:36790":                {[]string{"grpc://127.0.0.1:36790"}, "127.0.0.1:36790"},
		"http://h:36789,grpc://h:36790":         {[]string{"http://h:36789", "grpc://h:36790"}, "h:36790"},
		"grpc://h:1?isSecure=false,grpcs://h:2": {[]string{"grpc://h:1?isSecure=false", "grpcs://h:2"}, "h:1"},
	}
	for in, want := range cases {
		eps, addr, err := instanceEndpoints(in)
		if err != nil || strings.Join(eps, " ") != strings.Join(want.endpoints, " ") || addr != want.grpcAddr {
			t.Errorf("instanceEndpoints(%q) = %q, %q, %v; want %q, %q", in, eps, addr, err, want.endpoints, want.grpcAddr)
		}
	}
}

func TestInstanceIDsDiffer(t *testing.T) {
	a, b := instanceID("127.0.0.1:36790"), instanceID("127.0.0.1:36790")
	if a == b || !strings.HasPrefix(a, "127.0.0.1:36790-") {
		t.Fatalf("instance IDs %q and %q", a, b)
	}
}

// BenchmarkParseServerMethod measures dtm's steady state (a URL already
// seen) and the first parse ("cold") against dtm's default split.
func BenchmarkParseServerMethod(b *testing.B) {
	d := &Driver{}
	kittest.BenchmarkForms(b, []kittest.Form{
		{Name: "discovery-cold", URL: "discovery://127.0.0.1:2379/helloworld/pkg.Svc/Method", Parse: d.parseServerMethod},
		{Name: "discovery", URL: "discovery://127.0.0.1:2379/helloworld/pkg.Svc/Method", Parse: d.ParseServerMethod},
		{Name: "direct", URL: "direct:///127.0.0.1:9000,127.0.0.1:9001/pkg.Svc/Method", Parse: d.ParseServerMethod},
		{Name: "noScheme", URL: "127.0.0.1:8080/busi.Busi/TransIn", Parse: d.ParseServerMethod},
	})
}
