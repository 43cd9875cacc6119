module github.com/dtmkit/drivers/driver-kratos

go 1.24.0
