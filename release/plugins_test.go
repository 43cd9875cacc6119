package release

import (
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// TestRegistryPluginsInstall does for each registry plug-in what a user does:
// in a fresh module, go get it at the release version, build a dtm server
// that blank-imports the driver and the plug-in, and run a client in which
// the plug-in's scheme parses through the driver.
func TestRegistryPluginsInstall(t *testing.T) {
	plugins, parents := registryPlugins()
	if len(plugins) == 0 {
		t.Skip("no registry plug-in module")
	}
	for i, p := range plugins {
		driver := parents[i]
		t.Run(p.TagPrefix, func(t *testing.T) {
			dir := userModule(t, "user-"+strings.ReplaceAll(p.TagPrefix, "/", "-"))
			runGo(t, dir, "get", p.Path+"@"+Version, driver.Path+"@"+Version, "github.com/dtm-labs/dtm@"+dtmVersion)
			writeFile(t, dir, "server/main.go", strings.Replace(serverMain(driver.Path),
				`_ "`+driver.Path+`"`, `_ "`+driver.Path+`"`+"\n\t_ \""+p.Path+`"`, 1))
			scheme := path.Base(p.Path)
			writeFile(t, dir, "client/main.go", pluginClientMain(driver.Path, p.Path, scheme+"://127.0.0.1:1/trans/trans.Trans/TransIn"))
			bin := t.TempDir()
			runGo(t, dir, "build", "-o", bin, "./server", "./client")
			out, err := exec.Command(filepath.Join(bin, "client")).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "method /trans.Trans/TransIn") {
				t.Fatalf("the plug-in's scheme did not parse through the driver: %v\n%s", err, out)
			}
		})
	}
}

// pluginClientMain selects the driver, with the plug-in imported, and parses
// a branch URL of the plug-in's scheme.
func pluginClientMain(driver, plugin, url string) string {
	return `package main

import (
	"log"

	"github.com/dtm-labs/dtm/client/dtmgrpc"
	"github.com/dtm-labs/dtmdriver"
	drv "` + driver + `"
	_ "` + plugin + `"
)

func main() {
	if err := dtmgrpc.UseDriver(drv.Name); err != nil {
		log.Fatal(err)
	}
	server, method, err := dtmdriver.GetDriver().ParseServerMethod("` + url + `")
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("server %s method %s", server, method)
}
`
}
