package kratos_test

import (
	"context"
	"fmt"
	"time"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra"
	"google.golang.org/grpc"
)

// The conformance suite's optional hooks: kratos' etcd registry supports
// them all.
var (
	_ conformance.RegistryRestarter = (*harness)(nil)
	_ conformance.MemberKiller      = (*harness)(nil)
	_ conformance.BadTargeter       = (*harness)(nil)
	_ conformance.LongLived         = (*harness)(nil)
	_ conformance.SecretTargeter    = (*harness)(nil)
	_ conformance.SecretServicer    = (*harness)(nil)
	_ conformance.Crasher           = (*instance)(nil)
	_ conformance.Deregisterer      = (*instance)(nil)
	_ conformance.RegisterTimer     = (*instance)(nil)
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

// SecretTarget registers dtm on an etcd of its own whose root password
// holds marker, so the registration succeeds and the password travels
// through the driver's etcd client, keep-alive and Close.
func (h *harness) SecretTarget(marker string) (target, endpoint string, err error) {
	e, err := h.secretsEtcd(marker)
	if err != nil {
		return "", "", err
	}
	return "discovery://" + e.Hosts() + "/" + dtmService + "?user=root&pass=" + secretPassword(marker), "127.0.0.1:1", nil
}

// SecretService starts a kratos instance registered on that etcd and
// returns branch URLs with the password in the query after the method, as
// dtm's documentation writes a query.
func (h *harness) SecretService(ctx context.Context, marker string, register func(*grpc.Server)) (conformance.URLFunc, error) {
	e, err := h.secretsEtcd(marker)
	if err != nil {
		return nil, err
	}
	client, err := e.Client()
	if err != nil {
		return nil, err
	}
	h.onClose(func() { _ = client.Close() })
	const service = "secretbusi"
	inst, err := startKratosInstance(ctx, client, service, register)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	h.instances = append(h.instances, inst)
	h.mu.Unlock()
	prefix, query := "discovery://"+e.Hosts()+"/"+service, "?user=root&pass="+secretPassword(marker)
	return func(m string) string { return prefix + m + query }, nil
}

func secretPassword(marker string) string { return "pw-" + marker }

// secretsEtcd starts, once, the etcd with auth whose root password holds
// marker; the harness' Close stops it.
func (h *harness) secretsEtcd(marker string) (*infra.Etcd, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.secrets == nil {
		e, err := infra.StartEtcd(infra.EtcdOptions{RootPassword: secretPassword(marker)})
		if err != nil {
			return nil, fmt.Errorf("start etcd with auth for the secret target: %w", err)
		}
		h.secrets = e
		h.closers = append(h.closers, e.Close)
	}
	return h.secrets, nil
}

// ClusterRegistration: the servers of a dtm cluster register as instances
// of the kratos service named service, each at grpc://<its address>.
func (h *harness) ClusterRegistration(service string) (target, clientURL string, endpoint func(string) string) {
	url := "discovery://" + h.etcd.Hosts() + "/" + service
	return url, url, func(addr string) string { return "grpc://" + addr }
}

// ClusterEnv: an out-of-process dtm needs nothing but its Target.
func (h *harness) ClusterEnv() []string { return nil }

// ClusterTTL is kratos' lease TTL.
func (h *harness) ClusterTTL() time.Duration { return h.RegistrationTTL() }

// ClusterLeave: etcd's watch pushes the revoked key at once.
func (h *harness) ClusterLeave() time.Duration { return time.Second }

// LongLivedGoroutines: the embedded etcd cluster's own peer connections,
// which a new leader opens at any time (infra.EtcdPeerGoroutines). The
// driver uses no net/http, so a leak of its own cannot hide among them.
func (h *harness) LongLivedGoroutines() []string {
	return infra.EtcdPeerGoroutines
}
