package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/dtmkit/drivers/release/modproxy"
)

// dtmdriverPath is dtm's driver interface module; generations lists the
// versions the programs are written against: v0.0.3 for dtm before v1.15,
// v0.0.6 for dtm v1.15 and later.
const dtmdriverPath = "github.com/dtm-labs/dtmdriver"

var generations = []string{"v0.0.3", "v0.0.6"}

// Bounds on one go command and on one run of a built program.
const (
	goCommandTimeout = 15 * time.Minute
	programTimeout   = 2 * time.Minute
)

// target is a module under check: kit or a driver.
type target struct {
	modproxy.Module
	goVersion string           // its go directive
	floors    []module.Version // its direct requirements, the floors it claims
	newest    []string         // path@version of each floor as the workspace selects it
	program   *programSpec     // nil for kit, which is no driver
}

// workspace holds what the checks share: the proxy and its environment.
type workspace struct {
	ctx     context.Context
	tmp     string
	env     []string
	targets []target
}

// newWorkspace builds the proxy of the release from root into tmp and reads
// the modules to check.
func newWorkspace(ctx context.Context, root, tmp string) (*workspace, error) {
	proxy := filepath.Join(tmp, "proxy")
	mods, err := modproxy.Build(root, proxy, version)
	if err != nil {
		return nil, err
	}
	env, err := modproxy.Env(proxy)
	if err != nil {
		return nil, err
	}
	w := &workspace{ctx: ctx, tmp: tmp, env: env}
	for _, m := range mods {
		// kit, its registry parts (kit/x), the drivers and their registry
		// plug-ins (driver-x/registry); the plug-ins and kit's parts have
		// no program of their own: a blank import adds a scheme to a
		// driver whose programs run below.
		if !strings.HasPrefix(m.TagPrefix, "kit") && !strings.HasPrefix(m.TagPrefix, "driver-") {
			continue
		}
		t, err := readTarget(m)
		if err != nil {
			return nil, err
		}
		if t.newest, err = workspaceVersions(ctx, root, t.floors); err != nil {
			return nil, err
		}
		if t.program == nil && m.TagPrefix != "kit" && !strings.Contains(m.TagPrefix, "/") {
			return nil, fmt.Errorf("no program for %s: add it to programs in programs.go", m.TagPrefix)
		}
		w.targets = append(w.targets, t)
	}
	return w, nil
}

func readTarget(m modproxy.Module) (target, error) {
	p := filepath.Join(m.Dir, "go.mod")
	data, err := os.ReadFile(p)
	if err != nil {
		return target{}, err
	}
	mf, err := modfile.Parse(p, data, nil)
	if err != nil {
		return target{}, err
	}
	t := target{Module: m, program: programs[m.TagPrefix]}
	if mf.Go != nil {
		t.goVersion = mf.Go.Version
	}
	for _, r := range mf.Require {
		if !r.Indirect {
			t.floors = append(t.floors, r.Mod)
		}
	}
	return t, nil
}

// check runs every check of t.
func (w *workspace) check(t target) row {
	r := row{name: t.TagPrefix, goVersion: t.goVersion, floors: t.floors}
	r.cells = append(r.cells, w.floorsCheck(t))
	if t.program == nil {
		for range columns[1:] {
			r.cells = append(r.cells, cell{skipped: true})
		}
		return r
	}
	for _, gen := range generations {
		r.cells = append(r.cells, w.programCheck(t, gen, "", nil))
	}
	newestGen := generations[len(generations)-1]
	r.cells = append(r.cells, w.programCheck(t, newestGen, "-newest", t.newest))
	return r
}

// floorsCheck gets t alone into a fresh module, checks that every floor is
// what is selected, then runs t's unit tests there.
func (w *workspace) floorsCheck(t target) cell {
	dir, err := w.userModule(t.TagPrefix + "-floors")
	if err != nil {
		return failed(err)
	}
	if _, err := w.goCmd(dir, "get", t.Path+"@"+version); err != nil {
		return failed(err)
	}
	for _, f := range t.floors {
		got, err := w.goCmd(dir, "list", "-m", "-f", "{{.Version}}", f.Path)
		if err != nil {
			return failed(err)
		}
		if got = strings.TrimSpace(got); got != f.Version {
			return failed(fmt.Errorf("%s requires %s %s, but %s is selected: the floor is not what gets tested",
				t.TagPrefix, f.Path, f.Version, got))
		}
	}
	if _, err := w.goCmd(dir, "test", "-count=1", t.Path+"/..."); err != nil {
		return failed(err)
	}
	return cell{detail: "go " + goLine(dir)}
}

// programCheck builds and runs t's program written against dtmdriver gen,
// in a fresh module requiring t at the release version, dtmdriver at gen and
// the modules in also (path@version).
func (w *workspace) programCheck(t target, gen, suffix string, also []string) cell {
	dir, err := w.userModule(t.TagPrefix + "-dtmdriver-" + gen + suffix)
	if err != nil {
		return failed(err)
	}
	get := append([]string{"get", t.Path + "@" + version, dtmdriverPath + "@" + gen}, also...)
	if _, err := w.goCmd(dir, get...); err != nil {
		return failed(err)
	}
	src, err := t.program.source(t.Path, gen)
	if err != nil {
		return failed(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), src, 0o644); err != nil {
		return failed(err)
	}
	if _, err := w.goCmd(dir, "mod", "tidy"); err != nil {
		return failed(err)
	}
	bin := filepath.Join(dir, "program")
	if _, err := w.goCmd(dir, "build", "-o", bin, "."); err != nil {
		return failed(err)
	}
	ctx, cancel := context.WithTimeout(w.ctx, programTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return failed(fmt.Errorf("the program written against dtmdriver %s: %v\n%s", gen, err, out))
	}
	grpcVersion, err := w.goCmd(dir, "list", "-m", "-f", "{{.Version}}", "google.golang.org/grpc")
	if err != nil {
		return failed(err)
	}
	return cell{detail: "grpc " + strings.TrimSpace(grpcVersion)}
}

// workspaceVersions returns path@version for each of floors (but our own
// modules) as the workspace of root selects it: today's newest, which
// conformance, examples and cmd are built on. It only reads the checkout.
func workspaceVersions(ctx context.Context, root string, floors []module.Version) ([]string, error) {
	var out []string
	for _, f := range floors {
		if strings.HasPrefix(f.Path, modproxy.Prefix) {
			continue
		}
		ctx, cancel := context.WithTimeout(ctx, goCommandTimeout)
		cmd := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Path}}@{{.Version}}", f.Path)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly")
		b, err := cmd.Output()
		cancel()
		if err != nil {
			return nil, fmt.Errorf("go list -m %s in the workspace: %w", f.Path, err)
		}
		out = append(out, strings.TrimSpace(string(b)))
	}
	return out, nil
}

// userModule makes the directory of a fresh module outside the workspace,
// as a user's, at the oldest go directive the drivers state.
func (w *workspace) userModule(name string) (string, error) {
	dir := filepath.Join(w.tmp, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	gomod := "module example.com/compat/" + name + "\n\ngo 1.22\n"
	return dir, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644)
}

// goLine returns the go directive of the module in dir, which go get raises
// to the highest of its dependencies'.
func goLine(dir string) string {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return "?"
	}
	mf, err := modfile.ParseLax("go.mod", data, nil)
	if err != nil || mf.Go == nil {
		return "?"
	}
	return mf.Go.Version
}

// goCmd runs the go command in dir as a user would, from the proxy, bounded
// in time, and returns its standard output.
func (w *workspace) goCmd(dir string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(w.ctx, goCommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = w.env
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("go %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String(), nil
}
