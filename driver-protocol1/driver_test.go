package protocol1

import (
	"strings"
	"testing"

	"github.com/dtm-labs/dtmdriver"
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
	for in, want := range ok {
		s, m, err := d.ParseServerMethod(in)
		if err != nil || s != want[0] || m != want[1] {
			t.Errorf("ParseServerMethod(%q) = %q, %q, %v; want %q, %q", in, s, m, err, want[0], want[1])
		}
	}
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
	for in, want := range bad {
		s, m, err := d.ParseServerMethod(in)
		if err == nil {
			t.Errorf("ParseServerMethod(%q) = %q, %q, nil; want an error", in, s, m)
			continue
		}
		if !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("ParseServerMethod(%q) error %q; want it to say %q without the secret", in, err, want)
		}
	}
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

// BenchmarkParseServerMethod measures dtm's steady state (a cached URL), the
// first parse of a URL ("cold"), and dtm's default driver as the baseline,
// all in the same run.
func BenchmarkParseServerMethod(b *testing.B) {
	d := &Driver{}
	b.Run("baseline-dtm-default", func(b *testing.B) {
		def := dtmdriver.GetDriver() // "default" until Use is called
		if def.GetName() != "default" {
			b.Skip("dtmdriver.Use ran in this process: run benchmarks with -run '^$'")
		}
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_, _, _ = def.ParseServerMethod("127.0.0.1:8080/busi.Busi/TransIn")
		}
	})
	b.Run("protocol1-cold", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_, _, _ = parseServerMethod("protocol1://127.0.0.1:8080,127.0.0.1:8081/busi.Busi/TransIn")
		}
	})
	for _, f := range []struct{ name, url string }{
		{"protocol1", "protocol1://127.0.0.1:8080,127.0.0.1:8081/busi.Busi/TransIn"},
		{"noScheme", "127.0.0.1:8080/busi.Busi/TransIn"},
	} {
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				_, _, _ = d.ParseServerMethod(f.url)
			}
		})
	}
}
