// Package gobin builds the servers the conformance suite runs (the polaris
// server, the consul agent) from their Go modules, once, into the user cache
// dir: a fresh clone needs nothing installed by hand, and later runs start
// at once.
package gobin

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Logf receives progress messages, such as testing.T.Logf.
type Logf func(format string, args ...any)

// CacheDir is where the binaries of name are kept:
// <os.UserCacheDir>/dtmkit/<name>, or $DTMKIT_CACHE_DIR/<name> when that
// variable is set (for CI caches).
func CacheDir(name string) (string, error) {
	if d := os.Getenv("DTMKIT_CACHE_DIR"); d != "" {
		return filepath.Join(d, name), nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("%s cache dir: %w", name, err)
	}
	return filepath.Join(d, "dtmkit", name), nil
}

// Cached returns the path of the binary <name>-<version>-<os>-<arch> in
// name's cache dir, calling build to make it there if it is not cached yet.
// build writes into a file it creates under dir and returns its path; it is
// renamed into place, so a concurrent build of the same binary is harmless.
// The build is announced through logf, with the time it took.
func Cached(ctx context.Context, name, version, about string, logf Logf, build func(ctx context.Context, dir string) (string, error)) (string, error) {
	dir, err := CacheDir(name)
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, fmt.Sprintf("%s-%s-%s-%s", name, version, runtime.GOOS, runtime.GOARCH))
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("%s cache dir: %w", name, err)
	}
	logf("%s: building %s into %s (first run only, %s)", name, version, dir, about)
	start := time.Now()
	built, err := build(ctx, dir)
	if err != nil {
		return "", fmt.Errorf("build %s %s: %w", name, version, err)
	}
	if err := os.Rename(built, bin); err != nil {
		return "", fmt.Errorf("install %s binary: %w", name, err)
	}
	logf("%s: built in %s", name, time.Since(start).Round(100*time.Millisecond))
	return bin, nil
}

// Go runs the go command found on PATH in dir, in module mode with no
// workspace (the caller's go.mod and go.work play no part), and returns its
// standard output. Its error quotes the end of the standard error.
func Go(ctx context.Context, dir string, args ...string) ([]byte, error) {
	return GoWithEnv(ctx, dir, []string{"GOWORK=off", "GOFLAGS=-mod=mod"}, args...)
}

// GoWithEnv is Go with env added to the process' environment instead: with
// none, the go command sees the caller's module or workspace.
func GoWithEnv(ctx context.Context, dir string, env []string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go %s: %w: %s", strings.Join(args, " "), err, Tail(stderr.String(), 2000))
	}
	return stdout.Bytes(), nil
}

// Tail returns the last n bytes of s, trimmed.
func Tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
