package kratosconsul_test

import (
	"context"
	"time"

	"github.com/dtmkit/drivers/conformance"
	"google.golang.org/grpc"
)

// The harness implements the suite's optional hooks consul supports.
var (
	_ conformance.RegistryRestarter = (*harness)(nil)
	_ conformance.BadTargeter       = (*harness)(nil)
	_ conformance.SecretTargeter    = (*harness)(nil)
	_ conformance.SecretServicer    = (*harness)(nil)
)

// StopRegistry kills the agent, keeping its data.
func (h *harness) StopRegistry() { h.agent.Stop() }

// StartRegistry starts it again on the same data and ports.
func (h *harness) StartRegistry() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return h.agent.Restart(ctx)
}

// RegistrationTTL is the TTL of dtm's check (DtmRegistration's ttl=4).
func (h *harness) RegistrationTTL() time.Duration { return 4 * time.Second }

// BadTargets are registration targets the driver rejects before
// contacting consul.
func (h *harness) BadTargets() []conformance.BadTarget {
	host := h.agent.HTTPAddr()
	return []conformance.BadTarget{
		{Target: "consul://127.0.0.1/dtmservice", Endpoint: "127.0.0.1:1", WantErr: "must be host:port"},
		{Target: "consul://u:hunter2@127.0.0.1/dtmservice", Endpoint: "127.0.0.1:1", WantErr: "must be host:port"},
		{Target: "consul://" + host, Endpoint: "127.0.0.1:1", WantErr: "one path segment"},
		{Target: "consul://" + host + "/dtm?token=t&passwd=hunter2", Endpoint: "127.0.0.1:1", WantErr: "unknown query parameter passwd"},
		{Target: "consul://" + host + "/dtm", Endpoint: "0.0.0.0:36790", WantErr: "an address others can reach"},
		{Target: "consul://" + host + "/dtm", Endpoint: "localhost", WantErr: "EndPoint must be host:port"},
	}
}

// SecretTarget registers in the agent with ACLs with a token holding
// marker, which the agent refuses.
func (h *harness) SecretTarget(marker string) (target, endpoint string, err error) {
	a, err := h.aclAgentStarted()
	if err != nil {
		return "", "", err
	}
	return "consul://" + a.HTTPAddr() + "/secretsvc?token=" + marker, "127.0.0.1:9", nil
}

// SecretService starts a kratos instance in the agent with ACLs and returns
// branch URLs carrying the token and a basic auth password holding marker.
func (h *harness) SecretService(ctx context.Context, marker string, register func(*grpc.Server)) (conformance.URLFunc, error) {
	a, err := h.aclAgentStarted()
	if err != nil {
		return nil, err
	}
	if _, err := h.startInstance(ctx, a, aclToken, "secretbusi", register); err != nil {
		return nil, err
	}
	base := "consul://dtm:" + marker + "@" + a.HTTPAddr() + "/secretbusi?token=" + aclToken
	return func(m string) string { return base + m }, nil
}
