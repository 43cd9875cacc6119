package gomicrodriver

import (
	"strings"
	"testing"

	"github.com/dtm-labs/dtmdriver"
	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit/kittest"
)

func TestRegisteredUnderName(t *testing.T) {
	if err := dtmdriver.Use(Name); err != nil {
		t.Fatal(err)
	}
	if got := dtmdriver.GetDriver().GetName(); got != "dtm-driver-gomicro" {
		t.Fatalf("driver name %q", got)
	}
	if resolver.Get(Scheme) == nil {
		t.Fatal("no gomicro resolver after dtmdriver.Use")
	}
}

func TestParseServerMethod(t *testing.T) {
	d := &Driver{}
	ok := map[string][2]string{
		"gomicro://127.0.0.1:2379/helloworld/helloworld.Helloworld/Call": {"gomicro://127.0.0.1:2379/helloworld", "/helloworld.Helloworld/Call"},
		"gomicro://h1:2379,h2:2379/go.micro.srv.bank/bank.Bank/TransIn":  {"gomicro://h1:2379,h2:2379/go.micro.srv.bank", "/bank.Bank/TransIn"},
		"gomicro://h:2379/bank/pkg.Svc/M?user=root&pass=pw":              {"gomicro://h:2379/bank?user=root&pass=pw", "/pkg.Svc/M"},
		"gomicro://u:pw@h:2379/bank/pkg.Svc/M":                           {"gomicro://u:pw@h:2379/bank", "/pkg.Svc/M"},
		"gomicro://h:2379/bank?tls=true&caFile=/ca.pem/pkg.Svc/M":        {"gomicro://h:2379/bank?tls=true&caFile=/ca.pem", "/pkg.Svc/M"},
		"gomicro:///h1:2379,h2:2379?key=bank/pkg.Svc/M":                  {"gomicro:///h1:2379,h2:2379?key=bank", "/pkg.Svc/M"},
		"gomicro://h:2379/team/bank/pkg.Svc/M":                           {"gomicro://h:2379/team/bank", "/pkg.Svc/M"},
		"127.0.0.1:8080/busi.Busi/TransIn":                               {"127.0.0.1:8080", "/busi.Busi/TransIn"},
	}
	kittest.ExpectSplits(t, d.ParseServerMethod, ok)
	bad := map[string]string{
		"":                                          "empty URL",
		"gomicro://h:2379/pkg.Svc/M":                "no service",
		"gomicro:///bank/pkg.Svc/M":                 "no etcd hosts",
		"gomicro://default/bank/pkg.Svc/M":          "must be the etcd hosts",
		"gomicro://h:2379/bank/pkg.Svc/M?tls=1x":    "not a boolean",
		"gomicro://h:1/bank/pkg.Svc/M?pass=hunter2": "needs a user",
		"gomicro://u:hunter2@h/bank/pkg.Svc/M":      "bad etcd host",
		"etcd://h:2379/bank/pkg.Svc/M":              "scheme etcd is not served",
		"mdns://bank/pkg.Svc/M":                     "scheme mdns is not served",
		"gomicro://h:2379/bank":                     "method",
	}
	kittest.ExpectRejects(t, d.ParseServerMethod, bad)

	// An unknown parameter may be a misspelt password: every value of the
	// query is hidden, more than kit.Redact hides.
	_, _, err := d.ParseServerMethod("gomicro://h:2379/svc/pkg.Svc/M?pas=hunter2")
	if err == nil || !strings.Contains(err.Error(), "unknown parameter pas") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("misspelt pass: error %v, want it to name pas without its value", err)
	}
}

func TestParseServerMethodAllocs(t *testing.T) {
	d := &Driver{}
	for _, in := range []string{
		"gomicro://127.0.0.1:2379,127.0.0.2:2379/helloworld/pkg.Svc/M",
		"127.0.0.1:8080/busi.Busi/TransIn",
	} {
		if _, _, err := parseServerMethod(in); err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(100, func() { _, _, _ = parseServerMethod(in) }); n != 0 {
			t.Errorf("uncached parse of %q allocates %v times, want 0", in, n)
		}
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
		{"etcd://h:1/dtm", "a:1", "want gomicro://<etcd hosts>/<service>"},
		{"gomicro:///dtm", "a:1", "no etcd hosts"},
		{"gomicro://h:1", "a:1", "no key"},
		{"gomicro://h:1/dtm?password=hunter2", "a:1", "needs a user"},
		{"gomicro://h:1/dtm?user=u&pass=hunter2&passwd=hunter2", "a:1", "unknown parameter passwd"},
		{"gomicro://h:1/dtm", "", "EndPoint must be host:port"},
		{"gomicro://h:1/dtm", "a", "EndPoint must be host:port"},
		{"gomicro://h:1/dtm", "grpc://a:1", "EndPoint must be host:port"},
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
	_, buildErr := (&builder{d: d}).Build(target(t, "gomicro:///helloworld"), &kittest.ClientConn{}, resolver.BuildOptions{})
	kittest.ExpectDriverErrors(t, Name, map[string]error{
		"ParseServerMethod":             parseErr,
		"RegisterGrpcService(target)":   d.RegisterGrpcService("polaris://h:1/dtm", "a:1"),
		"RegisterGrpcService(endpoint)": d.RegisterGrpcService("gomicro://h:1/dtm", "a"),
		"Build":                         buildErr,
	})
}

func TestNodeIDsDiffer(t *testing.T) {
	a, b := nodeID("dtmservice"), nodeID("dtmservice")
	if a == b || !strings.HasPrefix(a, "dtmservice-") || len(a) != len("dtmservice-")+36 {
		t.Fatalf("node IDs %q and %q", a, b)
	}
}

// BenchmarkParseServerMethod measures dtm's steady state (a URL already
// seen) and the first parse ("cold") against dtm's default split.
func BenchmarkParseServerMethod(b *testing.B) {
	d := &Driver{}
	kittest.BenchmarkForms(b, []kittest.Form{
		{Name: "gomicro-cold", URL: "gomicro://127.0.0.1:2379/helloworld/pkg.Svc/Method", Parse: parseServerMethod},
		{Name: "gomicro", URL: "gomicro://127.0.0.1:2379/helloworld/pkg.Svc/Method", Parse: d.ParseServerMethod},
		{Name: "noScheme", URL: "127.0.0.1:8080/busi.Busi/TransIn", Parse: d.ParseServerMethod},
	})
}
