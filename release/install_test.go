package release

import (
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// dtmVersion is the dtm release the drivers are built and tested against.
const dtmVersion = "v1.19.0"

// TestDriversInstall does for each driver what a user does: in a fresh
// module, go get the driver at the release version, then build a dtm server
// that blank-imports it and a client that selects it.
func TestDriversInstall(t *testing.T) {
	for _, d := range drivers() {
		t.Run(d.TagPrefix, func(t *testing.T) {
			dir := userModule(t, "user-"+d.TagPrefix)
			start := time.Now()
			runGo(t, dir, "get", d.Path+"@"+Version, "github.com/dtm-labs/dtm@"+dtmVersion)
			writeFile(t, dir, "server/main.go", serverMain(d.Path))
			writeFile(t, dir, "client/main.go", clientMain(d.Path))
			bin := t.TempDir()
			runGo(t, dir, "build", "-o", bin, "./server", "./client")
			out, err := exec.Command(filepath.Join(bin, "client")).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "using dtm-driver-") {
				t.Fatalf("the client did not select the driver: %v\n%s", err, out)
			}
			t.Logf("go get and build took %s", time.Since(start).Round(time.Second))
		})
	}
}

// serverMain is a dtm server with one driver, as dtm's docs build one.
func serverMain(driver string) string {
	return `package main

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/dtm-labs/dtm/dtmsvr/entry"
	_ "` + driver + `"
)

func main() {
	version := "test"
	if app, _ := entry.Main(&version); app == nil {
		return
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}
`
}

// clientMain selects the driver as a dtm client does.
func clientMain(driver string) string {
	return `package main

import (
	"log"

	"github.com/dtm-labs/dtm/client/dtmgrpc"
	drv "` + driver + `"
)

func main() {
	if err := dtmgrpc.UseDriver(drv.Name); err != nil {
		log.Fatal(err)
	}
	log.Printf("using %s (package ` + path.Base(driver) + `)", drv.Name)
}
`
}
