module github.com/dtmkit/drivers/examples

go 1.24.0
