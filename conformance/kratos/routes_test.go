package kratos_test

import (
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance"
)

// testHomeRegistry: dtm registered through the driver, so its branches may
// name a service without etcd hosts, discovery:///<service>, as kratos
// clients write it; the driver resolves it in dtm's registry.
func testHomeRegistry(t *testing.T, _ *harness, env *conformance.Env) {
	gid, _, _ := sagaTransfer(t, env, "discovery:///"+env.Service, "home")
	expectCalls(t, env, gid, env.Service+"-1", "action", "action")
}

// testDirect: direct:///<addresses> reaches a kratos server without etcd.
func testDirect(t *testing.T, h *harness, env *conformance.Env) {
	inst, err := h.StartInstance(timeout(t, 30*time.Second), "direct", env.Bank.Register("direct-1"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(inst.Stop)
	gid, _, _ := sagaTransfer(t, env, "direct:///"+inst.Addr(), "direct")
	expectCalls(t, env, gid, "direct-1", "action", "action")
}
