package main

import (
	kratosdriver "github.com/dtmkit/drivers/driver-kratos"
	kratosconsul "github.com/dtmkit/drivers/driver-kratos/consul"
)

// kratos on consul: the plug-in adds consul:// to the kratos driver, as in
// the bundled dtm server. The instances are read through the driver's
// resolver (passing ones with a grpc endpoint); there is no separate
// registry view. This init runs after driver_kratos.go's, whose file name
// sorts first.
func init() {
	d := drivers[kratosdriver.Name]
	d.schemes = append(d.schemes, kratosconsul.Scheme)
}
