// Command gozero runs the go-zero example. etc/config.yaml starts etcd and dtm
// in this process (Embedded: true); set Embedded: false and the hosts to run
// against a real etcd and a dtm that uses dtm-driver-gozero (for example
// cmd/dtm -c cmd/dtm/conf/gozero.yml).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/dtmkit/drivers/examples/gozero/demo"
	"github.com/zeromicro/go-zero/core/conf"
)

var configFile = flag.String("f", "etc/config.yaml", "the config file")

func main() {
	flag.Parse()
	var c demo.Config
	conf.MustLoad(*configFile, &c)
	say := func(f string, a ...any) { fmt.Printf(f+"\n", a...) }
	if err := demo.Run(c, say); err != nil {
		fmt.Fprintln(os.Stderr, "go-zero example:", err)
		os.Exit(1)
	}
}
