// Command kratos runs the kratos example: with no flags, on etcd and dtm it
// starts itself; with -etcd, against a real etcd and a dtm registered there
// through dtm-driver-kratos (for example cmd/dtm -c cmd/dtm/conf/kratos.yml).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/dtmkit/drivers/examples/kratos/demo"
)

func main() {
	var c demo.Config
	flag.StringVar(&c.Etcd, "etcd", "", "etcd hosts, e.g. 127.0.0.1:2379 (default: start etcd and dtm in this process)")
	flag.StringVar(&c.Dtm, "dtm", "", "dtm URL (default: discovery://<etcd>/dtmservice)")
	flag.StringVar(&c.Listen, "listen", "127.0.0.1:0", "address of the trans service")
	flag.Parse()
	say := func(f string, a ...any) { fmt.Printf(f+"\n", a...) }
	if err := demo.Run(c, say); err != nil {
		fmt.Fprintln(os.Stderr, "kratos example:", err)
		os.Exit(1)
	}
}
