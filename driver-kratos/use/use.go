// Package use selects dtm-driver-kratos as dtm's driver when the program
// starts, as upstream's client package github.com/dtm-labs/driver-kratos does.
// Replace that import with this one, and nothing else:
//
//	import _ "github.com/dtmkit/drivers/driver-kratos/use"
//
// dtm clients then resolve discovery://, etcd:// and direct:// URLs, for dtm
// and for branches. dtm takes one driver per process: if another driver was
// selected first, the init panics saying which one.
//
// A dtm server selects its driver from conf.yml (MicroService.Driver), so it
// imports github.com/dtmkit/drivers/driver-kratos and not this package.
package use

import (
	"github.com/dtm-labs/dtmdriver"

	kratosdriver "github.com/dtmkit/drivers/driver-kratos"
	"github.com/dtmkit/drivers/kit"
)

func init() { mustSelect(kratosdriver.Name) }

// mustSelect selects the driver called name, or panics with the reason.
func mustSelect(name string) {
	if err := dtmdriver.Use(name); err != nil {
		panic(kit.SelectError("github.com/dtmkit/drivers/driver-kratos/use", name, dtmdriver.GetDriver().GetName(), err))
	}
}
