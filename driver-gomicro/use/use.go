// Package use selects dtm-driver-gomicro as dtm's driver when the program
// starts. Blank-import it instead of calling dtmgrpc.UseDriver:
//
//	import _ "github.com/dtmkit/drivers/driver-gomicro/use"
//
// dtm clients then resolve gomicro:// URLs, for dtm and for branches. dtm
// takes one driver per process: if another driver was selected first, the init
// panics saying which one.
//
// A dtm server selects its driver from conf.yml (MicroService.Driver), so it
// imports github.com/dtmkit/drivers/driver-gomicro and not this package.
package use

import (
	"github.com/dtm-labs/dtmdriver"

	gomicrodriver "github.com/dtmkit/drivers/driver-gomicro"
	"github.com/dtmkit/drivers/kit"
)

func init() { mustSelect(gomicrodriver.Name) }

// mustSelect selects the driver called name, or panics with the reason.
func mustSelect(name string) {
	if err := dtmdriver.Use(name); err != nil {
		panic(kit.SelectError("github.com/dtmkit/drivers/driver-gomicro/use", name, dtmdriver.GetDriver().GetName(), err))
	}
}
