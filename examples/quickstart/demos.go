package main

import (
	gozero "github.com/dtmkit/drivers/examples/gozero/demo"
)

// builtin is the story linked into the quickstart: go-zero, the default. Only
// it is compiled by the first `go run ./examples/quickstart`.
var builtin = map[string]func(say func(string, ...any)) error{
	"gozero": func(say func(string, ...any)) error {
		return gozero.Run(gozero.DefaultConfig(), say)
	},
}

// examples are the drivers whose story runs as that framework's example, in a
// child `go run`: linking them here would make every first run compile
// kratos and polaris-go too (see the README for the figures).
var examples = map[string]string{
	"gomicro":   "github.com/dtmkit/drivers/examples/gomicro",
	"kratos":    "github.com/dtmkit/drivers/examples/kratos",
	"polaris":   "github.com/dtmkit/drivers/examples/polaris",
	"protocol1": "github.com/dtmkit/drivers/examples/protocol1",
}
