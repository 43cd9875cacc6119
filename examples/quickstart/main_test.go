package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// wantLines must appear, in this order, in every driver's output.
var wantLines = []string{
	"balances: user 1 = 100, user 2 = 100, user 3 = 100",
	"1. 2-phase message: 30 from user 1 to user 2",
	"   TransOut 30 from user 1",
	"   TransIn 30 to user 2",
	": succeeded",
	"2. saga: 30 from user 1 to user 2",
	": succeeded",
	"3. saga: 30 from user 1 to user 3, whose account is frozen",
	"   TransIn 30 to user 3 refused: account frozen",
	"   compensate TransOut 30 to user 1",
	": rolled back",
	"balances: user 1 = 40, user 2 = 160, user 3 = 100",
	"done in ",
}

// TestQuickstart builds the quickstart and runs it once per driver, as a
// user would, checking its story, its exit status, and that it leaves no
// temporary files behind.
func TestQuickstart(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "quickstart")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	var drivers []string
	for d := range builtin {
		drivers = append(drivers, d)
	}
	for d := range examples {
		drivers = append(drivers, d)
	}
	sort.Strings(drivers)
	t.Run("unknown driver", func(t *testing.T) {
		out, err := exec.Command(bin, "-driver", "nope").CombinedOutput()
		if err == nil || !strings.Contains(string(out), `no driver "nope"; choose one of`) {
			t.Fatalf("got %v, output:\n%s", err, out)
		}
	})
	for _, driver := range drivers {
		t.Run(driver, func(t *testing.T) {
			tmp := t.TempDir()
			// polaris builds its server the first time: allow for it.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "-driver", driver)
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			start := time.Now()
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("quickstart -driver %s: %v\n%s", driver, err, out)
			}
			t.Logf("quickstart -driver %s ran in %s", driver, time.Since(start).Round(10*time.Millisecond))
			rest := string(out)
			for _, line := range wantLines {
				i := strings.Index(rest, line)
				if i < 0 {
					t.Fatalf("output lacks %q after what came before; output:\n%s", line, out)
				}
				rest = rest[i+len(line):]
			}
			left, _ := os.ReadDir(tmp)
			if len(left) > 0 {
				var names []string
				for _, e := range left {
					names = append(names, e.Name())
				}
				t.Errorf("quickstart left %v in its temporary directory", names)
			}
		})
	}
}
