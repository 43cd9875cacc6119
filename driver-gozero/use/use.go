// Package use selects dtm-driver-gozero as dtm's driver when the program
// starts, as upstream's client package github.com/dtm-labs/driver-gozero does.
// Replace that import with this one, and nothing else:
//
//	import _ "github.com/dtmkit/drivers/driver-gozero/use"
//
// dtm clients then resolve etcd://, discov://, direct:// and k8s:// URLs, for
// dtm and for branches. dtm takes one driver per process: if another driver
// was selected first, the init panics saying which one.
//
// A dtm server selects its driver from conf.yml (MicroService.Driver), so it
// imports github.com/dtmkit/drivers/driver-gozero and not this package.
package use

import (
	"github.com/dtm-labs/dtmdriver"
	// zrpc registers go-zero's resolvers in its init. Imported here, that
	// init runs before this package's, which wraps them; otherwise, in a
	// go-zero app, it may run after and replace the driver's resolvers
	// (round_robin, credentials from the URL) for the branch calls the app
	// makes itself. A go-zero app links zrpc anyway; other programs can
	// call dtmgrpc.UseDriver(gozero.Name) in main instead of importing this.
	_ "github.com/zeromicro/go-zero/zrpc"

	gozero "github.com/dtmkit/drivers/driver-gozero"
	"github.com/dtmkit/drivers/kit"
)

func init() { mustSelect(gozero.Name) }

// mustSelect selects the driver called name, or panics with the reason.
func mustSelect(name string) {
	if err := dtmdriver.Use(name); err != nil {
		panic(kit.SelectError("github.com/dtmkit/drivers/driver-gozero/use", name, dtmdriver.GetDriver().GetName(), err))
	}
}
