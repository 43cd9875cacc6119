package kratosdriver

import (
	"strings"
	"testing"

	"github.com/dtmkit/drivers/kit/kittest"
)

// maxPackages is the dependency budget of a binary that imports only this
// driver, in non-standard packages (go list -deps, plus the main package):
// 161 with this go.mod (grpc v1.80, etcd client v3.6.5), 162 in the go.work
// workspace, whose golang.org/x/net is newer. Upstream's, counted the same
// way on grpc v1.48, etcd client v3.5.2 and consul, is 152.
const maxPackages = 165

// kratosAllowed are the only kratos packages the driver may pull in: not
// kratos' log, transport or the discovery resolver with its dependencies.
var kratosAllowed = map[string]bool{
	"github.com/go-kratos/kratos/v2/registry":                       true,
	"github.com/go-kratos/kratos/contrib/registry/etcd/v2":          true,
	"github.com/go-kratos/kratos/v2/transport/grpc/resolver/direct": true,
}

func TestDependencyBudget(t *testing.T) {
	pkgs := kittest.NonStandardDeps(t, "")
	t.Logf("a binary importing only this driver has %d non-standard packages", len(pkgs))
	if len(pkgs) > maxPackages {
		t.Errorf("%d non-standard packages, budget %d", len(pkgs), maxPackages)
	}
	for _, p := range pkgs {
		if strings.HasPrefix(p, "github.com/go-kratos/") && !kratosAllowed[p] {
			t.Errorf("pulls in %s", p)
		}
	}
}
