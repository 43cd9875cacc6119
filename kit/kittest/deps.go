package kittest

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// NonStandardDeps returns the non-standard packages a binary importing only
// the package in the working directory links, built with tags: what
// `go list -deps` lists, plus the binary's main package itself. It skips t
// when no go tool is on PATH.
func NonStandardDeps(t testing.TB, tags string) []string {
	t.Helper()
	out := GoTool(t, "list", "-deps", "-tags", tags, "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".")
	return append(strings.Fields(out), "main")
}

// GoTool runs the go tool with args in the working directory, bounded to 5
// minutes, and returns its standard output; it fails t on an error and
// skips t when no go tool is on PATH.
func GoTool(t testing.TB, args ...string) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, gobin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}
