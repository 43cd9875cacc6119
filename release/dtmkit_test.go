package release

import (
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDtmkitInstallsAndRuns installs the check command as a user would and
// runs it on a URL nothing serves: it must split the URL, fail to connect,
// say so, and exit 1.
func TestDtmkitInstallsAndRuns(t *testing.T) {
	bin := t.TempDir()
	install := exec.Command("go", "install", modulePath(t, "cmd")+"/dtmkit@"+Version)
	install.Env = append(append([]string(nil), userEnv...), "GOBIN="+bin)
	install.Dir = bin
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("go install: %v\n%s", err, out)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	check := exec.Command(filepath.Join(bin, "dtmkit"), "check", "-timeout", "2s", "-driver", "protocol1",
		"protocol1://"+addr+"/trans.Trans/TransIn")
	out, err := check.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("dtmkit check on a dead address: %v, want exit status 1\n%s", err, out)
	}
	for _, want := range []string{"/trans.Trans/TransIn", addr, "FAIL"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
