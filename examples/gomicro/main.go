// Command gomicro runs the go-micro example: with no flags, on etcd and dtm
// it starts itself; with -etcd, against a real etcd and a dtm registered
// there through dtm-driver-gomicro (for example
// cmd/dtm -c cmd/dtm/conf/gomicro.yml).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/dtmkit/drivers/examples/gomicro/demo"
)

func main() {
	var c demo.Config
	flag.StringVar(&c.Etcd, "etcd", "", "etcd hosts, e.g. 127.0.0.1:2379 (default: start etcd and dtm in this process)")
	flag.StringVar(&c.Dtm, "dtm", "", "dtm URL (default: gomicro://<etcd>/dtmservice)")
	flag.StringVar(&c.Listen, "listen", "127.0.0.1:0", "address of the trans service")
	flag.Parse()
	say := func(f string, a ...any) { fmt.Printf(f+"\n", a...) }
	if err := demo.Run(c, say); err != nil {
		fmt.Fprintln(os.Stderr, "go-micro example:", err)
		os.Exit(1)
	}
}
