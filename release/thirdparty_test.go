package release

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestThirdPartyConformance runs the conformance suite the way an author of
// a driver outside this repository would: a module of their own that
// requires conformance at the release version, with a harness test file
// (here the protocol1 harness of this repository, copied as is) calling
// conformance.Run.
func TestThirdPartyConformance(t *testing.T) {
	harness, err := os.ReadFile(filepath.Join(repoRoot, "conformance", "protocol1", "protocol1_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	dir := userModule(t, "thirdparty")
	writeFile(t, dir, "protocol1_test.go", string(harness))
	start := time.Now()
	runGo(t, dir, "get", modulePath(t, "conformance")+"@"+Version, modulePath(t, "driver-protocol1")+"@"+Version)
	out := runGo(t, dir, "test", "-count=1", "-run", "TestConformance", ".")
	if !strings.Contains(out, "ok ") {
		t.Fatalf("conformance did not pass:\n%s", out)
	}
	t.Logf("go get and go test took %s", time.Since(start).Round(time.Second))
}
