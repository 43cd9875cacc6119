// Command protocol1 runs the protocol1 example: with no flags, on a dtm it
// starts itself; with -dtm, against a running dtm that uses
// dtm-driver-protocol1 (for example cmd/dtm -c cmd/dtm/conf/protocol1.yml).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/dtmkit/drivers/examples/protocol1/demo"
)

func main() {
	var c demo.Config
	flag.StringVar(&c.Dtm, "dtm", "", "dtm URL, e.g. protocol1://127.0.0.1:36790 (default: start dtm in this process)")
	flag.StringVar(&c.Listen, "listen", "127.0.0.1:0", "address of the trans service")
	flag.Parse()
	say := func(f string, a ...any) { fmt.Printf(f+"\n", a...) }
	if err := demo.Run(c, say); err != nil {
		fmt.Fprintln(os.Stderr, "protocol1 example:", err)
		os.Exit(1)
	}
}
