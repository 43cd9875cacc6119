package nacos

import (
	"strings"
	"testing"

	"github.com/dtmkit/drivers/kit/kittest"
)

// maxPackages is the dependency budget of a binary that imports the kratos
// driver and this plug-in, in non-standard packages: 274 in the go.work
// workspace, 112 more than the driver alone (nacos-sdk-go v2.3.5 and the
// Alibaba Cloud SDK packages it links); kratos' own nacos registry adds 97
// to the driver, counted the same way.
const maxPackages = 280

func TestDependencyBudget(t *testing.T) {
	pkgs := kittest.NonStandardDeps(t, "")
	t.Logf("a binary importing the driver and this plug-in has %d non-standard packages", len(pkgs))
	if len(pkgs) > maxPackages {
		t.Errorf("%d non-standard packages, budget %d", len(pkgs), maxPackages)
	}
	for _, p := range pkgs {
		// kratos' transport, log or contrib nacos registry would raise the
		// plug-in's kratos floor
		if strings.HasPrefix(p, "github.com/go-kratos/") && !strings.HasPrefix(p, "github.com/go-kratos/kratos/v2/registry") &&
			!strings.HasPrefix(p, "github.com/go-kratos/kratos/contrib/registry/etcd/") &&
			p != "github.com/go-kratos/kratos/v2/transport/grpc/resolver/direct" {
			t.Errorf("pulls in %s", p)
		}
	}
}
