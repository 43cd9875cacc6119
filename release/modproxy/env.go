package modproxy

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Env returns the environment for go commands that install from the proxy in
// dir as a user would: no workspace, the proxy first and the usual proxy
// after it, no checksum database for our modules (they are not published
// yet), and go.mod files updated as go get updates them.
func Env(dir string) ([]string, error) {
	upstream, err := goEnv("GOPROXY")
	if err != nil {
		return nil, err
	}
	proxy := "file://" + filepath.ToSlash(dir)
	if upstream != "" && upstream != "off" {
		proxy += "," + upstream
	}
	env := withoutGoVars(os.Environ())
	return append(env,
		godebugWithoutIndex(),
		"GOWORK=off",
		"GOPROXY="+proxy,
		"GONOSUMDB="+strings.TrimSuffix(Prefix, "/"),
		"GOFLAGS=-mod=mod",
		"GOTOOLCHAIN=local",
	), nil
}

// godebugWithoutIndex returns GODEBUG with goindex=0 added. The go command
// indexes the packages of each module in the module cache by module path and
// version, in the build cache, once: a module cache directory never changes.
// Ours do between runs under one version (ForgetCached removes them, the build
// cache stays), so an index of an earlier tree would list files that are gone
// and miss new ones (a build then fails with "undefined" for what a new file
// declares).
func godebugWithoutIndex() string {
	if v := os.Getenv("GODEBUG"); v != "" {
		return "GODEBUG=" + v + ",goindex=0"
	}
	return "GODEBUG=goindex=0"
}

// withoutGoVars drops the variables Env sets, so that the caller's own values
// (GOFLAGS=-mod=vendor, a GOWORK path) cannot override them.
func withoutGoVars(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "GOWORK", "GOPROXY", "GONOSUMDB", "GOFLAGS", "GOTOOLCHAIN", "GODEBUG":
			continue
		}
		out = append(out, kv)
	}
	return out
}

func goEnv(name string) (string, error) {
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		return "", fmt.Errorf("modproxy: go env %s: %w", name, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// ForgetCached removes this repository's modules from the module cache
// (extracted and downloaded), so that the next go get reads them from the
// proxy again: the cache never re-reads a version it holds, and the working
// tree changes between runs under the same version.
func ForgetCached() error {
	cache, err := goEnv("GOMODCACHE")
	if err != nil {
		return err
	}
	for _, p := range []string{
		filepath.Join(cache, filepath.FromSlash(Prefix)),
		filepath.Join(cache, "cache", "download", filepath.FromSlash(Prefix)),
	} {
		if err := removeReadOnly(p); err != nil {
			return err
		}
	}
	return nil
}

// removeReadOnly removes a tree the module cache made read-only.
func removeReadOnly(p string) error {
	if _, err := os.Lstat(p); os.IsNotExist(err) {
		return nil
	}
	_ = filepath.Walk(p, func(path string, info os.FileInfo, err error) error {
		if err == nil && info.IsDir() {
			_ = os.Chmod(path, 0o755)
		}
		return nil
	})
	if err := os.RemoveAll(p); err != nil {
		return fmt.Errorf("modproxy: %w", err)
	}
	return nil
}
