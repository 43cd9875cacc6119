package infra

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Main runs a test package that starts the suite's infrastructure: its tests
// and the processes they start get a temporary directory of their own as
// TMPDIR, the in-process dtm's data goes when they end, and the run fails
// if anything else is left in that directory. Every conformance test package
// calls it:
//
//	func TestMain(m *testing.M) { infra.Main(m) }
func Main(m *testing.M) {
	os.Exit(runInOwnTempDir(m.Run))
}

// runInOwnTempDir runs run with TMPDIR set to a new directory, removes
// dtm's data and then reports, failing the run, whatever else is left there.
// Other processes using the usual temporary directory cannot disturb the
// check.
func runInOwnTempDir(run func() int) int {
	dir, err := os.MkdirTemp("", "dtmkit-test-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "infra.Main: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	old, had := os.LookupEnv("TMPDIR")
	if err := os.Setenv("TMPDIR", dir); err != nil {
		fmt.Fprintf(os.Stderr, "infra.Main: %v\n", err)
		return 1
	}
	code := run()
	if err := RemoveDtmData(); err != nil {
		fmt.Fprintf(os.Stderr, "infra.Main: %v\n", err)
		code = max(code, 1)
	}
	if had {
		_ = os.Setenv("TMPDIR", old)
	} else {
		_ = os.Unsetenv("TMPDIR")
	}
	if left := leftIn(dir); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: the tests left %d entries in TMPDIR: %s\n", len(left), strings.Join(left, ", "))
		code = max(code, 1)
	}
	return code
}

// leftIn lists the entries of dir, with those of the directories in it.
func leftIn(dir string) []string {
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() {
			inner, _ := os.ReadDir(filepath.Join(dir, name))
			name += fmt.Sprintf("/ (%d entries)", len(inner))
		}
		left = append(left, name)
	}
	return left
}
