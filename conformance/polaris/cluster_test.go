package polaris_test

import (
	"path/filepath"
	"time"

	polaris "github.com/dtmkit/drivers/driver-polaris"
)

// clusterTTL is the heartbeat TTL, in seconds, of the cluster's dtm
// servers: short, so that a killed one expires within the subtest.
const clusterTTL = 2

// ClusterRegistration: the servers of a dtm cluster register as instances
// of service in the default namespace with a 2 s TTL, each at its gRPC
// address.
func (h *harness) ClusterRegistration(service string) (target, clientURL string, endpoint func(string) string) {
	target = "polaris://" + service + "?namespace=default&ttl=2"
	return target, "polaris://" + service + "?namespace=default", func(addr string) string { return addr }
}

// ClusterEnv points an out-of-process dtm at the test's polaris server, and
// its polaris-go cache (the user cache dir by default) into the harness'
// directory, which the test removes.
func (h *harness) ClusterEnv() []string {
	return []string{
		polaris.AddressesEnv + "=" + h.srv.Addr(),
		"XDG_CACHE_HOME=" + filepath.Join(h.dir, "cluster-cache"),
	}
}

// ClusterTTL: polaris marks a server that stopped heartbeating unhealthy
// 3×TTL after its last heartbeat, on its checker's timer, which has run up
// to 7.7 s late on a loaded machine (see notifySlack), and clients learn
// it within notifySlack.
func (h *harness) ClusterTTL() time.Duration {
	return 3*clusterTTL*time.Second + 8*time.Second + notifySlack
}

// ClusterLeave: a deregistration reaches clients through the server's
// one-second cache refresh and polaris-go's poll (at most 1 s at the
// driver's default PollInterval); polaris pushes nothing. The driver's
// re-registration just before it deletes makes the deletion visible at all
// (driver-polaris/deregister.go).
func (h *harness) ClusterLeave() time.Duration { return 2500 * time.Millisecond }
