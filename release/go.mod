module github.com/dtmkit/drivers/release

go 1.24.0

require (
	github.com/dtmkit/drivers/conformance v0.1.0
	go.etcd.io/etcd/client/v3 v3.6.5
	golang.org/x/mod v0.30.0
)
