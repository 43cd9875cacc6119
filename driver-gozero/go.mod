module github.com/dtmkit/drivers/driver-gozero

go 1.24.0
