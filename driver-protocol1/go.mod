module github.com/dtmkit/drivers/driver-protocol1

go 1.24.0

require (
	github.com/dtm-labs/dtmdriver v0.0.6
	github.com/dtmkit/drivers/kit v0.1.0
	google.golang.org/grpc v1.80.0
)

require (
	github.com/go-resty/resty/v2 v2.7.0 // indirect
	golang.org/x/net v0.49.0 // indirect
	golang.org/x/sys v0.40.0 // indirect
	golang.org/x/text v0.33.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260122232226-8e98ce8d340d // indirect
	google.golang.org/protobuf v1.36.11 // indirect
)

