package main

import (
	kratosdriver "github.com/dtmkit/drivers/driver-kratos"
	kratosnacos "github.com/dtmkit/drivers/driver-kratos/nacos"
)

// kratos on nacos: the plug-in adds nacos:// to the kratos driver, as in
// the bundled dtm server. The instances are read through the driver's
// resolver; there is no separate registry view. This init runs after
// driver_kratos.go's, whose file name sorts first.
func init() {
	d := drivers[kratosdriver.Name]
	d.schemes = append(d.schemes, kratosnacos.Scheme)
}
