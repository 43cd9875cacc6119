package gozero

import (
	"strings"
	"testing"

	"github.com/dtmkit/drivers/kit/kittest"
)

// Dependency budgets of a binary that imports only this driver, counted as
// non-standard packages (go list -deps): go-zero's zrpc/resolver alone is
// about 630, or about 190 with -tags no_k8s.
const (
	maxPackages      = 640
	maxPackagesNoK8s = 200
)

// TestBuildsWithoutK8s builds the driver with go-zero's no_k8s tag, which
// must keep working and drop only the k8s scheme, and checks both package
// budgets.
func TestBuildsWithoutK8s(t *testing.T) {
	kittest.GoTool(t, "build", "-tags", "no_k8s", ".")
	for _, c := range []struct {
		tags string
		max  int
	}{{"", maxPackages}, {"no_k8s", maxPackagesNoK8s}} {
		pkgs := kittest.NonStandardDeps(t, c.tags)
		k8s := 0
		for _, p := range pkgs {
			if strings.HasPrefix(p, "k8s.io/") {
				k8s++
			}
		}
		t.Logf("tags %q: %d non-standard packages in a binary, %d of them k8s.io", c.tags, len(pkgs), k8s)
		if len(pkgs) > c.max {
			t.Errorf("tags %q: %d non-standard packages, budget %d", c.tags, len(pkgs), c.max)
		}
		if c.tags == "no_k8s" && k8s > 0 {
			t.Errorf("tags no_k8s still pulls %d k8s.io packages", k8s)
		}
		if c.tags == "" && k8s == 0 {
			t.Errorf("the default build has no k8s.io packages: is the k8s scheme gone?")
		}
	}
}
