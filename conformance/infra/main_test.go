package infra

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRunInOwnTempDir: a run that leaves a file in TMPDIR fails, one that
// leaves nothing passes, and the directory is gone either way.
func TestRunInOwnTempDir(t *testing.T) {
	var dir string
	code := runInOwnTempDir(func() int {
		dir = os.TempDir()
		return 0
	})
	if code != 0 {
		t.Errorf("a clean run exits %d, want 0", code)
	}
	if dir == os.TempDir() {
		t.Errorf("the run used the usual TMPDIR %s, want one of its own", dir)
	}
	code = runInOwnTempDir(func() int {
		dir = os.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "left-behind"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		return 0
	})
	if code == 0 {
		t.Error("a run that left a file in TMPDIR exits 0")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the run's TMPDIR %s is still there: %v", dir, err)
	}
}
