// Package dtmcluster runs dtm servers out of process for the cluster tests:
// the bundled dtm server (github.com/dtmkit/drivers/cmd/dtm), several
// sharing one store, each registered through a driver, which a test stops
// gracefully (SIGTERM) or kills (SIGKILL) and starts again.
package dtmcluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/dtmkit/drivers/conformance/infra/gobin"
)

// Package is the dtm server Build builds.
const Package = "github.com/dtmkit/drivers/cmd/dtm"

// Build builds the bundled dtm server from the workspace into a new temp
// dir, and returns the binary and a func that removes it. Run it once per
// test process: a build takes 10–40 s.
func Build(ctx context.Context, logf gobin.Logf) (bin string, remove func(), err error) {
	dir, err := os.MkdirTemp("", "dtmkit-dtm-bin-")
	if err != nil {
		return "", nil, err
	}
	remove = func() { _ = os.RemoveAll(dir) }
	bin = filepath.Join(dir, "dtm")
	begin := time.Now()
	// In the caller's workspace, so the tree's drivers are built in.
	if _, err := gobin.GoWithEnv(ctx, "", nil, "build", "-o", bin, Package); err != nil {
		remove()
		return "", nil, fmt.Errorf("build %s: %w", Package, err)
	}
	logf("dtmcluster: built %s in %s", Package, time.Since(begin).Round(100*time.Millisecond))
	return bin, remove, nil
}
