module github.com/dtmkit/drivers/driver-polaris

go 1.24.0
