package kratosnacos_test

import (
	"context"
	"time"

	"github.com/dtmkit/drivers/conformance"
)

// The harness implements the suite's optional hooks nacos supports.
var (
	_ conformance.RegistryRestarter = (*harness)(nil)
	_ conformance.BadTargeter       = (*harness)(nil)
	_ conformance.SecretTargeter    = (*harness)(nil)
)

// StopRegistry kills the server, keeping its store.
func (h *harness) StopRegistry() { h.srv.Stop() }

// StartRegistry starts it again on the same store and ports. nacos-sdk-go
// reconnects and registers its ephemeral instances again, kratos' as dtm's.
func (h *harness) StartRegistry() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return h.srv.Restart(ctx)
}

// RegistrationTTL: nacos keeps an ephemeral instance while its client's
// connection lives; nacos-sdk-go reconnects within seconds of a restart.
func (h *harness) RegistrationTTL() time.Duration { return 10 * time.Second }

// BadTargets are registration targets and endpoints the driver rejects
// before contacting nacos.
func (h *harness) BadTargets() []conformance.BadTarget {
	host := h.srv.NacosAddr()
	ok := "nacos://" + host + "/" + dtmService
	return []conformance.BadTarget{
		{Target: "nacos://127.0.0.1/dtmservice", Endpoint: "127.0.0.1:1", WantErr: "must be host:port"},
		{Target: "nacos://nacos:hunter2@127.0.0.1/dtmservice", Endpoint: "127.0.0.1:1", WantErr: "must be host:port"},
		{Target: "nacos://" + host, Endpoint: "127.0.0.1:1", WantErr: "one path segment"},
		{Target: ok + "?namespaceid=public&passwd=hunter2", Endpoint: "127.0.0.1:1", WantErr: "unknown query parameter passwd"},
		{Target: ok + "?timeoutMs=5s", Endpoint: "127.0.0.1:1", WantErr: "timeoutMs must be"},
		{Target: ok, Endpoint: "grpc://0.0.0.0:36790", WantErr: "an address others can reach"},
		{Target: ok, Endpoint: "localhost", WantErr: "EndPoint must be host:port"},
		{Target: ok, Endpoint: "http://127.0.0.1:1", WantErr: "grpc://host:port"},
		{Target: ok, Endpoint: "grpc://127.0.0.1:1,http://127.0.0.1:2", WantErr: "grpc://host:port"},
	}
}

// SecretTarget registers a service of its own with a password holding
// marker; the server does not check it (auth is off), so it succeeds.
func (h *harness) SecretTarget(marker string) (target, endpoint string, err error) {
	return "nacos://nacos:" + marker + "@" + h.srv.NacosAddr() + "/secretsvc", "grpc://127.0.0.1:9", nil
}
