package gomicrodriver

import (
	"fmt"

	"google.golang.org/grpc"
)

// etcdCodec is the codec the driver's etcd client uses for every call,
// instead of the one registered for "proto" in grpc's process-wide registry.
//
// go-micro v5's gRPC server and client packages replace that codec, in their
// init, with one that refuses messages other than google.golang.org/protobuf
// ones, and etcd's API messages are gogo-protobuf ones: in a process that
// links them (a go-micro service or client that is also a dtm client) every
// etcd call fails with "grpc: error while marshaling: invalid message", go-micro's
// own etcd registry's too (micro/go-micro#2333, fixed in v4 by #2334, back
// in v5.30.0). etcd's messages marshal themselves, so the driver's client
// asks them to and does not depend on what the process registered.
type etcdCodec struct{}

// etcdDialOptions force etcdCodec on the driver's etcd client.
func etcdDialOptions() []grpc.DialOption {
	return []grpc.DialOption{grpc.WithDefaultCallOptions(grpc.ForceCodec(etcdCodec{}))}
}

type selfMarshaler interface {
	Marshal() ([]byte, error)
}

type selfUnmarshaler interface {
	Unmarshal([]byte) error
}

// Marshal asks an etcd message to marshal itself.
func (etcdCodec) Marshal(v any) ([]byte, error) {
	m, ok := v.(selfMarshaler)
	if !ok {
		return nil, fmt.Errorf("%s: etcd client codec: %T is not an etcd API message", Name, v)
	}
	return m.Marshal()
}

// Unmarshal asks an etcd message to unmarshal itself.
func (etcdCodec) Unmarshal(data []byte, v any) error {
	m, ok := v.(selfUnmarshaler)
	if !ok {
		return fmt.Errorf("%s: etcd client codec: %T is not an etcd API message", Name, v)
	}
	return m.Unmarshal(data)
}

// Name is grpc's protobuf content-subtype, which etcd serves.
func (etcdCodec) Name() string { return "proto" }
