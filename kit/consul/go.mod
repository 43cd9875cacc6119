module github.com/dtmkit/drivers/kit/consul

go 1.22

require (
	github.com/dtmkit/drivers/kit v0.1.0
	google.golang.org/grpc v1.56.1
)

require (
	github.com/golang/protobuf v1.5.3 // indirect
	golang.org/x/sys v0.7.0 // indirect
	google.golang.org/protobuf v1.30.0 // indirect
)
