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
		"GOWORK=off",
		"GOPROXY="+proxy,
		"GONOSUMDB="+strings.TrimSuffix(Prefix, "/"),
		"GOFLAGS=-mod=mod",
		"GOTOOLCHAIN=local",
	), nil
}

// withoutGoVars drops the variables Env sets, so that the caller's own values
// (GOFLAGS=-mod=vendor, a GOWORK path) cannot override them.
func withoutGoVars(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "GOWORK", "GOPROXY", "GONOSUMDB", "GOFLAGS", "GOTOOLCHAIN":
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
