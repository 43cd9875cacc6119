// Command dtm is the dtm v1.19.0 server with this repository's drivers and
// registry plug-ins built in, and no other driver:
//
//	go install github.com/dtmkit/drivers/cmd/dtm@v0.1.0 && dtm -c cmd/dtm/conf/gozero.yml
//
// conf/ has a sample configuration per driver. dtm's admin UI is not
// bundled; everything else is dtm's own entry point and flags. Its stdout
// and stderr pass through kit.Redact in a filter process, so that a password
// written in conf.yml stays out of the log (see logfilter.go).
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/dtm-labs/dtm/dtmsvr/entry"
	"github.com/dtm-labs/logger"

	_ "github.com/dtmkit/drivers/driver-gomicro"
	_ "github.com/dtmkit/drivers/driver-gozero"
	_ "github.com/dtmkit/drivers/driver-gozero/consul"
	_ "github.com/dtmkit/drivers/driver-gozero/nacos"
	_ "github.com/dtmkit/drivers/driver-kratos"
	_ "github.com/dtmkit/drivers/driver-kratos/consul"
	_ "github.com/dtmkit/drivers/driver-kratos/nacos"
	_ "github.com/dtmkit/drivers/driver-polaris"
	_ "github.com/dtmkit/drivers/driver-protocol1"
)

// Version is reported by -v; set it with -ldflags "-X main.Version=...".
var Version string

func main() {
	if isLogFilter() {
		runLogFilter()
		return
	}
	if err := startLogFilter(); err != nil {
		// fail closed: without the filter, a password could reach the log
		fmt.Fprintf(os.Stderr, "dtm: start the log filter: %v\n", err)
		os.Exit(1)
	}
	app, _ := entry.Main(&Version)
	if app == nil { // -v or -h
		return
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	logger.Infof("dtm server stopping")
	if err := closeDriver(driverCloseTimeout); err != nil {
		logger.Errorf("dtm server: %v", err)
	}
}
