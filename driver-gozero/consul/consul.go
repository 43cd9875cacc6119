// Package consul adds the consul:// scheme to dtm-driver-gozero:
// blank-import it beside the driver, and dtm resolves go-zero services
// registered in consul (as zero-contrib's consul registry registers zrpc
// servers) and registers itself there.
//
//	import (
//		_ "github.com/dtmkit/drivers/driver-gozero"
//		_ "github.com/dtmkit/drivers/driver-gozero/consul"
//	)
//
// Targets and branch servers take the forms of zero-contrib's consul
// resolver and of upstream dtmdriver-gozero v0.0.7:
//
//	consul://[user:password@]host:port/service[?params]
//
// with wait, timeout, max-backoff, tag, near, limit, healthy, insecure,
// token, dc, allow-stale and require-consistent, and this collection's tls
// (https to the agent) and ttl (of dtm's check, 20 s by default). A branch
// URL appends the gRPC method, after the service or after the query
// (upstream's "consul://h:8500/svc?wait=14s/pkg.Svc/M"). Only instances
// whose checks all pass are called, in turn (round robin), whatever
// healthy says.
//
// dtm registers as zero-contrib's consul.RegisterService registers a
// zrpc server (with upstream v0.0.7's tags and meta): service ID
// <service>-<host>-<port>, tags "tag" and "rpc", meta Protocol=grpc, and a
// TTL check, passing, removed by consul after three TTLs critical, which a
// goroutine passes every TTL less a second. The driver's Close stops it,
// deregisters and waits until consul no longer lists dtm.
//
// The resolver is this collection's (see
// github.com/dtmkit/drivers/kit/consul), not zero-contrib's, and speaks
// consul's HTTP API without hashicorp's api client.
package consul

import (
	"fmt"
	"time"

	gozero "github.com/dtmkit/drivers/driver-gozero"
	kitconsul "github.com/dtmkit/drivers/kit/consul"
)

// Scheme is the URL scheme this package adds.
const Scheme = "consul"

// DefaultTTL is the TTL of dtm's check unless the target names one:
// zero-contrib's default.
const DefaultTTL = 20 * time.Second

// flavor: go-zero services are registered under the name clients write, at
// the service's address and port.
var flavor = &kitconsul.Flavor{
	Scheme:       Scheme,
	Driver:       gozero.Name,
	Package:      "github.com/dtmkit/drivers/driver-gozero/consul",
	Registration: Registration,
}

// Registration is dtm's registration at host:port as zero-contrib's
// RegisterService makes a zrpc server's, with the tags and meta upstream
// dtmdriver-gozero v0.0.7 gave dtm's; the check is passed every TTL less a
// second.
func Registration(t kitconsul.Target, host string, port int) (*kitconsul.Registration, string, time.Duration) {
	ttl := t.TTL
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	id := fmt.Sprintf("%s-%s-%d", t.Service, host, port)
	secs := int(ttl / time.Second)
	return &kitconsul.Registration{
		ID:      id,
		Name:    t.Service,
		Tags:    []string{"tag", "rpc"},
		Meta:    map[string]string{"Protocol": "grpc"},
		Address: host,
		Port:    port,
		// zero-contrib registers the check with the service, then again
		// with the service's name as its name: the state it leaves
		Checks: []kitconsul.Check{{
			CheckID:                        id,
			Name:                           t.Service,
			TTL:                            fmt.Sprintf("%ds", secs),
			Status:                         "passing",
			DeregisterCriticalServiceAfter: fmt.Sprintf("%ds", 3*secs),
		}},
	}, id, max(ttl-time.Second, time.Second)
}

func init() {
	gozero.AddRegistry(flavor.Registry())
}
