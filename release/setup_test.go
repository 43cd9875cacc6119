package release

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dtmkit/drivers/release/modproxy"
)

// The proxy is built once per test process, in a temp dir that TestMain
// removes; our modules are forgotten from the module cache before and after.
var (
	repoRoot  string
	proxyDir  string
	published []modproxy.Module
	userEnv   []string
)

func TestMain(m *testing.M) {
	os.Exit(runWithProxy(m))
}

func runWithProxy(m *testing.M) int {
	root, err := filepath.Abs("..")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	repoRoot = root
	unlock, err := modproxy.Lock()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer unlock()
	tmp, err := os.MkdirTemp("", "dtmkit-release-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	if err := modproxy.ForgetCached(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = modproxy.ForgetCached() }()
	defer func() {
		if dtmDir != "" {
			os.RemoveAll(dtmDir)
		}
	}()
	proxyDir = filepath.Join(tmp, "proxy")
	if published, err = modproxy.Build(repoRoot, proxyDir, Version); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if userEnv, err = modproxy.Env(proxyDir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// modulePath returns the path of the published module in directory dir.
func modulePath(t testing.TB, dir string) string {
	t.Helper()
	for _, m := range published {
		if m.TagPrefix == dir {
			return m.Path
		}
	}
	t.Fatalf("no published module in %s/", dir)
	return ""
}

// drivers returns the published driver modules (driver-*).
func drivers() []modproxy.Module {
	var out []modproxy.Module
	for _, m := range published {
		if strings.HasPrefix(m.TagPrefix, "driver-") && !strings.Contains(m.TagPrefix, "/") {
			out = append(out, m)
		}
	}
	return out
}

// registryPlugins returns the published registry plug-in modules
// (driver-<x>/<registry>), each with the module of the driver it adds to.
func registryPlugins() (plugins, parents []modproxy.Module) {
	for _, m := range published {
		parent, _, ok := strings.Cut(m.TagPrefix, "/")
		if !ok || !strings.HasPrefix(parent, "driver-") {
			continue
		}
		for _, p := range published {
			if p.TagPrefix == parent {
				plugins, parents = append(plugins, m), append(parents, p)
			}
		}
	}
	return plugins, parents
}

// userModule makes a fresh module outside the workspace, as a user's.
func userModule(t testing.TB, name string) string {
	t.Helper()
	dir := t.TempDir()
	runGo(t, dir, "mod", "init", "example.com/"+name)
	return dir
}

// runGo runs the go command in dir with the user's environment (no
// workspace, our proxy first) and returns its output, failing t on error.
func runGo(t testing.TB, dir string, args ...string) string {
	t.Helper()
	out, err := goCommand(dir, args...)
	if err != nil {
		t.Fatalf("go %s (in %s): %v\n%s", strings.Join(args, " "), filepath.Base(dir), err, out)
	}
	return out
}

// goCommand is runGo's command, bounded in time, with its output and error.
func goCommand(dir string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = userEnv
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// writeFile writes a source file of a user module.
func writeFile(t testing.TB, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

var (
	dtmOnce sync.Once
	dtmBin  string
	dtmErr  error
	dtmDir  string
)

// dtmBinary installs the bundled dtm server from the proxy, once per test
// process, as `go install github.com/dtmkit/drivers/cmd/dtm@<Version>`
// would, and returns the binary's path.
func dtmBinary(t testing.TB) string {
	t.Helper()
	dtmOnce.Do(func() {
		dtmDir, dtmErr = os.MkdirTemp("", "dtmkit-release-bin-*")
		if dtmErr != nil {
			return
		}
		cmd := exec.Command("go", "install", modulePath(t, "cmd")+"/dtm@"+Version)
		cmd.Env = append(append([]string(nil), userEnv...), "GOBIN="+dtmDir)
		cmd.Dir = dtmDir
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			dtmErr = fmt.Errorf("go install: %v\n%s", err, out)
			return
		}
		t.Logf("go install %s/dtm@%s took %s", modulePath(t, "cmd"), Version, time.Since(start).Round(time.Second))
		dtmBin = filepath.Join(dtmDir, "dtm")
	})
	if dtmErr != nil {
		t.Fatal(dtmErr)
	}
	return dtmBin
}
