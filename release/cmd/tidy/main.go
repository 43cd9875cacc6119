// Command tidy runs `go mod tidy` in published modules as their users'
// builds will see them: outside the workspace, with our modules at the
// release version served from a file proxy of the working tree
// (release/modproxy). A plain `go mod tidy` cannot do it: it ignores
// go.work, and our modules' release versions are not published yet.
//
//	go run ./release/cmd/tidy conformance driver-gozero/nacos
//
// With no arguments it tidies every published module.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/dtmkit/drivers/release"
	"github.com/dtmkit/drivers/release/modproxy"
)

func main() {
	root := flag.String("root", ".", "repository root (holding go.work)")
	flag.Parse()
	if err := run(*root, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "tidy:", err)
		os.Exit(1)
	}
}

func run(root string, dirs []string) (err error) {
	unlock, err := modproxy.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	tmp, err := os.MkdirTemp("", "dtmkit-tidy-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := modproxy.ForgetCached(); err != nil {
		return err
	}
	defer func() {
		if ferr := modproxy.ForgetCached(); err == nil {
			err = ferr
		}
	}()
	mods, err := modproxy.Build(root, tmp, release.Version)
	if err != nil {
		return err
	}
	if len(dirs) == 0 {
		for _, m := range mods {
			dirs = append(dirs, m.TagPrefix)
		}
	}
	env, err := modproxy.Env(tmp)
	if err != nil {
		return err
	}
	for _, d := range dirs {
		fmt.Fprintf(os.Stderr, "tidy: %s\n", d)
		sum := filepath.Join(root, d, "go.sum")
		if err := dropOurSums(sum); err != nil {
			return err
		}
		cmd := exec.Command("go", "mod", "tidy")
		cmd.Dir = filepath.Join(root, d)
		cmd.Env = env
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go mod tidy in %s: %w", d, err)
		}
		if err := dropOurSums(sum); err != nil {
			return err
		}
	}
	return nil
}

// dropOurSums removes our modules' lines from a go.sum. Their hashes are
// those of the proxy's zips of the current tree, which change with every
// edit: a stale one would fail the next build, and the first release
// records the real ones.
func dropOurSums(path string) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var kept []string
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if !strings.HasPrefix(line, modproxy.Prefix) {
			kept = append(kept, line)
		}
	}
	return os.WriteFile(path, []byte(strings.Join(kept, "")), 0o644)
}
