package protocol1

import (
	"net/url"
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
	if got := dtmdriver.GetDriver().GetName(); got != "dtm-driver-protocol1" {
		t.Fatalf("driver name %q", got)
	}
}

func TestParseServerMethod(t *testing.T) {
	d := &Driver{}
	ok := map[string][2]string{
		"protocol1://127.0.0.1:36790/dtmgimp.Dtm/NewGid": {"protocol1://127.0.0.1:36790", "/dtmgimp.Dtm/NewGid"},
		"protocol1://a:1,b:2/busi.Busi/TransIn":          {"protocol1://a:1,b:2", "/busi.Busi/TransIn"},
		"127.0.0.1:8080/busi.Busi/TransIn":               {"127.0.0.1:8080", "/busi.Busi/TransIn"},
		"protocol1://[::1]:8080/busi.Busi/TransIn":       {"protocol1://[::1]:8080", "/busi.Busi/TransIn"},
	}
	kittest.ExpectSplits(t, d.ParseServerMethod, ok)
	bad := map[string]string{
		"":                                        "empty URL",
		"protocol1://a:1":                         "no method",
		"protocol1://a/pkg.Svc/M":                 "is not host:port",
		"protocol1://a:1/extra/pkg.Svc/M":         "want protocol1://",
		"protocol1://a:1,/pkg.Svc/M":              "is not host:port",
		"etcd://h:2379/k/pkg.Svc/M":               "want protocol1://",
		"protocol1://u:hunter2@a:1/pkg.Svc/M":     "is not host:port",
		"protocol1://a:1/pkg.Svc/M?token=hunter2": "want protocol1://",
	}
	kittest.ExpectRejects(t, d.ParseServerMethod, bad)
}

func TestRegisterGrpcService(t *testing.T) {
	d := &Driver{}
	cases := []struct{ target, endpoint, wantErr string }{
		{"", "", ""},
		{"protocol1://127.0.0.1:36790", "127.0.0.1:36790", ""},
		{"protocol1://a:1,b:2", "a:1", ""},
		{"etcd://127.0.0.1:2379/dtm", "a:1", "want protocol1://"},
		{"protocol1://", "a:1", "want protocol1://"},
		{"protocol1://a:1", "a", "EndPoint must be host:port"},
		{"protocol1://a:1", "", "EndPoint must be host:port"},
	}
	for _, c := range cases {
		err := d.RegisterGrpcService(c.target, c.endpoint)
		if c.wantErr == "" && err != nil || c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
			t.Errorf("RegisterGrpcService(%q, %q) = %v, want %q", c.target, c.endpoint, err, c.wantErr)
		}
	}
}

// TestErrorsNameTheDriver checks that every error leaving the driver says
// which driver it comes from.
func TestErrorsNameTheDriver(t *testing.T) {
	d := &Driver{}
	_, _, parseErr := d.ParseServerMethod("etcd://h:2379/k/pkg.Svc/M")
	u, err := url.Parse("protocol1://a")
	if err != nil {
		t.Fatal(err)
	}
	_, buildErr := builder{}.Build(resolver.Target{URL: *u}, &kittest.ClientConn{}, resolver.BuildOptions{})
	kittest.ExpectDriverErrors(t, Name, map[string]error{
		"ParseServerMethod":            parseErr,
		"RegisterGrpcService(target)":  d.RegisterGrpcService("etcd://h:2379/k", "a:1"),
		"RegisterGrpcService(address)": d.RegisterGrpcService("protocol1://a:1", "a"),
		"Build":                        buildErr,
	})
}

// BenchmarkParseServerMethod measures dtm's steady state (a cached URL) and
// the first parse of a URL ("cold") against dtm's default split.
func BenchmarkParseServerMethod(b *testing.B) {
	d := &Driver{}
	kittest.BenchmarkForms(b, []kittest.Form{
		{Name: "protocol1-cold", URL: "protocol1://127.0.0.1:8080,127.0.0.1:8081/busi.Busi/TransIn", Parse: parseServerMethod},
		{Name: "protocol1", URL: "protocol1://127.0.0.1:8080,127.0.0.1:8081/busi.Busi/TransIn", Parse: d.ParseServerMethod},
		{Name: "noScheme", URL: "127.0.0.1:8080/busi.Busi/TransIn", Parse: d.ParseServerMethod},
	})
}
