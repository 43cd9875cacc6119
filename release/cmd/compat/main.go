// Command compat proves the oldest versions that kit and each driver claim
// to work with (`make compat`). It builds a file-based module proxy of the
// release from the working tree (release/modproxy) and, outside the
// workspace, in a fresh module per check:
//
//   - floors: requires only the module at the release version, so that its
//     go.mod's requirements — the floors — are exactly what gets selected
//     (checked), then builds it and runs its unit tests;
//   - dtmdriver v0.0.3 and v0.0.6: a program written against that
//     generation of dtm's driver interface assigns the driver to a
//     dtmdriver.Driver, selects it, calls the generation's methods, and,
//     where the driver has an address-list scheme, makes branch calls through
//     it as dtm does (grpc.Dial, no balancer option) to two gRPC servers.
//
// It prints a table of module × check → pass/fail and exits 1 if any check
// failed. It writes nothing into the checkout: everything goes to a temp
// dir it removes, and it forgets our modules from the module cache before
// and after (modproxy.ForgetCached), under modproxy's machine-wide lock.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/dtmkit/drivers/release/modproxy"
)

// version is the release version the proxy serves our modules at.
const version = "v0.1.0"

func main() {
	root := flag.String("root", ".", "repository root (holding go.work)")
	timeout := flag.Duration("timeout", 45*time.Minute, "bound on the whole run")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	code, err := run(ctx, *root)
	cancel()
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "compat:", err)
		code = 1
	}
	os.Exit(code)
}

// run does the checks and returns the exit code: 1 if any check failed.
func run(ctx context.Context, root string) (code int, err error) {
	start := time.Now()
	unlock, err := modproxy.Lock()
	if err != nil {
		return 1, err
	}
	defer unlock()
	if err := modproxy.ForgetCached(); err != nil {
		return 1, err
	}
	defer func() {
		if ferr := modproxy.ForgetCached(); err == nil {
			err = ferr
		}
	}()
	tmp, err := os.MkdirTemp("", "dtmkit-compat-*")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(tmp)

	w, err := newWorkspace(ctx, root, tmp)
	if err != nil {
		return 1, err
	}
	var rows []row
	for _, t := range w.targets {
		rows = append(rows, w.check(t))
	}
	printTable(os.Stdout, rows)
	fmt.Printf("\nmake compat took %s\n", time.Since(start).Round(time.Second))
	for _, r := range rows {
		if r.failed() {
			return 1, nil
		}
	}
	return 0, nil
}
