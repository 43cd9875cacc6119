module example.com/kratos-app

go 1.24.0

require (
	github.com/dtm-labs/driver-kratos v0.0.5
	github.com/dtm-labs/dtm v1.19.0
	github.com/go-kratos/kratos/contrib/registry/etcd/v2 v2.0.0-20241105072421-f8b97f675b32
	github.com/go-kratos/kratos/v2 v2.8.3
	go.etcd.io/etcd/client/v3 v3.6.5
	google.golang.org/grpc v1.80.0
	google.golang.org/protobuf v1.36.11
)
