// Command quickstart shows dtm running transactions through one of this
// repository's drivers, on infrastructure it starts in its own process:
//
//	go run ./examples/quickstart                 # go-zero over etcd
//	go run ./examples/quickstart -driver kratos  # or polaris, protocol1
//
// It needs nothing installed but Go. For polaris it builds the polaris server
// from its Go module first (about a minute, once).
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	_ "github.com/dtmkit/drivers/examples/internal/quietstart" // see its doc
)

// demos maps -driver values to the example each one runs.
var demos = map[string]func(say func(string, ...any)) error{}

func main() {
	names := make([]string, 0, len(demos))
	for n := range demos {
		names = append(names, n)
	}
	sort.Strings(names)
	driver := flag.String("driver", "gozero", "the driver to run the story on: "+strings.Join(names, ", "))
	flag.Parse()
	run, ok := demos[*driver]
	if !ok {
		fmt.Fprintf(os.Stderr, "quickstart: no driver %q; choose one of %s\n", *driver, strings.Join(names, ", "))
		os.Exit(2)
	}
	start := time.Now()
	say := func(f string, a ...any) { fmt.Printf(f+"\n", a...) }
	if err := run(say); err != nil {
		fmt.Fprintf(os.Stderr, "quickstart: %v\n", err)
		os.Exit(1)
	}
	say("done in %.1fs", time.Since(start).Seconds())
}
