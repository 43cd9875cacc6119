package main

import (
	protocol1 "github.com/dtmkit/drivers/driver-protocol1"
)

// protocol1: the URL lists the addresses; there is no registry to read.
func init() {
	register(&driverInfo{
		name:    protocol1.Name,
		aliases: []string{"protocol1"},
		schemes: []string{protocol1.Protocol1Scheme},
	})
}
