package nacos

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/nacos-group/nacos-sdk-go/v2/vo"

	"github.com/dtmkit/drivers/kit"
)

// RevokeTimeout bounds how long a revoke waits for nacos to stop listing
// dtm.
const RevokeTimeout = 10 * time.Second

// register registers endpoint as an ephemeral, healthy instance of the
// target's service, as a zrpc or kratos server registers itself: nacos
// keeps it while the client's connection lives (nacos 2's heartbeat), and
// the returned revoke deregisters it, waits until nacos no longer lists it
// and shuts the client down.
func (f *Flavor) register(target, endpoint string) (func() error, error) {
	t, err := ParseTarget(f.Scheme, target)
	if err != nil {
		return nil, err
	}
	host, port, err := splitEndpoint(endpoint)
	if err != nil {
		return nil, err
	}
	// a client of its own: revoke closes its connection, with which nacos
	// drops the ephemeral instance even if it missed the deregistration
	c, err := newClient(t, f)
	if err != nil {
		return nil, fmt.Errorf("register %s as %s: %w", endpoint, f.describe(t), err)
	}
	service := f.serviceName(t.Service)
	cluster := f.Cluster
	if len(t.Clusters) > 0 {
		cluster = t.Clusters[0]
	}
	var metadata map[string]string
	if f.Metadata != nil {
		metadata = f.Metadata(endpoint)
	}
	param := vo.RegisterInstanceParam{
		Ip: host, Port: port, Weight: 1, Enable: true, Healthy: true, Ephemeral: true,
		Metadata: metadata, ClusterName: cluster, ServiceName: service, GroupName: t.Group,
	}
	_, err = c.naming.RegisterInstance(param)
	if err != nil {
		c.close()
		return nil, fmt.Errorf("register %s as %s: %w", endpoint, f.describe(t), redactErr(err))
	}
	reg := &registration{c: c, t: t, desc: f.describe(t), param: param, service: service, cluster: cluster, host: host, port: port}
	return reg.revoke, nil
}

// registration is dtm's instance in nacos.
type registration struct {
	c                      *client
	t                      Target
	desc                   string // t as errors show it
	param                  vo.RegisterInstanceParam
	service, cluster, host string
	port                   uint64
}

// revoke deregisters the instance and waits, RevokeTimeout at most, until
// the server no longer lists it; the client is released either way.
func (r *registration) revoke() error {
	fail := func(what string, err error) error {
		return fmt.Errorf("deregister %s:%d from %s: %s: %w", r.host, r.port, r.desc, what, redactErr(err))
	}
	// The same registration again first, unchanged. The polaris server's
	// nacos API on its standalone store (boltdb, v1.18.1) publishes the
	// deletion of a record not rewritten for 5 s (its cache diffTime) only
	// when something rewrites it, and nothing rewrites a nacos instance
	// there: after a server restart dtm's re-registered record went stale
	// and its deletion was never seen. Rewriting it makes the deletion seen
	// at the next cache refresh (driver-polaris' Close does the same). On a
	// nacos server it is one idempotent write. Its failure is not
	// reported: the deregistration decides.
	_, _ = r.c.naming.RegisterInstance(r.param)
	_, err := r.c.naming.DeregisterInstance(vo.DeregisterInstanceParam{
		Ip: r.host, Port: r.port, Cluster: r.cluster, ServiceName: r.service, GroupName: r.t.Group, Ephemeral: true,
	})
	r.c.close()
	if err != nil {
		return fail("request", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), RevokeTimeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		listed, err := r.serverLists(ctx)
		if err == nil && !listed {
			return nil
		}
		select {
		case <-ctx.Done():
			if err != nil {
				return fail("ask whether still listed", err)
			}
			return fail("still listed", errors.New("nacos did not drop the instance within "+RevokeTimeout.String()))
		case <-tick.C:
		}
	}
}

// splitEndpoint checks dtm's EndPoint: host:port, with a host others can
// reach.
func splitEndpoint(endpoint string) (string, uint64, error) {
	const form = "EndPoint must be host:port, the address nacos hands to clients"
	if err := kit.ValidateHostPort(endpoint); err != nil {
		return "", 0, kit.NewURLError(endpoint, form, err)
	}
	host, p, _ := net.SplitHostPort(endpoint)
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		return "", 0, kit.NewURLError(endpoint, form+": an address others can reach, not "+host, nil)
	}
	port, _ := strconv.ParseUint(p, 10, 16)
	return host, port, nil
}
