package main

import (
	gozero "github.com/dtmkit/drivers/driver-gozero"
	gozeroconsul "github.com/dtmkit/drivers/driver-gozero/consul"
)

// go-zero on consul: the plug-in adds consul:// to the go-zero driver, as in
// the bundled dtm server. The instances are read through the driver's
// resolver (passing ones only); there is no separate registry view. This
// init runs after driver_gozero.go's, whose file name sorts first.
func init() {
	d := drivers[gozero.Name]
	d.schemes = append(d.schemes, gozeroconsul.Scheme)
}
