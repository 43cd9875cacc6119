// Command quickstart shows dtm running transactions through one of this
// repository's drivers, on infrastructure it starts in its own process:
//
//	go run ./examples/quickstart                 # go-zero over etcd
//	go run ./examples/quickstart -driver kratos  # or gomicro, polaris, protocol1
//
// It needs nothing installed but Go. The go-zero story is linked in; the
// others run their framework's example with `go run`, so that the default
// first run compiles neither kratos nor polaris-go. For polaris the example
// builds the polaris server from its Go module first (about a minute, once).
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"

	_ "github.com/dtmkit/drivers/examples/internal/quietstart" // see its doc
)

func main() {
	var names []string
	for n := range builtin {
		names = append(names, n)
	}
	for n := range examples {
		names = append(names, n)
	}
	sort.Strings(names)
	driver := flag.String("driver", "gozero", "the driver to run the story on: "+strings.Join(names, ", "))
	flag.Parse()
	start := time.Now()
	say := func(f string, a ...any) { fmt.Printf(f+"\n", a...) }
	var err error
	if run, ok := builtin[*driver]; ok {
		err = run(say)
	} else if pkg, ok := examples[*driver]; ok {
		say("(running %s: its first run compiles %s)", pkg, *driver)
		err = goRun(pkg)
	} else {
		fmt.Fprintf(os.Stderr, "quickstart: no driver %q; choose one of %s\n", *driver, strings.Join(names, ", "))
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "quickstart: %v\n", err)
		os.Exit(1)
	}
	say("done in %.1fs", time.Since(start).Seconds())
}

// goRun runs an example package with the quickstart's output and the
// environment quietstart set up.
func goRun(pkg string) error {
	cmd := exec.Command("go", "run", pkg)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go run %s: %w", pkg, err)
	}
	return nil
}
