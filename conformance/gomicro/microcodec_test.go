package gomicro_test

import (
	"fmt"

	"go-micro.dev/v5/codec/bytes"
	"google.golang.org/grpc/encoding"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/protoadapt"
)

// restoreProtoCodec undoes, in this process, what go-micro v5.30.0's gRPC
// server and client packages do in their init: they register, for all of
// grpc, a "proto" codec that refuses every message that is not a
// google.golang.org/protobuf one, so go-micro's own etcd registry fails on
// etcd's gogo-protobuf messages ("grpc: error while marshaling: invalid
// message"; micro/go-micro#2333, fixed in v4 by #2334, back in v5). A go-micro
// v5 service that registers in etcd needs this whether it serves dtm or not;
// the driver's own etcd client does not (it forces its own codec). The
// codec is go-micro's with grpc's handling of older messages added back.
func restoreProtoCodec() { encoding.RegisterCodec(protoCodec{}) }

type protoCodec struct{}

func (protoCodec) Marshal(v any) ([]byte, error) {
	switch m := v.(type) {
	case *bytes.Frame: // go-micro's raw frames
		return m.Data, nil
	case proto.Message:
		return proto.Marshal(m)
	case protoadapt.MessageV1: // etcd's gogo-protobuf messages
		return proto.Marshal(protoadapt.MessageV2Of(m))
	}
	return nil, fmt.Errorf("proto codec: cannot marshal %T", v)
}

func (protoCodec) Unmarshal(data []byte, v any) error {
	switch m := v.(type) {
	case nil:
		return nil
	case *bytes.Frame:
		m.Data = data
		return nil
	case proto.Message:
		return proto.Unmarshal(data, m)
	case protoadapt.MessageV1:
		return proto.Unmarshal(data, protoadapt.MessageV2Of(m))
	}
	return fmt.Errorf("proto codec: cannot unmarshal into %T", v)
}

func (protoCodec) Name() string { return "proto" }
