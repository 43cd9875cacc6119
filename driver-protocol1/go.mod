module github.com/dtmkit/drivers/driver-protocol1

go 1.24.0
