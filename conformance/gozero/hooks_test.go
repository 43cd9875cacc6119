package gozero_test

import (
	"fmt"
	"time"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra"
	"github.com/zeromicro/go-zero/core/discov"
)

// The optional conformance hooks this harness implements.
var (
	_ conformance.RegistryRestarter = (*harness)(nil)
	_ conformance.MemberKiller      = (*harness)(nil)
	_ conformance.BadTargeter       = (*harness)(nil)
	_ conformance.SecretTargeter    = (*harness)(nil)
	_ conformance.Crasher           = (*instance)(nil)
	_ conformance.Deregisterer      = (*instance)(nil)
)

// StopRegistry stops every etcd member abruptly, keeping their data.
func (h *harness) StopRegistry() { h.etcd.StopAll() }

// StartRegistry restarts the members on their data and ports.
func (h *harness) StartRegistry() error { return h.etcd.RestartAll() }

// RegistrationTTL is the lease go-zero's publisher grants, and keeps alive.
func (h *harness) RegistrationTTL() time.Duration {
	return time.Duration(discov.TimeToLive) * time.Second
}

// Members is the size of the cluster every URL of the harness lists.
func (h *harness) Members() int { return h.etcd.Members() }

// KillMember stops member i abruptly.
func (h *harness) KillMember(i int) { h.etcd.StopMember(i) }

// BadTargets are registration targets go-zero could not use, each refused
// before any connection is made.
func (h *harness) BadTargets() []conformance.BadTarget {
	hosts, addr := h.etcd.Hosts(), "127.0.0.1:36790"
	return []conformance.BadTarget{
		{Target: "consul://" + hosts + "/dtmservice", Endpoint: addr, WantErr: "want etcd://"},
		{Target: "direct:///" + addr, Endpoint: addr, WantErr: "want etcd://"},
		{Target: "etcd://" + hosts, Endpoint: addr, WantErr: "no key"},
		{Target: "etcd:///" + hosts, Endpoint: addr, WantErr: "no key"},
		{Target: "etcd://" + hosts + "/", Endpoint: addr, WantErr: "no key"},
		{Target: "etcd:///" + hosts + "/dtmservice", Endpoint: addr, WantErr: "belongs in the query"},
		{Target: "etcd://127.0.0.1/dtmservice", Endpoint: addr, WantErr: "bad etcd host"},
		{Target: "etcd://" + hosts + "/a//b", Endpoint: addr, WantErr: "empty segment"},
		{Target: "etcd://" + hosts + "/dtmservice?key=other", Endpoint: addr, WantErr: "key given twice"},
		{Target: "etcd://" + hosts + "/dtmservice?user=root", Endpoint: addr, WantErr: "user needs pass"},
		{Target: "etcd://" + hosts + "/dtmservice?pass=hunter2", Endpoint: addr, WantErr: "needs a user"},
		{Target: "etcd://" + hosts + "/dtmservice?passwd=hunter2", Endpoint: addr, WantErr: "unknown query parameter passwd"},
		{Target: "etcd://" + hosts + "/dtmservice?tls=true", Endpoint: addr, WantErr: "certFile, certKeyFile and caFile"},
		{Target: "etcd://" + hosts + "/dtmservice?certFile=/no/c.pem&certKeyFile=/no/k.pem&caFile=/no/ca.pem",
			Endpoint: addr, WantErr: "load TLS files"},
	}
}

// SecretTarget registers on an etcd of its own whose root password holds
// marker, so the registration succeeds and the password travels through
// every step: go-zero's account registry, its etcd client, keep-alive, and
// the driver's Close.
func (h *harness) SecretTarget(marker string) (target, endpoint string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	pass := "pw-" + marker
	if h.secrets == nil {
		e, err := infra.StartEtcd(infra.EtcdOptions{RootPassword: pass})
		if err != nil {
			// nothing listens there: the registration fails, and its
			// error must not show the marker either
			return fmt.Sprintf("etcd://127.0.0.1:1/dtm-secret?user=root&pass=%s", pass), h.dtmAddr
		}
		h.secrets = e
	}
	return "etcd://" + h.secrets.Hosts() + "/dtm-secret?user=root&pass=" + pass, h.dtmAddr
}

// Crash stops serving at once, connections and listener, as a dying process
// would, and leaves the registration to expire as its lease would: go-zero's
// publisher cannot stop renewing without revoking, so it is stopped one TTL
// later.
func (i *instance) Crash() {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.crashed != nil {
		return
	}
	i.server.grpc.Stop()
	i.crashed = time.AfterFunc(time.Duration(discov.TimeToLive)*time.Second, i.pub.Stop)
}

// Deregister revokes the registration and waits until etcd has dropped it;
// the instance keeps serving.
func (i *instance) Deregister() error {
	i.pub.Stop()
	return i.waitGone()
}
