package use_test

import (
	"fmt"
	"testing"

	_ "github.com/zeromicro/go-zero/zrpc" // what a go-zero app imports
	"google.golang.org/grpc/resolver"

	_ "github.com/dtmkit/drivers/driver-gozero/use"
)

// TestZrpcKeepsTheDriversResolvers checks the init order in a go-zero app:
// zrpc registers go-zero's own resolvers in its init, and had it run after
// the use package, it would replace the driver's (round_robin, credentials
// from the URL's query) for the branch calls the app makes itself (TCC tries).
func TestZrpcKeepsTheDriversResolvers(t *testing.T) {
	for _, scheme := range []string{"etcd", "discov", "direct"} {
		if typ := fmt.Sprintf("%T", resolver.Get(scheme)); typ != "*kit.policyBuilder" {
			t.Errorf("%s:// resolves through %s, not the driver's round_robin wrapper", scheme, typ)
		}
	}
}
