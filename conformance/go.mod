module github.com/dtmkit/drivers/conformance

go 1.24.0
