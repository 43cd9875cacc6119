package consulagent

import (
	"context"
	"os"
	"path/filepath"

	"github.com/dtmkit/drivers/conformance/infra/gobin"
)

// The consul agent Binary builds. consul's go.mod replaces its api, sdk and
// other nested modules with directories its module zip leaves out, so it is
// built as a dependency of a small module of our own, which must require
// the api at the version consul v1.22.7 is written against (at v1.33.7 the
// build fails: TokenNameFormat undefined).
const (
	Module     = "github.com/hashicorp/consul"
	Version    = "v1.22.7"
	APIModule  = "github.com/hashicorp/consul/api"
	APIVersion = "v1.34.5"
)

// Binary returns the path of the consul binary, building it first if it is
// not cached yet (in gobin.CacheDir("consul")): 5 to 13 minutes on two
// cores, announced through logf.
func Binary(ctx context.Context, logf gobin.Logf) (string, error) {
	return gobin.Cached(ctx, "consul", Version, "5 to 13 minutes on 2 cores", logf, build)
}

// build makes the module in a scratch directory under dir and builds consul
// there.
func build(ctx context.Context, dir string) (string, error) {
	src, err := os.MkdirTemp(dir, "src-")
	if err != nil {
		return "", err
	}
	// The binary is moved out before src goes; the rest goes at once.
	out := filepath.Join(dir, filepath.Base(src)+".out")
	defer os.RemoveAll(src)
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module dtmkit.local/consulbuild\n"), 0o644); err != nil {
		return "", err
	}
	if _, err := gobin.Go(ctx, src, "get", Module+"@"+Version, APIModule+"@"+APIVersion); err != nil {
		return "", err
	}
	if _, err := gobin.Go(ctx, src, "build", "-o", out, Module); err != nil {
		return "", err
	}
	return out, nil
}
