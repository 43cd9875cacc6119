package polarisserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Module and Version name the polaris server that Binary builds.
const (
	Module  = "github.com/polarismesh/polaris"
	Version = "v1.18.1"
)

// Logf receives progress messages, such as testing.T.Logf.
type Logf func(format string, args ...any)

// CacheDir is where the built binary is kept:
// <os.UserCacheDir>/dtmkit/polaris-server, or DTMKIT_CACHE_DIR/polaris-server
// when that variable is set (for CI caches).
func CacheDir() (string, error) {
	if d := os.Getenv("DTMKIT_CACHE_DIR"); d != "" {
		return filepath.Join(d, "polaris-server"), nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("polaris server cache dir: %w", err)
	}
	return filepath.Join(d, "dtmkit", "polaris-server"), nil
}

// Binary returns the path of the polaris-server binary, building it first
// if it is not cached yet. A build takes about a minute on two cores; it is
// announced through logf with the time it took.
func Binary(ctx context.Context, logf Logf) (string, error) {
	dir, err := CacheDir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, fmt.Sprintf("polaris-server-%s-%s-%s", Version, runtime.GOOS, runtime.GOARCH))
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("polaris server cache dir: %w", err)
	}
	logf("polarisserver: building %s@%s into %s (first run only, about a minute)", Module, Version, dir)
	start := time.Now()
	if err := build(ctx, dir, bin); err != nil {
		return "", err
	}
	logf("polarisserver: built polaris-server in %s", time.Since(start).Round(100*time.Millisecond))
	return bin, nil
}

// build copies the module to a scratch directory under dir, builds it there
// and moves the binary to bin. A concurrent build of the same binary is
// harmless: each writes its own file and renames it into place.
func build(ctx context.Context, dir, bin string) error {
	modDir, err := moduleDir(ctx)
	if err != nil {
		return err
	}
	src, err := os.MkdirTemp(dir, "src-")
	if err != nil {
		return fmt.Errorf("polaris server build dir: %w", err)
	}
	defer os.RemoveAll(src)
	// The module cache is read-only; CopyFS creates writable copies, and the
	// build may need to update go.sum.
	if err := os.CopyFS(src, os.DirFS(modDir)); err != nil {
		return fmt.Errorf("copy %s to %s: %w", modDir, src, err)
	}
	tmpBin := filepath.Join(src, "polaris-server.out")
	if _, err := goCommand(ctx, src, "build", "-o", tmpBin, "."); err != nil {
		return fmt.Errorf("build %s@%s: %w", Module, Version, err)
	}
	if err := os.Rename(tmpBin, bin); err != nil {
		return fmt.Errorf("install polaris server binary: %w", err)
	}
	return nil
}

// moduleDir returns the module's directory in the module cache, downloading
// it through the module proxy if needed.
func moduleDir(ctx context.Context) (string, error) {
	// Run outside any module or workspace, so the caller's go.mod and
	// go.work play no part.
	scratch, err := os.MkdirTemp("", "polarisserver-download-")
	if err != nil {
		return "", fmt.Errorf("polaris server download dir: %w", err)
	}
	defer os.RemoveAll(scratch)
	out, err := goCommand(ctx, scratch, "mod", "download", "-json", Module+"@"+Version)
	if err != nil {
		return "", fmt.Errorf("download %s@%s: %w", Module, Version, err)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil {
		return "", fmt.Errorf("download %s@%s: read go mod download output: %w", Module, Version, err)
	}
	if info.Error != "" || info.Dir == "" {
		return "", fmt.Errorf("download %s@%s: %s", Module, Version, info.Error)
	}
	if _, err := os.Stat(filepath.Join(info.Dir, "go.mod")); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("download %s@%s: no go.mod in %s", Module, Version, info.Dir)
		}
		return "", fmt.Errorf("download %s@%s: %w", Module, Version, err)
	}
	return info.Dir, nil
}

// goCommand runs the go command found on PATH in dir, in module mode with no
// workspace, and returns its standard output. Its error quotes the end of
// the standard error.
func goCommand(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go %s: %w: %s", strings.Join(args, " "), err, tail(stderr.String(), 2000))
	}
	return stdout.Bytes(), nil
}

// tail returns the last n bytes of s.
func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
