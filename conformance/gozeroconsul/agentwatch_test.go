package gozeroconsul_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance"
)

// watchBound is how soon each change of testAgentWatch must reach the
// resolver. The agent's watch sees it in milliseconds; a change it missed
// would never arrive.
const watchBound = 5 * time.Second

// testAgentWatch makes, on one service, each kind of change the agent's
// shared watch must see, and checks that the resolver reports each: an
// instance without checks joining a service that has instances (only the
// catalog's index moves), the same instance registered again at another
// address, a service check failing and passing again, the node going into
// maintenance and out (a node check), and deregistrations.
func testAgentWatch(t *testing.T, h *harness, env *conformance.Env) {
	service := fmt.Sprintf("agentwatch%d", env.User())
	const checked, unchecked = "127.0.0.1:1101", "127.0.0.1:1102"
	const moved = "127.0.0.1:1103"
	put := func(path string, body any) {
		t.Helper()
		if err := h.agent.Put(path, body, ""); err != nil {
			t.Fatal(err)
		}
	}
	register := func(id, addr string, checks []map[string]any) {
		t.Helper()
		host, port := splitHostPort(addr)
		put("/v1/agent/service/register", map[string]any{"ID": id, "Name": service, "Address": host, "Port": port, "Checks": checks})
	}
	register(service+"-a", checked, []map[string]any{{"CheckID": service + "-a", "TTL": "600s", "Status": "passing"}})
	defer func() { _ = h.agent.Put("/v1/agent/service/deregister/"+service+"-a", nil, "") }()
	defer func() { _ = h.agent.Put("/v1/agent/service/deregister/"+service+"-b", nil, "") }()

	states, err := env.WatchService(service)
	if err != nil {
		t.Fatal(err)
	}
	defer states.Close()
	await := func(what string, want ...string) {
		t.Helper()
		slices.Sort(want)
		ctx, cancel := context.WithTimeout(context.Background(), watchBound)
		defer cancel()
		start := time.Now()
		if err := states.Await(ctx, what, func(got []string) bool { return slices.Equal(got, want) }); err != nil {
			got, _ := states.Last()
			t.Fatalf("%v (last state %v, want %v)", err, got, want)
		}
		t.Logf("%s: seen in %s", what, time.Since(start).Round(100*time.Microsecond))
	}
	await("the checked instance", checked)

	register(service+"-b", unchecked, nil)
	await("an instance without checks joining", checked, unchecked)
	register(service+"-b", moved, nil)
	await("the same instance registered at another address", checked, moved)

	put("/v1/agent/check/fail/"+service+"-a", nil)
	await("the checked instance failing its check", moved)
	put("/v1/agent/check/pass/"+service+"-a", nil)
	await("the checked instance passing again", checked, moved)

	put("/v1/agent/maintenance?enable=true&reason=agentwatch", nil)
	leftMaintenance := false
	defer func() {
		if !leftMaintenance {
			_ = h.agent.Put("/v1/agent/maintenance?enable=false", nil, "")
		}
	}()
	await("the node in maintenance")
	put("/v1/agent/maintenance?enable=false", nil)
	leftMaintenance = true
	await("the node out of maintenance", checked, moved)

	put("/v1/agent/service/deregister/"+service+"-b", nil)
	await("the instance without checks deregistered", checked)
	put("/v1/agent/service/deregister/"+service+"-a", nil)
	await("the last instance deregistered")
}
