package gozero

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
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
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	run := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		cmd := exec.CommandContext(ctx, gobin, args...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return stdout.String()
	}
	run("build", "-tags", "no_k8s", ".")

	for _, c := range []struct {
		tags string
		max  int
	}{{"", maxPackages}, {"no_k8s", maxPackagesNoK8s}} {
		out := run("list", "-deps", "-tags", c.tags, "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".")
		pkgs := strings.Fields(out)
		k8s := 0
		for _, p := range pkgs {
			if strings.HasPrefix(p, "k8s.io/") {
				k8s++
			}
		}
		// a binary's main package adds one
		t.Logf("tags %q: %d non-standard packages in a binary, %d of them k8s.io", c.tags, len(pkgs)+1, k8s)
		if len(pkgs)+1 > c.max {
			t.Errorf("tags %q: %d non-standard packages, budget %d", c.tags, len(pkgs)+1, c.max)
		}
		if c.tags == "no_k8s" && k8s > 0 {
			t.Errorf("tags no_k8s still pulls %d k8s.io packages", k8s)
		}
		if c.tags == "" && k8s == 0 {
			t.Errorf("the default build has no k8s.io packages: is the k8s scheme gone?")
		}
	}
}
