module example.com/gozero-app

go 1.24.0

require (
	github.com/dtm-labs/driver-gozero v0.0.7
	github.com/dtm-labs/dtm v1.19.0
	github.com/zeromicro/go-zero v1.10.3
	google.golang.org/grpc v1.80.0
	google.golang.org/protobuf v1.36.11
)
