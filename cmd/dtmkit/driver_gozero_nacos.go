package main

import (
	"github.com/zeromicro/go-zero/core/logx"

	gozero "github.com/dtmkit/drivers/driver-gozero"
	gozeronacos "github.com/dtmkit/drivers/driver-gozero/nacos"
)

// go-zero on nacos: the plug-in adds nacos:// to the go-zero driver, as in
// the bundled dtm server. The instances are read through the driver's
// resolver; there is no separate registry view. This init runs after
// driver_gozero.go's, whose file name sorts first.
func init() {
	d := drivers[gozero.Name]
	d.schemes = append(d.schemes, gozeronacos.Scheme)
	// The plug-in logs nacos-sdk-go's errors, stack traces included, through
	// go-zero's logx; the check reports the resolver's errors itself.
	logx.Disable()
}
