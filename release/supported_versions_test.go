package release

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

// moduleOfRow names the module a "Supported versions" row is about when its
// label does not quote the path in backticks.
var moduleOfRow = map[string]string{
	"dtmdriver":  "github.com/dtm-labs/dtmdriver",
	"go-zero":    "github.com/zeromicro/go-zero",
	"grpc":       "google.golang.org/grpc",
	"polaris-go": "github.com/polarismesh/polaris-go",
}

var backticked = regexp.MustCompile("`([^`]+)`")

// TestReadmesStateTheVersionsTested keeps each driver README's "Supported
// versions" table true: its oldest column is what the driver's go.mod
// requires (the floors make compat proves), and its newest column is what
// the workspace selects, on which the conformance suite runs.
func TestReadmesStateTheVersionsTested(t *testing.T) {
	for _, m := range drivers() {
		t.Run(m.TagPrefix, func(t *testing.T) {
			rows := supportedVersions(t, filepath.Join(m.Dir, "README.md"))
			gomod := readModFile(t, filepath.Join(m.Dir, "go.mod"))
			for label, v := range rows {
				if label == "Go" {
					if gomod.Go == nil || v[0] != gomod.Go.Version {
						t.Errorf("README says Go %s is the oldest; go.mod says %v", v[0], gomod.Go)
					}
					continue
				}
				path := moduleOfRow[label]
				if mm := backticked.FindStringSubmatch(label); mm != nil {
					path = mm[1]
				}
				if path == "" {
					t.Errorf("README row %q: no module path (quote it in backticks)", label)
					continue
				}
				if got := required(gomod, path); got != v[0] {
					t.Errorf("README says %s %s is the oldest; go.mod requires %q", path, v[0], got)
				}
				if got := workspaceVersion(t, path); got != v[1] {
					t.Errorf("README says %s %s is the newest tested; the workspace selects %s", path, v[1], got)
				}
			}
			for _, must := range []string{"Go", "dtmdriver", "grpc"} {
				if _, ok := rows[must]; !ok {
					t.Errorf("README's Supported versions has no %s row", must)
				}
			}
		})
	}
}

// supportedVersions reads the table under "## Supported versions": label →
// [oldest, newest], each the cell's first word.
func supportedVersions(t *testing.T, readme string) map[string][2]string {
	t.Helper()
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "\n## Supported versions\n")
	if !ok {
		t.Fatalf("%s has no Supported versions section", readme)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	rows := map[string][2]string{}
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(strings.Trim(line, "| "), "|")
		if !strings.HasPrefix(line, "|") || len(cells) != 3 || strings.HasPrefix(cells[1], "-") {
			continue
		}
		label := strings.TrimSpace(cells[0])
		oldest, newest := strings.Fields(cells[1]), strings.Fields(cells[2])
		if label == "" || len(oldest) == 0 || len(newest) == 0 {
			continue // the header row
		}
		rows[label] = [2]string{oldest[0], newest[0]}
	}
	if len(rows) == 0 {
		t.Fatalf("%s: no rows in its Supported versions table", readme)
	}
	return rows
}

func readModFile(t *testing.T, path string) *modfile.File {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.ParseLax(path, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// required returns the version go.mod requires of path, or "".
func required(f *modfile.File, path string) string {
	for _, r := range f.Require {
		if r.Mod.Path == path {
			return r.Mod.Version
		}
	}
	return ""
}

// workspaceVersion returns the version of path the workspace selects.
func workspaceVersion(t *testing.T, path string) string {
	t.Helper()
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Version}}", path)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "GOWORK="+filepath.Join(repoRoot, "go.work"), "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list -m %s: %v\n%s", path, err, out)
	}
	return strings.TrimSpace(string(out))
}
