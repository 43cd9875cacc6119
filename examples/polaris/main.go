// Command polaris runs the polaris example: with no flags, it builds (once)
// and starts a polaris server and dtm in this process; with -polaris,
// against a running polaris server and a dtm registered there through
// dtm-driver-polaris (for example cmd/dtm -c cmd/dtm/conf/polaris.yml).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/dtmkit/drivers/examples/polaris/demo"
)

func main() {
	var c demo.Config
	flag.StringVar(&c.Polaris, "polaris", "", "polaris server gRPC address, e.g. 127.0.0.1:8091 (default: start one in this process)")
	flag.StringVar(&c.Dtm, "dtm", "", "dtm URL (default: polaris://dtmservice?namespace=default)")
	flag.StringVar(&c.Listen, "listen", "127.0.0.1:0", "address of the trans service")
	flag.Parse()
	say := func(f string, a ...any) { fmt.Printf(f+"\n", a...) }
	if err := demo.Run(c, say); err != nil {
		fmt.Fprintln(os.Stderr, "polaris example:", err)
		os.Exit(1)
	}
}
