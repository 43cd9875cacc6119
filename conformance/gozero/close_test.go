package gozero_test

import (
	"testing"

	"github.com/dtm-labs/dtmdriver"
	"github.com/dtmkit/drivers/conformance"
	gozero "github.com/dtmkit/drivers/driver-gozero"
)

// testCloseRemovesDtmKey closes the driver dtm registered itself through:
// once Close returns, etcd no longer lists dtm.
func testCloseRemovesDtmKey(t *testing.T, h *harness, env *conformance.Env) {
	d, ok := dtmdriver.GetDriver().(*gozero.Driver)
	if !ok {
		t.Fatalf("dtm uses %T, want *gozero.Driver", dtmdriver.GetDriver())
	}
	if ok, err := listed(h.client, dtmKey, env.Dtm.GrpcAddr); err != nil || !ok {
		t.Fatalf("dtm not registered under %s before Close (read error %v)", dtmKey, err)
	}
	if err := d.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if ok, err := listed(h.client, dtmKey, env.Dtm.GrpcAddr); err != nil || ok {
		t.Fatalf("dtm still registered under %s after Close (read error %v)", dtmKey, err)
	}
}
