package main

import (
	gozero "github.com/dtmkit/drivers/examples/gozero/demo"
	kratos "github.com/dtmkit/drivers/examples/kratos/demo"
	polaris "github.com/dtmkit/drivers/examples/polaris/demo"
	protocol1 "github.com/dtmkit/drivers/examples/protocol1/demo"
)

func init() {
	demos["gozero"] = func(say func(string, ...any)) error {
		return gozero.Run(gozero.DefaultConfig(), say)
	}
	demos["kratos"] = func(say func(string, ...any)) error {
		return kratos.Run(kratos.Config{Listen: "127.0.0.1:0"}, say)
	}
	demos["polaris"] = func(say func(string, ...any)) error {
		return polaris.Run(polaris.Config{Listen: "127.0.0.1:0"}, say)
	}
	demos["protocol1"] = func(say func(string, ...any)) error {
		return protocol1.Run(protocol1.Config{Listen: "127.0.0.1:0"}, say)
	}
}
