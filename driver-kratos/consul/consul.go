// Package consul adds the consul:// scheme to dtm-driver-kratos:
// blank-import it beside the driver, and dtm resolves kratos services
// registered in consul by kratos' consul registry
// (github.com/go-kratos/kratos/contrib/registry/consul/v2) and registers
// itself there as that registry registers a kratos service.
//
//	import (
//		_ "github.com/dtmkit/drivers/driver-kratos"
//		_ "github.com/dtmkit/drivers/driver-kratos/consul"
//	)
//
// dtm's EndPoint is host:port or kratos' grpc://host:port (a list too: the
// first gRPC endpoint is registered).
//
// Targets and branch servers name the consul agent, as dtm's Target did for
// upstream dtmdriver-kratos v0.0.10:
//
//	consul://[user:password@]host:port/service[?params]
//
// with the parameters of github.com/dtmkit/drivers/kit/consul (token, tag,
// dc, wait, timeout, tls, insecure, ttl, ...). A branch URL appends the gRPC
// method: consul://127.0.0.1:8500/helloworld/helloworld.Greeter/SayHello.
// Upstream resolved discovery:///<service> in the registry dtm registered
// in; here discovery:// stays the etcd registry's, and a branch in consul
// names the agent, so that one dtm can reach services in etcd and in
// consul and each URL says where its service is.
//
// Only instances whose checks all pass are called, in turn (round robin),
// at the address of their "grpc" endpoint (kratos' tagged address).
//
// dtm registers as kratos' consul registry registers a service with its
// defaults: a random ID, tag version=, tagged address grpc://host:port, a
// TCP check every 10 s and a TTL check of 20 s ("service:<ID>", passed every
// 10 s by a goroutine), both removed by consul after 600 s critical; ttl=
// sets the TTL, and the heartbeat and TCP interval to half of it. The
// driver's Close stops the heartbeat, deregisters and waits until consul no
// longer lists dtm.
package consul

import (
	"crypto/rand"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	kratosdriver "github.com/dtmkit/drivers/driver-kratos"
	kitconsul "github.com/dtmkit/drivers/kit/consul"
)

// Scheme is the URL scheme this package adds.
const Scheme = "consul"

// DefaultInterval is kratos' consul registry's default health check
// interval; its TTL check is twice as long.
const DefaultInterval = 10 * time.Second

// deregisterAfter is kratos' default DeregisterCriticalServiceAfter.
const deregisterAfter = "600s"

var flavor = &kitconsul.Flavor{
	Scheme:       Scheme,
	Driver:       kratosdriver.Name,
	Package:      "github.com/dtmkit/drivers/driver-kratos/consul",
	Addr:         GRPCAddr,
	Registration: Registration,
	Endpoint:     GRPCEndpoint,
}

// GRPCEndpoint is the host:port of dtm's EndPoint as kratos writes
// endpoints: "host:port", "grpc://host:port", or a comma-separated list of
// them (upstream v0.0.10 split it), of which the first gRPC one counts.
func GRPCEndpoint(endpoint string) string {
	for _, e := range strings.Split(endpoint, ",") {
		if rest, ok := strings.CutPrefix(e, "grpc://"); ok {
			hostport, _, _ := strings.Cut(rest, "?")
			return hostport
		}
		if !strings.Contains(e, "://") {
			return e
		}
	}
	return endpoint
}

// GRPCAddr is the host:port of an instance's grpc endpoint, as kratos'
// discovery resolver picks it from the endpoints kratos' consul registry
// lists (the tagged addresses), or "" when it has none.
func GRPCAddr(e kitconsul.Entry) string {
	for scheme, ta := range e.Service.TaggedAddresses {
		if scheme != "grpc" {
			continue
		}
		u, err := url.Parse(ta.Address)
		if err != nil || u.Scheme != "grpc" || u.Host == "" || u.Port() == "" {
			return ""
		}
		if q := u.Query().Get("isSecure"); q == "true" {
			return "" // TLS endpoints: dtm dials without TLS
		}
		return u.Host
	}
	return ""
}

// Registration is dtm's registration at host:port as kratos' consul
// registry makes a service's with its defaults (see the package comment);
// the TTL check is passed every interval.
func Registration(t kitconsul.Target, host string, port int) (*kitconsul.Registration, string, time.Duration) {
	interval := DefaultInterval
	if t.TTL > 0 {
		interval = max(t.TTL/2, time.Second)
	}
	secs := int(interval / time.Second)
	id := newID()
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	checkID := "service:" + id
	return &kitconsul.Registration{
		ID:              id,
		Name:            t.Service,
		Tags:            []string{"version="},
		TaggedAddresses: map[string]kitconsul.TaggedAddress{"grpc": {Address: "grpc://" + addr, Port: port}},
		Address:         host,
		Port:            port,
		Checks: []kitconsul.Check{
			{TCP: addr, Interval: fmt.Sprintf("%ds", secs), Timeout: "5s", DeregisterCriticalServiceAfter: deregisterAfter},
			{CheckID: checkID, TTL: fmt.Sprintf("%ds", 2*secs), DeregisterCriticalServiceAfter: deregisterAfter},
		},
	}, checkID, interval
}

// newID is a random UUID, as a kratos app's default ID.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func init() {
	kratosdriver.AddRegistry(flavor.Registry())
}
