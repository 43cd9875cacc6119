module github.com/dtmkit/drivers/driver-protocol1

go 1.22

require (
	github.com/dtm-labs/dtmdriver v0.0.1
	github.com/dtmkit/drivers/kit v0.1.0
	google.golang.org/grpc v1.42.0
)

require (
	github.com/golang/protobuf v1.4.3 // indirect
	google.golang.org/protobuf v1.25.0 // indirect
)
