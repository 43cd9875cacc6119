package kratos_test

import (
	"time"

	"github.com/dtmkit/drivers/conformance"
)

// The conformance suite's optional hooks: kratos' etcd registry supports
// them all.
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

// RegistrationTTL is the lease TTL of kratos' etcd registry, 15 s, which
// the driver keeps for dtm's registration.
func (h *harness) RegistrationTTL() time.Duration { return 15 * time.Second }

// Members is the size of the cluster the URLs name whole.
func (h *harness) Members() int { return h.etcd.Members() }

// KillMember stops member i abruptly, for good.
func (h *harness) KillMember(i int) { h.etcd.StopMember(i) }

// BadTargets are registration targets and endpoints the kratos driver
// rejects, beyond the suite's generic ones.
func (h *harness) BadTargets() []conformance.BadTarget {
	hosts := h.etcd.Hosts()
	ok := "discovery://" + hosts + "/" + dtmService
	return []conformance.BadTarget{
		{Target: "polaris://" + hosts + "/dtm", Endpoint: "127.0.0.1:1", WantErr: "want etcd:// or discovery://"},
		{Target: "discovery:///" + dtmService, Endpoint: "127.0.0.1:1", WantErr: "bad etcd host"},
		{Target: "discovery://" + hosts, Endpoint: "127.0.0.1:1", WantErr: "no key"},
		{Target: ok + "?pass=hunter2", Endpoint: "127.0.0.1:1", WantErr: "needs a user"},
		{Target: ok + "?tls=maybe", Endpoint: "127.0.0.1:1", WantErr: "not a boolean"},
		{Target: ok + "?tls=true&caPath=/nonexistent/ca.pem", Endpoint: "127.0.0.1:1", WantErr: "read CA file"},
		{Target: ok, Endpoint: "tcp://127.0.0.1:1", WantErr: "unknown scheme tcp"},
		{Target: ok, Endpoint: "grpcs://127.0.0.1:1", WantErr: "plain grpc endpoint"},
	}
}

// SecretTarget is dtm's target on the etcd with auth, with marker as a
// wrong password: registration fails, and must say so without it.
func (h *harness) SecretTarget(marker string) (target, endpoint string) {
	s, err := h.startSecureEtcd()
	if err != nil { // the plain etcd ignores credentials: registration succeeds
		return "discovery://" + h.etcd.Hosts() + "/dtmsecret?user=root&pass=" + marker, "127.0.0.1:1"
	}
	return "discovery://" + s.Hosts() + "/" + dtmService + "?" + s.query("root", marker), "127.0.0.1:1"
}
