package gomicro_test

import (
	"context"
	"fmt"
	"time"

	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra"
	"google.golang.org/grpc"
)

// The conformance suite's optional hooks: go-micro's etcd registry supports
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

// RegistrationTTL is the lease TTL the driver gives dtm's registration.
func (h *harness) RegistrationTTL() time.Duration { return 15 * time.Second }

// Members is the size of the cluster the URLs name whole.
func (h *harness) Members() int { return h.etcd.Members() }

// KillMember stops member i abruptly, for good.
func (h *harness) KillMember(i int) { h.etcd.StopMember(i) }

// BadTargets are registration targets and endpoints the go-micro driver
// rejects, beyond the suite's generic ones.
func (h *harness) BadTargets() []conformance.BadTarget {
	hosts := h.etcd.Hosts()
	ok := "gomicro://" + hosts + "/" + dtmService
	return []conformance.BadTarget{
		{Target: "etcd://" + hosts + "/dtm", Endpoint: "127.0.0.1:1", WantErr: "want gomicro://<etcd hosts>/<service>"},
		{Target: "gomicro:///" + dtmService, Endpoint: "127.0.0.1:1", WantErr: "no etcd hosts"},
		{Target: "gomicro://" + hosts, Endpoint: "127.0.0.1:1", WantErr: "no key"},
		{Target: ok + "?pass=hunter2", Endpoint: "127.0.0.1:1", WantErr: "needs a user"},
		{Target: ok + "?tls=maybe", Endpoint: "127.0.0.1:1", WantErr: "not a boolean"},
		{Target: ok + "?tls=true&caFile=/nonexistent/ca.pem", Endpoint: "127.0.0.1:1", WantErr: "read CA file"},
		{Target: ok, Endpoint: "grpc://127.0.0.1:1", WantErr: "EndPoint must be host:port"},
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
	return "gomicro://" + e.Hosts() + "/" + dtmService + "?user=root&pass=" + secretPassword(marker), "127.0.0.1:1", nil
}

// SecretService starts a go-micro instance registered on that etcd (with
// go-micro's etcd.Auth) and returns branch URLs with the password in the
// query after the method, as dtm's documentation writes a query.
func (h *harness) SecretService(ctx context.Context, marker string, register func(*grpc.Server)) (conformance.URLFunc, error) {
	e, err := h.secretsEtcd(marker)
	if err != nil {
		return nil, err
	}
	client, err := e.Client()
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	h.closers = append(h.closers, func() { _ = client.Close() })
	h.mu.Unlock()
	const service = "secretbusi"
	_, err = h.start(ctx, client, service, register,
		instanceOptions{hosts: e.HostList(), user: "root", pass: secretPassword(marker)})
	if err != nil {
		return nil, err
	}
	prefix, query := "gomicro://"+e.Hosts()+"/"+service, "?user=root&pass="+secretPassword(marker)
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

// LongLivedGoroutines: the embedded etcd cluster's own peer connections,
// which a new leader opens at any time (infra.EtcdPeerGoroutines). The
// driver uses no net/http, so a leak of its own cannot hide among them.
func (h *harness) LongLivedGoroutines() []string {
	return infra.EtcdPeerGoroutines
}
