package polaris

import (
	"net/url"
	"strings"
	"testing"

	"github.com/dtmkit/drivers/kit/kittest"
)

// polarisSeeds add the driver's own forms to kittest.Seeds.
var polarisSeeds = []string{
	"polaris://busi" + m,
	"polaris://busi" + m + "?namespace=prod",
	"polaris://busi?namespace=prod" + m,
	"polaris://busi" + m + "?options=" + withMetadata,
	"polaris://busi/?options=" + upstreamOptions,
	"polaris://dtm?namespace=prod&token=hunter2secret&ttl=5&weight=100",
	"polaris://0.0.0.0:8080/dtm?namespace=Test",
}

// FuzzParseServerMethod checks kittest.CheckParse on the uncached parser,
// and that what it accepts, the resolver's target parser accepts too.
func FuzzParseServerMethod(f *testing.F) {
	for _, s := range append(append([]string(nil), kittest.Seeds...), polarisSeeds...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		server, method, err := parseServerMethod(in)
		kittest.CheckParse(t, in, server, method, err)
		if err != nil || !strings.Contains(server, "://") {
			return
		}
		// dtm dials server: grpc must parse it and the resolver take it
		u, err := url.Parse(server)
		if err != nil {
			t.Fatalf("ParseServerMethod(%q) gave server %q, which grpc cannot parse: %v", in, server, err)
		}
		if _, err := targetFromURL(u); err != nil {
			t.Fatalf("ParseServerMethod(%q) gave server %q, which the resolver rejects: %v", in, server, err)
		}
	})
}

// FuzzParseRegistration checks RegisterGrpcService's target parsing (no
// network): no panic, no secret in an error.
func FuzzParseRegistration(f *testing.F) {
	for _, s := range append(append([]string(nil), kittest.Seeds...), polarisSeeds...) {
		f.Add(s, "127.0.0.1:36790")
	}
	f.Fuzz(func(t *testing.T, target, endpoint string) {
		_, err := parseRegistration(target, endpoint)
		kittest.CheckNoSecret(t, target, err)
	})
}
