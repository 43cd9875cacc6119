package polarisserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dtmkit/drivers/conformance/infra/gobin"
)

// Module and Version name the polaris server that Binary builds.
const (
	Module  = "github.com/polarismesh/polaris"
	Version = "v1.18.1"
)

// Logf receives progress messages, such as testing.T.Logf.
type Logf = gobin.Logf

// Binary returns the path of the polaris-server binary, building it first
// if it is not cached yet (in gobin.CacheDir("polaris-server")). A build
// takes about a minute on two cores; it is announced through logf with the
// time it took.
func Binary(ctx context.Context, logf Logf) (string, error) {
	return gobin.Cached(ctx, "polaris-server", Version, "about a minute", logf, build)
}

// build copies the module to a scratch directory under dir and builds it
// there, returning the binary's path.
func build(ctx context.Context, dir string) (string, error) {
	modDir, err := moduleDir(ctx)
	if err != nil {
		return "", err
	}
	src, err := os.MkdirTemp(dir, "src-")
	if err != nil {
		return "", fmt.Errorf("polaris server build dir: %w", err)
	}
	defer os.RemoveAll(src)
	// The module cache is read-only; CopyFS creates writable copies, and the
	// build may need to update go.sum.
	if err := os.CopyFS(src, os.DirFS(modDir)); err != nil {
		return "", fmt.Errorf("copy %s to %s: %w", modDir, src, err)
	}
	out := filepath.Join(dir, filepath.Base(src)+".out")
	if _, err := gobin.Go(ctx, src, "build", "-o", out, "."); err != nil {
		return "", err
	}
	return out, nil
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
	out, err := gobin.Go(ctx, scratch, "mod", "download", "-json", Module+"@"+Version)
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
