package dtmcluster

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"

	"github.com/dtmkit/drivers/conformance/infra/gobin"
)

// goBuild runs go build for Package in the caller's module or workspace.
func goBuild(ctx context.Context, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, Package)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%w: %s", err, gobin.Tail(stderr.String(), 2000))
	}
	return nil
}
