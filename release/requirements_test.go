package release

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dtmkit/drivers/release/modproxy"
)

// TestPublishedModulesRequireTheRelease checks the tree: every published
// go.mod requires its siblings at Version and replaces nothing.
func TestPublishedModulesRequireTheRelease(t *testing.T) {
	if err := modproxy.CheckRequirements(repoRoot, Version); err != nil {
		t.Fatal(err)
	}
}

// TestCheckRequirementsCatchesUnreleasedVersions puts back what the tree
// had before the first release (a sibling at v0.0.0 reached by a replace)
// in a copy of the workspace files, and expects the check to name both.
func TestCheckRequirementsCatchesUnreleasedVersions(t *testing.T) {
	tmp := t.TempDir()
	copyFile(t, filepath.Join(repoRoot, "go.work"), filepath.Join(tmp, "go.work"))
	mods, err := modproxy.Workspace(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mods {
		copyFile(t, filepath.Join(m.Dir, "go.mod"), filepath.Join(tmp, m.TagPrefix, "go.mod"))
	}
	gomod := filepath.Join(tmp, "driver-protocol1", "go.mod")
	data, err := os.ReadFile(gomod)
	if err != nil {
		t.Fatal(err)
	}
	kit := modproxy.Prefix + "kit"
	broken := strings.Replace(string(data), kit+" "+Version, kit+" v0.0.0", 1) + "\nreplace " + kit + " => ../kit\n"
	if broken == string(data)+"\nreplace "+kit+" => ../kit\n" {
		t.Fatalf("driver-protocol1/go.mod does not require %s %s", kit, Version)
	}
	if err := os.WriteFile(gomod, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	err = modproxy.CheckRequirements(tmp, Version)
	if err == nil {
		t.Fatal("a sibling required at v0.0.0 through a replace passed the check")
	}
	for _, want := range []string{"driver-protocol1/go.mod requires " + kit + " v0.0.0", "driver-protocol1/go.mod replaces " + kit} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the check's error does not say %q:\n%v", want, err)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
