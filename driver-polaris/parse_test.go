package polaris

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/dtm-labs/dtmdriver"
	"google.golang.org/grpc/resolver"

	"github.com/dtmkit/drivers/kit/kittest"
)

const m = "/busi.Busi/TransIn"

// upstreamOptions is what upstream's ParseServerMethod encodes for
// namespace Test; withMetadata adds dst_metadata {"env":"blue"}.
const (
	upstreamOptions = "eyJOYW1lc3BhY2UiOiJUZXN0In0="
	withMetadata    = "eyJOYW1lc3BhY2UiOiJUZXN0IiwiZHN0X21ldGFkYXRhIjp7ImVudiI6ImJsdWUifX0="
)

func TestRegisteredUnderUpstreamName(t *testing.T) {
	if err := dtmdriver.Use(Name); err != nil {
		t.Fatal(err)
	}
	if got := dtmdriver.GetDriver().GetName(); got != "dtm-driver-polaris" {
		t.Fatalf("driver name %q", got)
	}
}

func TestParseServerMethod(t *testing.T) {
	d := &Driver{}
	ok := map[string][2]string{
		"polaris://busi" + m:                              {"polaris://busi", m},
		"polaris://busi" + m + "?namespace=prod":          {"polaris://busi?namespace=prod", m},
		"polaris://busi?namespace=prod" + m:               {"polaris://busi?namespace=prod", m},
		"polaris://busi" + m + "?options=" + withMetadata: {"polaris://busi?options=" + withMetadata, m},
		"polaris://a.b_c-d" + m:                           {"polaris://a.b_c-d", m},
		"POLARIS://busi" + m:                              {"POLARIS://busi", m},
		"127.0.0.1:8080" + m:                              {"127.0.0.1:8080", m},
	}
	kittest.ExpectSplits(t, d.ParseServerMethod, ok)
	bad := map[string]string{
		"":                                                "empty URL",
		"polaris://busi":                                  "no method",
		"polaris://" + m:                                  "no service name",
		"polaris://busi/extra" + m:                        "holds no '/'",
		"polaris://bu:si" + m:                             "letters, digits",
		"polaris://busi" + m + "?namespace=":              "namespace",
		"polaris://busi" + m + "?namespace=a/b":           "namespace must be a name",
		"polaris://busi" + m + "?ns=prod":                 "unknown query parameter ns",
		"polaris://busi" + m + "?token=hunter2":           "unknown query parameter token",
		"polaris://busi" + m + "?options=%%%":             "malformed query",
		"polaris://busi" + m + "?options=!!":              "not base64",
		"polaris://busi" + m + "?options=WzFd":            "not a JSON object",
		"polaris://busi" + m + "?namespace=a&namespace=b": "more than once",
		"polaris://busi" + m + "?namespace=prod&options=" + upstreamOptions: "different namespaces",
		"etcd://h:2379/key" + m:        "want polaris://",
		"polaris://u:hunter2@busi" + m: "letters, digits",
	}
	kittest.ExpectRejects(t, d.ParseServerMethod, bad)
}

// The common forms allocate nothing, the query forms once they are cached.
func TestParseServerMethodAllocs(t *testing.T) {
	d := &Driver{}
	for _, u := range []string{
		"polaris://busi" + m,
		"polaris://busi" + m + "?namespace=prod",
		"polaris://busi?namespace=prod" + m,
		"127.0.0.1:8080" + m,
	} {
		_, _, _ = d.ParseServerMethod(u)
		if n := testing.AllocsPerRun(100, func() { _, _, _ = d.ParseServerMethod(u) }); n != 0 {
			t.Errorf("ParseServerMethod(%q) allocates %.0f times per call", u, n)
		}
	}
}

func TestParseTarget(t *testing.T) {
	cases := []struct {
		service, query string
		want           serviceTarget
	}{
		{"busi", "", serviceTarget{Service: "busi", Namespace: "default"}},
		{"busi", "namespace=prod", serviceTarget{Service: "busi", Namespace: "prod"}},
		{"busi", "options=" + upstreamOptions, serviceTarget{Service: "busi", Namespace: "Test"}},
		{"busi", "options=" + strings.TrimRight(upstreamOptions, "="), serviceTarget{Service: "busi", Namespace: "Test"}},
		{"busi", "options=" + withMetadata + "&namespace=Test",
			serviceTarget{Service: "busi", Namespace: "Test", Metadata: map[string]string{"env": "blue"}}},
	}
	for _, c := range cases {
		got, err := parseTarget("raw", c.service, c.query)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("parseTarget(%q, %q) = %+v, %v; want %+v", c.service, c.query, got, err, c.want)
		}
	}
}

// The resolver accepts grpc-go-polaris' server strings, and rejects what
// ParseServerMethod would, before touching the SDK.
func TestBuildRejectsBadTargets(t *testing.T) {
	for in, want := range map[string]string{
		"polaris://busi/extra":            "holds no '/'",
		"polaris://u:hunter2@busi":        "no user info",
		"polaris://busi?x=1":              "unknown query parameter x",
		"polaris://busi/?options=!!":      "not base64",
		"polaris:///?namespace=prod":      "no service name",
		"polaris://busi?namespace=bad%20": "namespace",
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatalf("url.Parse(%q): %v", in, err)
		}
		_, err = builder{d: &Driver{}}.Build(resolver.Target{URL: *u}, nil, resolver.BuildOptions{})
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Build(%q) = %v; want an error saying %q without the secret", in, err, want)
		}
	}
}

// TestErrorsNameTheDriver checks that every error leaving the driver says
// which driver it comes from, before any SDK context exists.
func TestErrorsNameTheDriver(t *testing.T) {
	d := &Driver{}
	_, _, parseErr := d.ParseServerMethod("etcd://h:2379/key" + m)
	u, err := url.Parse("polaris://busi?x=1")
	if err != nil {
		t.Fatal(err)
	}
	_, buildErr := builder{d: d}.Build(resolver.Target{URL: *u}, &kittest.ClientConn{}, resolver.BuildOptions{})
	kittest.ExpectDriverErrors(t, Name, map[string]error{
		"ParseServerMethod":             parseErr,
		"RegisterGrpcService(target)":   d.RegisterGrpcService("etcd://h:2379/dtm", "a:1"),
		"RegisterGrpcService(endpoint)": d.RegisterGrpcService("polaris://dtm", "a"),
		"Build":                         buildErr,
		"Configure":                     Configure(Options{Addresses: []string{"nohost"}}),
	})
	if d.current() != nil {
		t.Fatal("a rejected target created the SDK context")
	}
}

// BenchmarkParseServerMethod measures the first parse of each polaris form
// ("cold", parseServerMethod: no cache) and dtm's steady state (a URL
// already seen) against dtm's default split.
func BenchmarkParseServerMethod(b *testing.B) {
	d := &Driver{}
	kittest.BenchmarkForms(b, []kittest.Form{
		{Name: "service-cold", URL: "polaris://busi" + m, Parse: parseServerMethod},
		{Name: "namespace-cold", URL: "polaris://busi" + m + "?namespace=prod", Parse: parseServerMethod},
		{Name: "service", URL: "polaris://busi" + m, Parse: d.ParseServerMethod},
		{Name: "namespace", URL: "polaris://busi" + m + "?namespace=prod", Parse: d.ParseServerMethod},
		{Name: "noScheme", URL: "127.0.0.1:8080" + m, Parse: d.ParseServerMethod},
	})
}
