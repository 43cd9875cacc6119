package gomicrodriver

import (
	"strings"
	"testing"

	"github.com/dtmkit/drivers/kit/kittest"
)

// maxPackages is the dependency budget of a binary that imports only this
// driver, in non-standard packages (go list -deps, plus the main package).
// The driver reads go-micro's registry JSON with the etcd client rather than
// through go-micro's registry/etcd package, which would add 15 packages
// (go-micro's registry, logger and mDNS with miekg/dns) and go-micro's
// module graph (grpc ≥ 1.71, 110 more modules): see the README.
const maxPackages = 162

func TestDependencyBudget(t *testing.T) {
	pkgs := kittest.NonStandardDeps(t, "")
	t.Logf("a binary importing only this driver has %d non-standard packages", len(pkgs))
	if len(pkgs) > maxPackages {
		t.Errorf("%d non-standard packages, budget %d", len(pkgs), maxPackages)
	}
	for _, p := range pkgs {
		if strings.HasPrefix(p, "go-micro.dev/") || strings.HasPrefix(p, "github.com/go-micro/") {
			t.Errorf("pulls in %s", p)
		}
	}
}
