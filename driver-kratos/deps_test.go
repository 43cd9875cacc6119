package kratosdriver

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
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
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, gobin, "list", "-deps",
		"-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := strings.Fields(string(out))
	n := len(pkgs) + 1 // a binary's main package
	t.Logf("a binary importing only this driver has %d non-standard packages", n)
	if n > maxPackages {
		t.Errorf("%d non-standard packages, budget %d", n, maxPackages)
	}
	for _, p := range pkgs {
		if strings.HasPrefix(p, "github.com/go-kratos/") && !kratosAllowed[p] {
			t.Errorf("pulls in %s", p)
		}
	}
}
